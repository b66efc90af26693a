/**
 * The search's inner loop: costing a whole 80-layer architecture in a scenario.
 * Children differ layer by layer, so each evaluation draws on a mix of block
 * variants (memoised per variant) rather than one repeated block.
 */
import type { Architecture, AttentionSpec, FfnSpec, LayerChoice, MixerSpec, FfnSlotSpec } from '../src/blocks/index.ts'
import { deployment, systems } from '../src/cost-model/index.ts'
import { architectureCost, servingDeployment } from '../src/serving/index.ts'
import { callsPerSecond, type BenchRow } from './types.ts'

// Llama-3.3-70B shapes (../shared/reference/models/llama3.3_70b.json).
const hidden = 8192
const mixers: MixerSpec[] = [8, 4, 2, 1].map((kvHeads): AttentionSpec => ({ type: 'attention', hidden, heads: 64, kvHeads, headDim: 128 }))
mixers.push({ type: 'linear', hidden }, { type: 'noop', hidden })
const ffns: FfnSlotSpec[] = [28672, 25088, 21504, 14336, 7168, 5888, 2816].map((intermediate): FfnSpec => ({ type: 'ffn', hidden, intermediate, activation: 'swiglu' }))
ffns.push({ type: 'linear', hidden }, { type: 'noop', hidden })

function randomChild(seed: number): Architecture {
  let x = seed
  const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const layers: LayerChoice[] = Array.from({ length: 80 }, () => ({
    mixer: mixers[Math.floor(next() * mixers.length)]!,
    ffn: ffns[Math.floor(next() * ffns.length)]!,
  }))
  return { name: `child-${seed}`, hidden, embedding: { vocabSize: 128256, hidden, tied: false }, layers }
}

export function runCostBench(): BenchRow[] {
  const d = servingDeployment(deployment(systems['h100-sxm'], { weights: 'fp8', activations: 'fp8', kv: 'fp8' }))
  const scenario = { batch: 64, input: 128, output: 1024 }
  const children = Array.from({ length: 64 }, (_, i) => randomChild(i + 1))
  let i = 0
  const evals = callsPerSecond(() => {
    architectureCost(children[i++ % children.length]!, scenario, d)
  })
  return [{ name: 'cost: whole 80-layer architecture evaluations', value: evals, unit: 'evals/s', note: 'Llama-3.3-70B-shaped children, 54-variant mix, H100 fp8, batch 64, 128→1024 (memoised block costs)' }]
}
