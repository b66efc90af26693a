import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { weightGemm } from '../../blocks/kernels.ts'
import { bf16Everywhere } from '../../blocks/precision.ts'
import type { Kernel } from '../../blocks/work.ts'
import { isUserError } from '../../errors.ts'
import { calibratedEfficiency, familyOf } from './calibrated-efficiency.ts'
import { headDimSpeed } from './head-dim-speed.ts'
import { startingParameters } from './starting-point.ts'

const bf16 = startingParameters('bf16', [64, 96, 256])
const model = calibratedEfficiency({ name: 'test', parameters: { bf16 } })

function attention(queries: number, headDim: number, math: Kernel['math'] = 'bf16'): Kernel {
  return { name: 'sdpa', kind: 'attention', flops: 1, bytes: 1, math, attention: { batch: 4, queries, keys: 1024, heads: 32, kvHeads: 8, headDim } }
}

describe('calibratedEfficiency', () => {
  it('is a calibrated model under the calibration’s name', () => {
    expect(model.name).toBe('test')
    expect(model.source).toBe('calibrated')
  })

  it('tells decode attention (one query per sequence) from prefill by the kernel’s shape', () => {
    expect(familyOf(attention(1, 128))).toBe('attentionDecode')
    expect(familyOf(attention(512, 128))).toBe('attentionPrefill')
    expect(model.computeFraction(attention(1, 128))).toBeCloseTo(bf16.attentionDecode.computeFraction, 12)
    expect(model.computeFraction(attention(512, 128))).toBeCloseTo(bf16.attentionPrefill.computeFraction, 12)
  })

  it('gives a GEMM a compute fraction that grows with its tokens and a bandwidth fraction that grows with its width', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8192 }), fc.integer({ min: 1, max: 8192 }), fc.integer({ min: 128, max: 16384 }), (m1, m2, n) => {
        const [lo, hi] = m1 < m2 ? [m1, m2] : [m2, m1]
        const g = (m: number, width: number) => weightGemm('proj', m, width, 4096, bf16Everywhere)
        expect(model.computeFraction(g(lo, n))).toBeLessThanOrEqual(model.computeFraction(g(hi, n)))
        expect(model.bandwidthFraction(g(1, n))).toBeLessThanOrEqual(model.bandwidthFraction(g(1, 2 * n)) + 1e-15)
        expect(model.computeFraction(g(hi, n))).toBeLessThan(bf16.gemm.computeFraction)
      }),
      { seed: 2026 },
    )
  })

  it('times fp16 kernels with the bf16 parameters (same tensor-core rate and element size on Hopper)', () => {
    expect(model.computeFraction(attention(512, 128, 'fp16'))).toBe(model.computeFraction(attention(512, 128, 'bf16')))
  })

  it('refuses a precision it was not fitted for with a one-line user error', () => {
    let thrown: unknown
    try {
      model.computeFraction(attention(512, 128, 'fp8'))
    } catch (e) {
      thrown = e
    }
    expect(isUserError(thrown)).toBe(true)
    expect((thrown as Error).message).toBe(
      'invalid --calibration: test has no fp8 parameters (it was fitted for bf16); measure fp8 blocks and calibrate again, or drop --calibration',
    )
  })
})

describe('headDimSpeed', () => {
  const speeds = { 64: 0.8, 96: 0.7, 256: 0.6 }
  it('is 1 at head dim 128 and the fitted speed at a measured head dim', () => {
    expect(headDimSpeed(speeds, 128)).toBe(1)
    expect(headDimSpeed(speeds, 96)).toBe(0.7)
    expect(headDimSpeed(speeds, undefined)).toBe(1)
  })

  it('runs an unmeasured head dim as the next larger measured one, padded up as attention kernels do', () => {
    expect(headDimSpeed(speeds, 80)).toBe(0.7)
    expect(headDimSpeed(speeds, 112)).toBe(1)
    expect(headDimSpeed(speeds, 192)).toBe(0.6)
    expect(headDimSpeed(speeds, 32)).toBe(0.8)
    expect(headDimSpeed(speeds, 512)).toBe(0.6)
  })
})
