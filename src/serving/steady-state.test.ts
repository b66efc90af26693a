import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { deployment } from '../cost-model/deployment.ts'
import { systems } from '../cost-model/hardware/system.ts'
import { presetArchitecture } from '../io/presets.ts'
import * as Result from 'effect/Result'
import { architectureCost } from './architecture-cost.ts'
import { engines, type EngineProfile } from './engine.ts'
import { servingDeployment } from './serving-deployment.ts'
import { heldKvTokens, meanPagedTokens, steadyState } from './steady-state.ts'

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

describe('steadyState', () => {
  const limits = { maxSequences: 2048, stepTokens: 8192 }
  const scenarios = fc.record({ batch: fc.integer({ min: 1, max: 1024 }), input: fc.integer({ min: 1, max: 70_000 }), output: fc.integer({ min: 2, max: 4096 }) })

  it('serves every prompt token and every decode of a cycle exactly once, with or without chunked prefill', () => {
    fc.assert(
      fc.property(scenarios, fc.boolean(), (s, chunked) => {
        const st = steadyState(s, limits, chunked)
        let steps = 0
        let prompt = 0
        let decodes = 0
        for (const { mix, steps: count } of st.cycle) {
          steps += count
          decodes += count * mix.decodeSequences
          for (const c of mix.prefill) prompt += count * c.count * c.tokens
        }
        expect(steps).toBeCloseTo(st.steps, 6)
        expect(prompt / (s.batch * s.input)).toBeCloseTo(1, 9)
        expect(decodes / (s.batch * (s.output - 1))).toBeCloseTo(1, 9)
        expect(st.steps).toBeGreaterThanOrEqual(s.output - 1)
      }),
      { numRuns: 200 },
    )
  })

  it('without chunked prefill puts whole prompts into some steps and leaves the others to decode', () => {
    // Puzzle's summarization setting, 2048 in / 128 out, 31 in flight (Llama-3.1-70B on one H100 under TensorRT-LLM).
    const st = steadyState({ batch: 31, input: 2048, output: 128 }, limits, false)
    expect(st.steps).toBe(127)
    // Arrivals spread over the cycle: each of 31 steps takes one freed slot's whole prompt, 96 steps only decode.
    expect(st.cycle.map((k) => k.steps)).toEqual([31, 96])
    expect(st.cycle[0]!.mix.prefill).toEqual([{ tokens: 2048, prefix: 0, count: 1 }])
    expect(st.cycle[1]!.mix.prefill).toEqual([])
  })
})

describe('steadyState without chunked prefill', () => {
  const limits = { maxSequences: 2048, stepTokens: 8192 }

  it('prefills a prompt longer than the step budget whole, in one step, where a chunking engine splits it', () => {
    const s = { batch: 4, input: 16_384, output: 128 }
    const whole = steadyState(s, limits, false)
    const chunked = steadyState(s, limits, true)
    expect(whole.newcomerSteps.map((m) => m.prefill[0]!.tokens)).toEqual([16_384])
    expect(chunked.newcomerSteps.length).toBe(3)
    // Either way the cycle prefills every prompt token once.
    for (const st of [whole, chunked]) {
      let prompt = 0
      for (const { mix, steps } of st.cycle) for (const c of mix.prefill) prompt += steps * c.count * c.tokens
      expect(prompt).toBeCloseTo(s.batch * s.input, 6)
    }
  })
})

describe('engine profiles’ admission and prefill defaults', () => {
  it('TensorRT-LLM reserves final lengths and prefills whole prompts; vLLM and SGLang hold current lengths and chunk', () => {
    // TensorRT-LLM: GUARANTEED_NO_EVICT is the default capacity scheduler policy ("Useful Runtime Options"), and
    // chunked context needs enable_chunked_prefill=True ("Long Sequences"). vLLM V1 always chunks and preempts;
    // SGLang chunks at chunked_prefill_size 8192 and retracts requests when its pool runs out.
    expect([engines.trtllm.kvAdmission, engines.trtllm.chunkedPrefill]).toEqual(['final', false])
    expect([engines.vllm.kvAdmission, engines.vllm.chunkedPrefill]).toEqual(['current', true])
    expect([engines.sglang.kvAdmission, engines.sglang.chunkedPrefill]).toEqual(['current', true])
  })
})
