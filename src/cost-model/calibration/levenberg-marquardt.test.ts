import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { levenbergMarquardt, solveSpd } from './levenberg-marquardt.ts'

describe('levenbergMarquardt', () => {
  it('recovers the rate and amplitude of an exponential decay from exact samples', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.2, max: 3, noNaN: true }), fc.double({ min: 0.5, max: 5, noNaN: true }), (rate, amplitude) => {
        const ts = Array.from({ length: 20 }, (_, i) => i / 5)
        const ys = ts.map((t) => amplitude * Math.exp(-rate * t))
        const fit = levenbergMarquardt((x) => Float64Array.from(ts.map((t, i) => x[1]! * Math.exp(-x[0]! * t) - ys[i]!)), [1, 1])
        expect(fit.x[0]).toBeCloseTo(rate, 5)
        expect(fit.x[1]).toBeCloseTo(amplitude, 5)
        expect(fit.cost).toBeLessThan(1e-12)
      }),
      { numRuns: 20, seed: 2026 },
    )
  })

  it('leaves a parameter the residuals ignore where it started, with zero sensitivity', () => {
    const fit = levenbergMarquardt((x) => Float64Array.from([x[0]! - 2, x[0]! + 1]), [0, 7])
    expect(fit.x[0]).toBeCloseTo(0.5, 9)
    expect(fit.x[1]).toBe(7)
    expect(fit.sensitivity[1]).toBe(0)
  })

  it('is deterministic', () => {
    const r = (x: readonly number[]) => Float64Array.from([Math.sin(x[0]!) - 0.3, x[0]! * x[1]! - 1, x[1]! - 2])
    expect(levenbergMarquardt(r, [0.1, 0.1])).toEqual(levenbergMarquardt(r, [0.1, 0.1]))
  })
})

describe('solveSpd', () => {
  it('solves a symmetric positive definite system and refuses an indefinite one', () => {
    const x = solveSpd([[4, 1], [1, 3]], [1, 2])!
    expect(4 * x[0]! + x[1]!).toBeCloseTo(1, 12)
    expect(x[0]! + 3 * x[1]!).toBeCloseTo(2, 12)
    expect(solveSpd([[1, 2], [2, 1]], [1, 1])).toBeUndefined()
  })
})
