import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { resolveCalibration } from '../../cost-model/calibration/resolve.ts'
import type { StepMix } from '../engine-step.ts'
import { fp8, preset, served } from '../../../test/fixtures/serving-models.ts'
import { directStepSeconds, stepTimePredictor } from './step-time.ts'

/** Random engine steps: up to 1024 decodes at a mean context, and up to four prompt chunks after cached prefixes. */
const mixes = fc.record({
  decodeSequences: fc.integer({ min: 0, max: 1024 }),
  decodeContext: fc.double({ min: 1, max: 40000, noNaN: true }),
  prefill: fc.array(fc.record({ tokens: fc.integer({ min: 1, max: 4096 }), prefix: fc.integer({ min: 0, max: 20000 }), count: fc.constant(1) }), { maxLength: 4 }),
})

/** |a − b| / |b|, and 0 when both are 0 (an empty step takes no time by either route). */
const relativeError = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b))

describe('stepTimePredictor', () => {
  const cases = [
    { name: 'Llama-3.3-70B, H100, fp8', arch: preset('llama-3.3-70b'), d: served('h100-sxm') },
    { name: 'Llama-3.1-8B, DGX-H100 TP 2 (all-reduce), bf16', arch: preset('llama-3.1-8b'), d: served('dgx-h100', { tp: 2, precision: { weights: 'bf16', activations: 'bf16', kv: 'bf16' } }) },
    { name: 'Nemotron-H-8B (Mamba-2 scans), H100, fp8', arch: preset('nemotron-h-8b'), d: served('h100-sxm') },
    { name: 'Hymba-1.5B (hybrid heads, sliding windows), H100, bf16', arch: preset('hymba-1.5b'), d: served('h100-sxm', { precision: { weights: 'bf16', activations: 'bf16', kv: 'bf16' } }) },
  ]
  for (const { name, arch, d } of cases) {
    it(`gives the direct sum of stepTime over blocks within 1e-9 on random steps: ${name}`, () => {
      // One predictor across all runs, so that memoised parts are reused by steps that differ elsewhere.
      const predictor = stepTimePredictor(arch, d, 1024, 8192)
      fc.assert(
        fc.property(mixes, (mix: StepMix) => {
          expect(relativeError(predictor.seconds(mix), directStepSeconds(arch, mix, d))).toBeLessThan(1e-9)
        }),
        { numRuns: 60 },
      )
    })
  }

  it('is exact under a calibrated, shape-dependent efficiency model (h200-pytorch)', async () => {
    const arch = preset('llama-3.1-8b')
    const d = served('h200', { efficiency: await resolveCalibration('h200-pytorch', 'h200'), precision: fp8 })
    const predictor = stepTimePredictor(arch, d, 1024, 8192)
    fc.assert(
      fc.property(mixes, (mix: StepMix) => {
        expect(relativeError(predictor.seconds(mix), directStepSeconds(arch, mix, d))).toBeLessThan(1e-9)
      }),
      { numRuns: 40 },
    )
  })

  it('reuses the shared kernels of a step for another with the same decode count, prefill tokens and chunks, exactly', () => {
    const arch = preset('llama-3.3-70b')
    const d = served('h100-sxm')
    const predictor = stepTimePredictor(arch, d, 1024, 8192)
    const a: StepMix = { decodeSequences: 40, decodeContext: 700, prefill: [{ tokens: 1000, prefix: 0, count: 1 }, { tokens: 24, prefix: 4000, count: 1 }] }
    const b: StepMix = { decodeSequences: 40, decodeContext: 300.5, prefill: [{ tokens: 512, prefix: 2048, count: 1 }, { tokens: 512, prefix: 0, count: 1 }] }
    predictor.seconds(a)
    expect(relativeError(predictor.seconds(b), directStepSeconds(arch, b, d))).toBeLessThan(1e-9)
  })
})
