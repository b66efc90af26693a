import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { deployment } from '../cost-model/deployment.ts'
import { systems } from '../cost-model/hardware/system.ts'
import { presetArchitecture } from '../io/presets.ts'
import { Result } from 'effect'
import { architectureCost } from './architecture-cost.ts'
import { engines, type EngineProfile } from './engine.ts'
import { servingDeployment } from './serving-deployment.ts'
import { heldKvTokens, meanPagedTokens } from './steady-state.ts'

describe('heldKvTokens', () => {
  it('holds the mean paged length when the engine admits on current length, the whole reservation when on final length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70_000 }), fc.integer({ min: 1, max: 8_000 }), fc.constantFrom(1, 16, 32), (input, output, block) => {
        const current = heldKvTokens(input, output, { kvAdmission: 'current', kvBlockTokens: block })
        const final = heldKvTokens(input, output, { kvAdmission: 'final', kvBlockTokens: block })
        expect(current).toBe(meanPagedTokens(input, output, block))
        expect(final % block).toBe(0)
        expect(final).toBeGreaterThanOrEqual(input + output)
        expect(final).toBeLessThan(input + output + block)
        expect(final).toBeGreaterThanOrEqual(current)
      }),
      { numRuns: 200 },
    )
  })
})

describe('TensorRT-LLM admission (GUARANTEED_NO_EVICT)', () => {
  const llama = Result.getOrThrow(presetArchitecture('llama-3.1-70b'))
  const fp8 = { weights: 'fp8', activations: 'fp8', kv: 'fp8' } as const
  const on = (engine: EngineProfile) => servingDeployment(deployment(systems['h100-sxm'], fp8, { tp: 1 }), { engine })
  const noEvict = on(engines.trtllm)
  const preempting = on({ ...engines.trtllm, kvAdmission: 'current' })

  it('admits as many sequences as the pool holds at prompt + output, rounded up to 32-token blocks', () => {
    // Llama-3.1-70B in FP8: 80 layers × 8 KV heads × 128 × 2 (K and V) × 1 B = 163,840 B per token
    // (../shared/reference/README.md gives 327,680 B in bf16). 128 + 1024 tokens reserve 36 blocks of 32.
    const cost = architectureCost(llama, { batch: 1, input: 128, output: 1024 }, noEvict)
    const reserved = 36 * 32 * 163_840
    expect(cost.memory.kvCache).toBeCloseTo(reserved, -3)
    expect(cost.memory.maxBatch).toBe(Math.floor(cost.memory.kvPool / reserved))
  })

  it('never runs more sequences at once than an engine that holds only current lengths, and runs fewer when outputs are long', () => {
    const maxBatches = (input: number, output: number) =>
      [noEvict, preempting].map((d) => architectureCost(llama, { batch: 1, input, output }, d).memory.maxBatch)
    for (const [input, output] of [[128, 1024], [1, 8000], [2048, 2048]] as const) {
      const [reserving, holding] = maxBatches(input, output)
      expect(reserving).toBeLessThan(holding!)
    }
    // A short output barely changes a long prompt's length, so the two rules nearly agree.
    const [reserving, holding] = maxBatches(2048, 128)
    expect(reserving).toBeLessThanOrEqual(holding!)
  })
})
