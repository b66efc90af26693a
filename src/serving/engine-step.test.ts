import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesPerElement } from '../blocks/precision.ts'
import { blockModel } from '../blocks/registry.ts'
import type { BlockSpec } from '../blocks/spec.ts'
import { deployment, executionOf } from '../cost-model/deployment.ts'
import { systems } from '../cost-model/hardware/system.ts'
import { stepKernels, stepTokens, type PhaseWork, type StepMix } from './engine-step.ts'

// Llama-3.1-70B's FFN and attention (config.json: hidden 8192, intermediate 28672, 64 heads, 8 KV heads).
const ffn: BlockSpec = { type: 'ffn', hidden: 8192, intermediate: 28672, activation: 'swiglu' }
const attention: BlockSpec = { type: 'attention', hidden: 8192, heads: 64, kvHeads: 8, headDim: 128 }
const precision = { weights: 'fp8', activations: 'fp8', kv: 'fp8' } as const
const exec = executionOf(deployment(systems['dgx-h100'], precision, { tp: 4 }))
const workOf = (spec: BlockSpec): PhaseWork => (shape) => blockModel(spec).work(spec, shape, exec)

describe('stepKernels', () => {
  it('runs each weight GEMM once over every token of the step, however the prompts are counted', () => {
    // A steady-state step carries a fractional number of whole prompts beside the decodes: 384 decodes and
    // 384 / 1023 prompts of 128 tokens (Puzzle's 70B setting) make one GEMM of 384 + 48 rows, not 384 + 128.
    const mixes = fc.record({
      decodeSequences: fc.double({ min: 0, max: 512, noNaN: true }),
      tokens: fc.integer({ min: 1, max: 65536 }),
      count: fc.double({ min: 0.001, max: 4, noNaN: true }),
    })
    fc.assert(
      fc.property(mixes, fc.constantFrom(ffn, attention), ({ decodeSequences, tokens, count }, spec) => {
        const mix: StepMix = { decodeSequences, decodeContext: 1000, prefill: [{ tokens, prefix: 0, count }] }
        const rows = stepTokens(mix)
        const w = bytesPerElement[precision.weights]
        for (const { kernel } of stepKernels(workOf(spec), mix, exec)) {
          if (kernel.gemm === undefined) continue
          const { m, n, k } = kernel.gemm
          expect(m).toBeCloseTo(rows, 6)
          expect(kernel.flops).toBeCloseTo(2 * m * n * k, -3)
          // The weights are read once per step: what the bytes hold beyond the activations is one n × k matrix.
          expect(kernel.bytes - (m * k + m * n) * bytesPerElement[precision.activations]).toBeCloseTo(n * k * w, -3)
        }
      }),
      { numRuns: 50 },
    )
  })

  it('charges a step with a share of a prompt less GEMM work than a step with the whole prompt', () => {
    const gemmFlops = (count: number) =>
      stepKernels(workOf(ffn), { decodeSequences: 384, decodeContext: 640, prefill: [{ tokens: 128, prefix: 0, count }] }, exec)
        .filter((s) => s.kernel.gemm !== undefined)
        .reduce((sum, s) => sum + s.kernel.flops, 0)
    expect(gemmFlops(384 / 1023)).toBeLessThan(gemmFlops(1))
    expect(gemmFlops(384 / 1023) / gemmFlops(1)).toBeCloseTo((384 + 48.05) / (384 + 128), 3)
  })
})
