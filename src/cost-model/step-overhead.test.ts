import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bf16Everywhere } from '../blocks/precision.ts'
import { architectureCost } from './architecture-cost.ts'
import { deployment } from './deployment.ts'
import { datasheetEfficiency } from './efficiency.ts'
import { systems } from './hardware/system.ts'
import { datasheetStepOverhead, stepOverheadSeconds } from './step-overhead.ts'

describe('stepOverheadSeconds', () => {
  it('is one graph launch with CUDA graphs, whatever the step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (kernels, gpu) => {
        expect(stepOverheadSeconds(true, kernels, gpu)).toBeCloseTo(datasheetStepOverhead.graphLaunchUs * 1e-6, 12)
      }),
    )
  })

  it('without graphs, is the host’s launch time beyond the GPU time it hides behind, never negative', () => {
    const p = { graphLaunchUs: 30, eagerLaunchUsPerKernel: 40 }
    expect(stepOverheadSeconds(false, 100, 1e-3, p)).toBeCloseTo(3e-3, 12) // 4 ms of launches against 1 ms of GPU work
    expect(stepOverheadSeconds(false, 100, 10e-3, p)).toBe(0) // the GPU is the bottleneck
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (kernels, gpu) => {
        const o = stepOverheadSeconds(false, kernels, gpu, p)
        expect(o).toBeGreaterThanOrEqual(0)
        expect(o + gpu).toBeGreaterThanOrEqual(Math.max(gpu, kernels * 40e-6) - 1e-12)
      }),
    )
  })

  it('adds one launch per step to an architecture’s TTFT and decode time', () => {
    const d = deployment(systems.h200, bf16Everywhere, { efficiency: datasheetEfficiency })
    const arch = {
      name: 'one',
      hidden: 1024,
      embedding: { vocabSize: 32000, hidden: 1024, tied: true },
      layers: [{ mixer: { type: 'attention', hidden: 1024, heads: 8, kvHeads: 8, headDim: 128 }, ffn: { type: 'ffn', hidden: 1024, intermediate: 4096, activation: 'swiglu' } }] as const,
    }
    const c = architectureCost(arch, { batch: 2, input: 100, output: 11 }, d)
    const launch = datasheetStepOverhead.graphLaunchUs * 1e-6
    expect(c.launch).toEqual({ prefill: launch, decode: 10 * launch })
    const sum = (r: Readonly<Record<string, number>>) => Object.values(r).reduce((a, b) => a + b, 0)
    expect(c.metrics.ttftSeconds).toBeCloseTo(sum(c.breakdown.prefill) + launch, 12)
    expect(c.metrics.decodeSeconds).toBeCloseTo(sum(c.breakdown.decode) + 10 * launch, 12)
  })
})
