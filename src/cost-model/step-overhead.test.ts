import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
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
})
