import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Architecture, AttentionSpec, FfnSpec } from '../blocks/index.ts'
import { blockModel } from '../blocks/registry.ts'
import { executionOf, deployment } from '../cost-model/deployment.ts'
import { gpus } from '../cost-model/hardware/gpu.ts'
import { systems } from '../cost-model/hardware/system.ts'
import { timeKernels } from '../cost-model/block-cost.ts'
import { datasheetEfficiency, type EfficiencyModel } from '../cost-model/efficiency.ts'
import { architectureCost } from './architecture-cost.ts'
import { engines, kvPoolBytes, linearMemoryRule, type EngineProfile } from './engine.ts'
import { stepKernels, stepTokens, type PhaseWork, type StepMix } from './engine-step.ts'
import { servingDeployment } from './serving-deployment.ts'
import { meanPagedTokens, steadyState } from './steady-state.ts'

const fp8 = { weights: 'fp8', activations: 'fp8', kv: 'fp8' } as const
const attention: AttentionSpec = { type: 'attention', hidden: 4096, heads: 32, kvHeads: 8, headDim: 128 }
const ffn: FfnSpec = { type: 'ffn', hidden: 4096, intermediate: 14336, activation: 'swiglu' }

/** A Llama-3.1-8B-shaped model: 32 layers, hidden 4096, 32 heads, 8 KV heads, FFN 14336, vocab 128256 (../shared/reference/models/llama3.1_8b.json). */
const llama8b: Architecture = {
  name: 'llama-8b-shape',
  hidden: 4096,
  embedding: { vocabSize: 128256, hidden: 4096, tied: false },
  layers: Array.from({ length: 32 }, () => ({ mixer: attention, ffn })),
}

const engineList: readonly EngineProfile[] = Object.values(engines)

describe('device memory', () => {
  it('counts an H100 as the 81,559 MiB the driver reports, not 80 × 10⁹ B', () => {
    // nvidia-smi memory.total on an H100 80GB HBM3: 81559MiB (NVIDIA/nccl issue #1264; modal-labs/modal-client PR #2797).
    expect(gpus['h100-sxm'].memoryBytes).toBe(81_559 * 2 ** 20)
    expect(gpus['h100-sxm'].memoryBytes / 1e9).toBeCloseTo(85.52, 2)
  })
})

describe('engine memory policies', () => {
  const T = gpus['h100-sxm'].memoryBytes
  it('size the KV pool as each engine documents', () => {
    const w = 40e9
    const a = 1e9
    // vLLM: gpu_memory_utilization 0.9 of the total (vLLM engine arguments docs).
    expect(kvPoolBytes(engines.vllm, T, 1, w, a)).toBeCloseTo(0.9 * T - w - a, 0)
    // TensorRT-LLM: 0.9 of the memory left free after weights and activations (KvCacheConfig docs).
    expect(kvPoolBytes(engines.trtllm, T, 1, w, a)).toBeCloseTo(0.9 * (T - w - a), 0)
    // SGLang: mem_fraction_static 0.88 at TP1 for weights and the pool (server_args.py, v0.4).
    expect(kvPoolBytes(engines.sglang, T, 1, w, a)).toBeCloseTo(0.88 * T - w, 0)
  })

  it('agree with their linear form, which the search’s memory row uses', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...engineList),
        fc.constantFrom(1, 2, 4, 8),
        fc.double({ min: 0, max: 90e9, noNaN: true }),
        fc.double({ min: 0, max: 5e9, noNaN: true }),
        fc.double({ min: 0, max: 90e9, noNaN: true }),
        (engine, tp, weights, activations, cache) => {
          const pool = kvPoolBytes(engine, T, tp, weights, activations)
          const rule = linearMemoryRule(engine, T, tp)
          const lhs = weights + (rule.countsActivations ? activations : 0) + rule.kvScale * cache
          const fitsPool = cache <= pool
          const fitsRule = lhs <= rule.capacity
          // Equal up to rounding at the boundary.
          if (Math.abs(lhs - rule.capacity) > 1) expect(fitsRule).toBe(fitsPool)
        },
      ),
    )
  })
})

describe('paged KV cache', () => {
  it('holds a sequence at its length rounded up to whole blocks, averaged over its life', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 600 }), fc.constantFrom(1, 16, 32, 64), (input, output, block) => {
        let sum = 0
        for (let len = input + 1; len <= input + output; len++) sum += Math.ceil(len / block) * block
        expect(meanPagedTokens(input, output, block)).toBeCloseTo(sum / output, 9)
        expect(meanPagedTokens(input, output, block)).toBeGreaterThanOrEqual(input + (output + 1) / 2 - 1e-9)
      }),
    )
  })
})

/**
 * The datasheet roofline without its tile and wave terms (cost-model/gemm-shape.ts). Those make a GEMM's time step
 * up at wave boundaries, so a merged step can cross one that the two apart do not, and one more sequence can cost
 * a whole wave: real, and not what the accounting properties below are about.
 */
const shapeFree: EfficiencyModel = { ...datasheetEfficiency, computeFraction: (k) => datasheetEfficiency.computeFraction(k) }

describe('engine steps', () => {
  const d = servingDeployment(deployment(systems.h200, fp8, { efficiency: shapeFree }))
  const exec = executionOf(d)
  const work: PhaseWork = (shape) => blockModel(ffn).work(ffn, shape, exec)
  const mixArb = fc.record({
    decodeSequences: fc.integer({ min: 1, max: 512 }),
    decodeContext: fc.integer({ min: 1, max: 32768 }),
    tokens: fc.integer({ min: 1, max: 8192 }),
    prefix: fc.integer({ min: 0, max: 8192 }),
  })

  it('read each weight matrix once for decode and prefill together', () => {
    fc.assert(
      fc.property(mixArb, ({ decodeSequences, decodeContext, tokens, prefix }) => {
        const mix: StepMix = { decodeSequences, decodeContext, prefill: [{ tokens, prefix, count: 1 }] }
        const merged = stepKernels(work, mix, exec).map((k) => k.kernel)
        const decode = work({ phase: 'decode', batch: decodeSequences, contextLen: decodeContext })
        const prefill = work({ phase: 'prefill', batch: 1, seqLen: tokens })
        const gemm = (ks: readonly { name: string; bytes: number }[], name: string) => ks.find((k) => k.name === name)!.bytes
        // down_proj weights: hidden × intermediate, one byte each in fp8.
        const weights = 4096 * 14336
        expect(gemm(merged, 'down_proj')).toBeCloseTo(gemm(decode, 'down_proj') + gemm(prefill, 'down_proj') - weights, 0)
      }),
    )
  })

  it('never take longer than running the decode and the prefill as two steps', () => {
    fc.assert(
      fc.property(mixArb, ({ decodeSequences, decodeContext, tokens, prefix }) => {
        const mix: StepMix = { decodeSequences, decodeContext, prefill: [{ tokens, prefix, count: 1 }] }
        const together = timeKernels(stepKernels(work, mix, exec).map((k) => k.kernel), d).seconds
        const apart =
          timeKernels(stepKernels(work, { ...mix, prefill: [] }, exec).map((k) => k.kernel), d).seconds +
          timeKernels(stepKernels(work, { decodeSequences: 0, decodeContext, prefill: mix.prefill }, exec).map((k) => k.kernel), d).seconds
        expect(together).toBeLessThanOrEqual(apart * (1 + 1e-12))
      }),
    )
  })

  it('attend over a chunk’s cached prefix: a prompt in chunks does the attention work of the whole prompt', () => {
    const attn: PhaseWork = (shape) => blockModel(attention).work(attention, shape, exec)
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 4096 }), (first, second) => {
        const flops = (mix: StepMix) => stepKernels(attn, mix, exec).find((k) => k.kernel.kind === 'attention')!.kernel.flops
        const whole = flops({ decodeSequences: 0, decodeContext: 1, prefill: [{ tokens: first + second, prefix: 0, count: 1 }] })
        const a = flops({ decodeSequences: 0, decodeContext: 1, prefill: [{ tokens: first, prefix: 0, count: 1 }] })
        const b = flops({ decodeSequences: 0, decodeContext: 1, prefill: [{ tokens: second, prefix: first, count: 1 }] })
        expect(a + b).toBeCloseTo(whole, 0)
      }),
    )
  })
})

describe('in-flight steady state', () => {
  it('processes every prompt and output token of a cycle within the step budget', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2048 }), fc.integer({ min: 1, max: 65536 }), fc.integer({ min: 1, max: 4096 }), (C, input, output) => {
        const limits = engines.vllm.limits(gpus.h200)
        const st = steadyState({ batch: C, input, output }, limits)
        expect(st.steps).toBeGreaterThanOrEqual(output - 1)
        for (const { mix } of st.cycle) expect(stepTokens(mix)).toBeLessThanOrEqual(limits.stepTokens * (1 + 1e-12))
        expect(st.cycle.reduce((n, k) => n + k.steps, 0)).toBeCloseTo(st.steps, 9)
        // Every request's prompt and its output − 1 decode tokens, C requests per cycle.
        const tokens = st.cycle.reduce((t, k) => t + k.steps * stepTokens(k.mix), 0)
        expect(tokens / (C * (input + output - 1))).toBeCloseTo(1, 9)
      }),
    )
  })

  it('never loses throughput per GPU at a higher concurrency', () => {
    fc.assert(
      fc.property(fc.constantFrom(...engineList), fc.integer({ min: 1, max: 512 }), fc.integer({ min: 16, max: 8192 }), fc.integer({ min: 2, max: 2048 }), (engine, C, input, output) => {
        const d = servingDeployment(deployment(systems.h200, fp8, { efficiency: shapeFree }), { engine })
        const at = (batch: number) => architectureCost(llama8b, { batch, input, output }, d).metrics.outputTokensPerSecondPerGpu
        expect(at(C + 1)).toBeGreaterThanOrEqual(at(C) * (1 - 1e-9))
      }),
      { numRuns: 60 },
    )
  })

  it('fits the concurrency it reports as the largest, and not one more', () => {
    for (const engine of engineList) {
      const d = servingDeployment(deployment(systems['h100-sxm'], fp8), { engine })
      const s = { input: 4096, output: 1024 }
      const { maxBatch } = architectureCost(llama8b, { batch: 1, ...s }, d).memory
      expect(maxBatch).toBeGreaterThan(1)
      expect(architectureCost(llama8b, { batch: maxBatch, ...s }, d).memory.fits).toBe(true)
      if (maxBatch < engine.limits(gpus['h100-sxm']).maxSequences) expect(architectureCost(llama8b, { batch: maxBatch + 1, ...s }, d).memory.fits).toBe(false)
    }
  })

  it('holds a sequence’s mean paged cache in flight, its final length in a static batch', () => {
    const s = { batch: 16, input: 1000, output: 1000 }
    const inflight = architectureCost(llama8b, s, servingDeployment(deployment(systems.h200, fp8))).memory.kvCache
    const fixed = architectureCost(llama8b, s, servingDeployment(deployment(systems.h200, fp8), { batching: 'static' })).memory.kvCache
    // Llama-3.1-8B in fp8: 32 layers × 8 KV heads × 128 × 2 (K and V) × 1 B = 65,536 B per token.
    expect(fixed).toBe(16 * 2000 * 65_536)
    expect(inflight).toBeCloseTo(16 * meanPagedTokens(1000, 1000, engines.vllm.kvBlockTokens) * 65_536, 0)
  })
})
