import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dominanceFilter } from './dominance.ts'
import { emptyStates, pushState } from './state-set.ts'

/** Whether some kept state is no worse than (keys, q) in every dimension but 0 and in the objective. */
function dominatedByAny(kept: readonly { keys: Float64Array; q: number }[], keys: Float64Array, q: number): boolean {
  return kept.some((k) => k.q <= q && Array.from(k.keys).every((v, d) => d === 0 || v <= keys[d]!))
}

/** States in ascending order of dimension 0, as the program offers them. */
const states = (dimensions: number, count: boolean) =>
  fc
    .array(
      fc.record({
        keys: fc.array(fc.integer({ min: -1, max: 5 }), { minLength: dimensions, maxLength: dimensions }),
        q: fc.integer({ min: 0, max: 6 }),
      }),
      { maxLength: 60 },
    )
    .map((list) =>
      list
        // −1 stands for a forgotten count (−∞); real-valued dimensions stay finite.
        .map((s) => ({ keys: Float64Array.from(s.keys, (v, d) => (v === -1 ? (d >= 2 && count ? -Infinity : 0) : v)), q: s.q }))
        .sort((x, y) => x.keys[0]! - y.keys[0]!),
    )

describe('dominanceFilter', () => {
  for (const [dimensions, count] of [
    [2, false],
    [3, true],
    [5, true],
    [3, false],
    [4, false],
  ] as const) {
    it(`admits exactly the states no kept state dominates (${dimensions} dimensions${count ? ', counts from the third on' : ''})`, () => {
      fc.assert(
        fc.property(states(dimensions, count), (offered) => {
          const filter = dominanceFilter(dimensions, count)
          filter.reset(0, 5)
          const set = emptyStates(dimensions)
          const kept: { keys: Float64Array; q: number }[] = []
          for (const s of offered) {
            const expected = !dominatedByAny(kept, s.keys, s.q)
            expect(filter.covers(s.keys, s.q, set)).toBe(!expected)
            expect(filter.admits(s.keys, s.q, set)).toBe(expected)
            if (expected) {
              kept.push(s)
              pushState(set, s.keys, s.q, -1, 0)
            }
          }
        }),
        { numRuns: 300 },
      )
    })

    it(`remembers a state admitted as known uncovered as admits' own test would (${dimensions} dimensions${count ? ', counts' : ''})`, () => {
      fc.assert(
        fc.property(states(dimensions, count), fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), (offered, trust) => {
          const filter = dominanceFilter(dimensions, count)
          filter.reset(0, 5)
          const set = emptyStates(dimensions)
          const kept: { keys: Float64Array; q: number }[] = []
          offered.forEach((s, i) => {
            const expected = !dominatedByAny(kept, s.keys, s.q)
            expect(filter.covers(s.keys, s.q, set)).toBe(!expected)
            // The caller's knowledge (merge-many-dimensions passes it when nothing was admitted since `covers`).
            expect(filter.admits(s.keys, s.q, set, expected && trust[i]!)).toBe(expected)
            if (expected) {
              kept.push(s)
              pushState(set, s.keys, s.q, -1, 0)
            }
          })
        }),
        { numRuns: 200 },
      )
    })
  }
})
