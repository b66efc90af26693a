/**
 * The whole models profile_model.py times, as one JSON file: each model's
 * architecture in nas-sim's own form (the exact blocks `cost` predicts), its
 * parent (for child/parent speedups) and the serving scenarios to time.
 *
 * - the presets that fit one H200 in bf16 with room for their caches;
 * - the children (best and alternatives) of the nas-sim searches whose
 *   result.json files are given;
 * - seeded random heterogeneous children of three Llama-family parents, each
 *   layer drawn independently from Puzzle's menu (src/search/space/puzzle.ts).
 *
 *   npx tsx experiments/profiling/model_cases.ts --out experiments/data/h200-model-cases.json \
 *     --search runs/l8-15/result.json ...
 */
import { readFileSync, writeFileSync } from 'node:fs'
import * as Result from 'effect/Result'
import type { Architecture, LayerChoice } from '../../src/blocks/architecture.ts'
import { presetArchitecture, type PresetId } from '../../src/io/presets.ts'
import { puzzleSpace } from '../../src/search/space/puzzle.ts'
import { seededRandom } from '../../src/random.ts'

export interface ModelScenario {
  readonly id: string
  readonly batch: number
  readonly input: number
  readonly output: number
}

export interface ModelCase {
  readonly id: string
  /** How the model was made: a preset, a search child, or a random child. */
  readonly origin: 'preset' | 'search' | 'random'
  /** The preset this model is a child of; the preset itself for a parent. */
  readonly parent: string
  readonly architecture: Architecture
  readonly scenarios: readonly ModelScenario[]
}

export interface ModelCases {
  readonly gpu: string
  readonly seed: number
  readonly models: readonly ModelCase[]
}

/**
 * Three scenarios per model: one long prompt for one user, a small batch, and a
 * wide decode batch of short prompts. Prefills stay at 2048–4096 tokens so that
 * an 8B model's step takes tens of milliseconds, not seconds, on the lease.
 */
export const modelScenarios: readonly ModelScenario[] = [
  { id: '1x2048+256', batch: 1, input: 2048, output: 256 },
  { id: '4x1024+256', batch: 4, input: 1024, output: 256 },
  { id: '32x128+384', batch: 32, input: 128, output: 384 },
]

/** Presets whose bf16 weights and caches fit one 141 GB H200 with these scenarios, parents first. */
const presetIds: readonly PresetId[] = ['llama-3.1-8b', 'llama-3.2-3b', 'qwen-2.5-7b', 'nemotron-h-8b', 'nemotron-h-4b']

/**
 * Large presets, timed last (a sweep cut short loses these first): bf16
 * weights of 94–98 GB (Nemotron-H-47B, Llama-3.3-Nemotron-Super-49B) leave room on
 * a 141 GB H200 only for these scenarios' small caches.
 */
const largePresetIds: readonly PresetId[] = ['nemotron-h-47b', 'llama-3.3-nemotron-super-49b']

/** Random children per parent. */
const randomChildren: readonly (readonly [PresetId, number])[] = [
  ['llama-3.1-8b', 16],
  ['llama-3.2-3b', 10],
  ['qwen-2.5-7b', 8],
]


function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!
}

function preset(id: PresetId): Architecture {
  return Result.getOrThrowWith(presetArchitecture(id), (e) => new Error(e.message))
}

/**
 * A random heterogeneous child: per layer, the mixer is kept as some GQA variant
 * with probability 0.7, else replaced by a linear layer or a no-op; the FFN is
 * kept at some Puzzle width with probability 0.8, else linear or no-op. Each
 * child draws its own replacement rate, so some are close to the parent and
 * some far from it.
 */
export function randomChild(parent: Architecture, name: string, rand: () => number): Architecture {
  const space = puzzleSpace(parent)
  const replaceRate = 0.05 + 0.4 * rand()
  const layers: LayerChoice[] = space.layers.map((menu) => {
    const mixers = menu.mixers.filter((o) => o.id.startsWith('attn:kv'))
    const ffns = menu.ffns.filter((o) => o.id.startsWith('ffn:') && o.id.endsWith('%'))
    const other = (options: readonly { id: string; spec: unknown }[], id: string) => options.find((o) => o.id === id)!
    const mixer = rand() < replaceRate ? other(menu.mixers, rand() < 0.5 ? 'attn:linear' : 'attn:noop') : pick(rand, mixers)
    const ffn = rand() < replaceRate / 2 ? other(menu.ffns, rand() < 0.3 ? 'ffn:linear' : 'ffn:noop') : pick(rand, ffns)
    return { mixer: mixer.spec, ffn: ffn.spec } as LayerChoice
  })
  return { ...parent, name, layers }
}

interface SearchResult {
  readonly request: { readonly parent: string }
  readonly child: { readonly architecture: Architecture }
  readonly alternatives?: readonly { readonly architecture: Architecture }[]
}

const presetByName = new Map<string, PresetId>(presetIds.map((id) => [preset(id).name, id]))

function searchChildren(path: string, tag: string): ModelCase[] {
  const result = JSON.parse(readFileSync(path, 'utf8')) as SearchResult
  const parent = presetByName.get(result.request.parent)
  if (parent === undefined) throw new Error(`${path}: parent ${result.request.parent} is not one of the profiled presets`)
  const archs = [result.child.architecture, ...(result.alternatives ?? []).map((a) => a.architecture)]
  return archs.map((architecture, i) => ({ id: `search-${tag}-${i + 1}`, origin: 'search', parent, architecture, scenarios: modelScenarios }))
}

export function modelCases(searches: readonly { path: string; tag: string }[], seed: number): ModelCases {
  const rand = seededRandom(seed)
  const models: ModelCase[] = presetIds.map((id) => ({ id, origin: 'preset', parent: id, architecture: preset(id), scenarios: modelScenarios }))
  for (const s of searches) models.push(...searchChildren(s.path, s.tag))
  const queue = randomChildren.map(([id, n]) => ({ id, left: n, made: 0 }))
  // Interleaved by parent, so a sweep cut short still holds children of each.
  while (queue.some((q) => q.left > 0))
    for (const q of queue) {
      if (q.left === 0) continue
      q.left--
      q.made++
      const name = `random-${q.id}-${String(q.made).padStart(2, '0')}`
      models.push({ id: name, origin: 'random', parent: q.id, architecture: randomChild(preset(q.id), name, rand), scenarios: modelScenarios })
    }
  for (const id of largePresetIds) models.push({ id, origin: 'preset', parent: id, architecture: preset(id), scenarios: modelScenarios })
  return { gpu: 'h200', seed, models }
}

function main(argv: readonly string[]): void {
  let out: string | undefined
  let seed = 2026
  const searches: { path: string; tag: string }[] = []
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = argv[++i]
    if (value === undefined) throw new Error(`${flag} needs a value`)
    if (flag === '--out') out = value
    else if (flag === '--seed') seed = Number(value)
    else if (flag === '--search') searches.push({ path: value, tag: value.split('/').at(-2) ?? value })
    else throw new Error(`unknown flag ${flag}`)
  }
  if (out === undefined) throw new Error('--out FILE is required')
  const cases = modelCases(searches, seed)
  writeFileSync(out, `${JSON.stringify(cases)}\n`)
  process.stdout.write(`${cases.models.length} models, ${cases.models.reduce((n, m) => n + m.scenarios.length, 0)} scenarios -> ${out}\n`)
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').at(-1)!)) main(process.argv.slice(2))
