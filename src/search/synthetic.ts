/**
 * Seeded synthetic problems shaped like Puzzle's Llama-70B search space, for
 * benchmarks and property tests. Not a quality model: the losses are random
 * draws ordered so that cheaper variants tend to lose more, which is the
 * structure that makes the trade-off hard.
 */
import type { Budget, SearchLayer, SearchProblem, Variant } from './problem.ts'
import { seededRandom } from '../random.ts'


interface SubBlock {
  readonly id: string
  /** Decode seconds per layer at the synthetic scenario. */
  readonly runtime: number
  /** Weight plus KV-cache bytes per layer at the synthetic scenario. */
  readonly memory: number
  /** Typical KL divergence added by replacing the parent's sub-block with this one. */
  readonly loss: number
  readonly attention: boolean
}

// Shapes of Llama-3.1-70B (shared/reference/models/llama3.1_70b): hidden 8192,
// 64 query heads of 128, 8 KV heads, FFN 28672, bf16 (2 B per value). Runtimes
// are illustrative decode times on one H100-class GPU at batch 64 with 4,096
// tokens of context: memory-bound, so roughly proportional to bytes read.
const hidden = 8192
const headDim = 128
const bytes = 2
const cachedTokens = 64 * 4096
const attentionWeights = (kv: number) => (2 * hidden * hidden + 2 * hidden * kv * headDim) * bytes
const kvCache = (kv: number) => 2 * kv * headDim * bytes * cachedTokens
const ffnWeights = (share: number) => 3 * hidden * Math.ceil((28672 * share) / 256) * 256 * bytes
/** Seconds per byte of a memory-bound decode kernel at about 3 TB/s achieved. */
const secondsPerByte = 1 / 3e12

const attentionOptions: readonly SubBlock[] = [
  ...[8, 4, 2, 1].map((kv, i) => ({
    id: `attn:kv${kv}`,
    runtime: (attentionWeights(kv) + kvCache(kv)) * secondsPerByte,
    memory: attentionWeights(kv) + kvCache(kv),
    loss: [0, 0.002, 0.006, 0.012][i]!,
    attention: true,
  })),
  { id: 'attn:linear', runtime: hidden * hidden * bytes * secondsPerByte, memory: hidden * hidden * bytes, loss: 0.03, attention: false },
  { id: 'attn:noop', runtime: 0, memory: 0, loss: 0.05, attention: false },
]

const ffnOptions: readonly SubBlock[] = [
  ...[1, 0.87, 0.75, 0.5, 0.25, 0.2, 0.1].map((share, i) => ({
    id: `ffn:${Math.round(share * 100)}%`,
    runtime: ffnWeights(share) * secondsPerByte,
    memory: ffnWeights(share),
    loss: [0, 0.002, 0.005, 0.015, 0.04, 0.05, 0.07][i]!,
    attention: false,
  })),
  { id: 'ffn:linear', runtime: hidden * hidden * bytes * secondsPerByte, memory: hidden * hidden * bytes, loss: 0.08, attention: false },
  { id: 'ffn:noop', runtime: 0, memory: 0, loss: 0.1, attention: false },
]

export interface SyntheticOptions {
  readonly layers: number
  readonly seed: number
  /** Relative spread of per-layer cost noise, as in measured block libraries; default 0.02 (±2%). */
  readonly costJitter?: number
  /** Runtime budget as a share of the parent's; default 0.5 (a 2× speedup). */
  readonly runtimeShare?: number
  /** Memory budget as a share of the parent's; absent means no memory budget. */
  readonly memoryShare?: number
}

/** The 54-variant Puzzle-like problem (6 attention × 9 FFN options per layer), objective `kl_div`. */
export function syntheticPuzzleProblem(options: SyntheticOptions): SearchProblem {
  const random = seededRandom(options.seed)
  const jitter = options.costJitter ?? 0.02
  const noisy = (value: number) => value * (1 + jitter * (2 * random() - 1))
  const layers: SearchLayer[] = []
  let parentRuntime = 0
  let parentMemory = 0
  for (let l = 0; l < options.layers; l++) {
    // Layers differ in how much they matter; a log-uniform spread of 10× is typical of replace-1-block scores.
    const sensitivity = 10 ** (random() - 0.5)
    const variants: Variant[] = []
    for (const attention of attentionOptions) {
      for (const ffn of ffnOptions) {
        const runtime = noisy(attention.runtime) + noisy(ffn.runtime)
        const memory = attention.memory + ffn.memory
        const loss = (attention.loss + ffn.loss) * sensitivity * (0.5 + random())
        variants.push({
          id: `${attention.id}+${ffn.id}`,
          costs: { runtime, memory },
          metrics: { kl_div: loss },
          tags: attention.attention ? ['attention'] : [],
        })
      }
    }
    parentRuntime += variants[0]!.costs['runtime']!
    parentMemory += variants[0]!.costs['memory']!
    layers.push({ variants })
  }
  const budgets: Budget[] = [{ kind: 'cost', name: 'runtime', max: parentRuntime * (options.runtimeShare ?? 0.5) }]
  if (options.memoryShare !== undefined) budgets.push({ kind: 'cost', name: 'memory', max: parentMemory * options.memoryShare })
  return { layers, objective: { kl_div: 1 }, budgets, constraints: [] }
}

/**
 * The problem with a parameter row and a cap on it at `paramsShare` of the parent's (each layer's first variant):
 * a variant's parameter count is its memory times a fixed factor between 0.7 and 1.3, so that the two rows differ
 * and can bind together, as runtime, memory and a `--params` cap do in real searches.
 */
export function withParamsCap(problem: SearchProblem, paramsShare: number): SearchProblem {
  let parent = 0
  const layers = problem.layers.map((layer, l) => ({
    variants: layer.variants.map((v, i) => {
      const params = (v.costs['memory'] ?? 0) * (0.7 + 0.6 * (((l * 7 + i * 13) % 11) / 10))
      if (i === 0) parent += params
      return { ...v, costs: { ...v.costs, params } }
    }),
  }))
  return { ...problem, layers, budgets: [...problem.budgets, { kind: 'cost', name: 'params', max: parent * paramsShare }] }
}
