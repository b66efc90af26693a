import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { deployment } from '../cost-model/deployment.ts'
import { systems } from '../cost-model/hardware/system.ts'
import { presetArchitecture } from '../io/presets.ts'
import { architectureCost } from './architecture-cost.ts'
import { engines } from './engine.ts'
import { servingDeployment } from './serving-deployment.ts'

describe('architectureCost with quantised weights', () => {
  const llama = Result.getOrThrow(presetArchitecture('llama-3.1-70b'))
  const fp8 = { weights: 'fp8', activations: 'fp8', kv: 'fp8' } as const
  const s = { batch: 8, input: 128, output: 1024 }

  it('holds the blocks at one byte per parameter and the embedding table and LM head at two, in both batching modes', () => {
    // Llama-3.1-70B: 70.554 B parameters (../shared/reference/README.md), of which the embedding table and the untied
    // LM head are 2 × 128,256 × 8,192 = 2.101 B (config.json), which FP8 checkpoints keep in bf16.
    const embeddings = 2 * 128_256 * 8192
    const expected = (70.554e9 - embeddings) * 1 + embeddings * 2
    for (const batching of ['inflight', 'static'] as const) {
      const d = servingDeployment(deployment(systems['h100-sxm'], fp8, { tp: 1 }), { engine: engines.trtllm, batching })
      expect(architectureCost(llama, s, d).memory.weights / expected).toBeCloseTo(1, 3)
    }
  })

  it('spends as long on the bf16 LM head in an in-flight step as on its two bytes per weight', () => {
    // The step merges the LM head of decodes and prefills into one GEMM; it must stay bf16 when rebuilt.
    const d = servingDeployment(deployment(systems['h100-sxm'], fp8, { tp: 1 }), { engine: engines.trtllm })
    const empty = { ...llama, layers: [] }
    const c = architectureCost(empty, s, d)
    const perStep = (c.breakdown.decode.embeddings + c.breakdown.prefill.embeddings) / c.metrics.steps!.perCycle
    const headBytes = 128_256 * 8192 * 2
    // At least the LM head's weights streamed at the datasheet's GEMM bandwidth share (55% of 3.35 TB/s).
    expect(perStep).toBeGreaterThan(headBytes / (0.55 * 3.35e12))
  })
})
