import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { percentile, percentiles } from './percentiles.ts'
import { openRequests, poissonArrivals } from './workload.ts'

describe('poissonArrivals', () => {
  it('depends on the seed only through unit gaps: at k times the rate every arrival comes k times earlier', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.double({ min: 0.01, max: 100, noNaN: true }), fc.double({ min: 1.01, max: 10, noNaN: true }), (seed, rate, k) => {
        const slow = poissonArrivals(rate, 50, seed)
        const fast = poissonArrivals(rate * k, 50, seed)
        slow.forEach((t, i) => expect(fast[i]! * k).toBeCloseTo(t, 9))
      }),
    )
  })

  it('has mean gap 1/rate (10,000 arrivals within 3%)', () => {
    const times = poissonArrivals(4, 10_000, 11)
    expect(times[times.length - 1]! / 10_000).toBeCloseTo(0.25, 1)
    expect(Math.abs(times[times.length - 1]! / 10_000 / 0.25 - 1)).toBeLessThan(0.03)
  })
})

describe('openRequests', () => {
  it('sorts a trace by arrival, keeping the order of equal times', () => {
    const r = openRequests({ kind: 'trace', requests: [{ arrival: 2, input: 1, output: 1 }, { arrival: 1, input: 2, output: 1 }, { arrival: 1, input: 3, output: 1 }] })
    expect(r.map((q) => q.input)).toEqual([2, 3, 1])
  })
})

describe('percentile', () => {
  it('interpolates linearly between order statistics, as NumPy does by default', () => {
    // numpy.percentile([1, 2, 3, 4], [50, 90, 99]) = [2.5, 3.7, 3.97]
    const sorted = [1, 2, 3, 4]
    expect(percentile(sorted, 50)).toBe(2.5)
    expect(percentile(sorted, 90)).toBeCloseTo(3.7, 12)
    expect(percentile(sorted, 99)).toBeCloseTo(3.97, 12)
    expect(percentiles([4, 1, 3, 2])).toEqual({ mean: 2.5, p50: 2.5, p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: 4 })
  })
})
