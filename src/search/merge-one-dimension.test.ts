import { describe, expect, it } from 'vitest'
import { mergeNearTies, sameCostGap } from './merge-one-dimension.ts'
import { emptyStates, pushState } from './state-set.ts'

function staircase(points: readonly (readonly [number, number])[]) {
  const set = emptyStates(1)
  points.forEach(([key, q], i) => pushState(set, Float64Array.of(key), q, i, 0))
  return set
}

describe('mergeNearTies', () => {
  it('collapses costs that differ by rounding into the last, best state of the run', () => {
    // 0.1 + 0.2 and 0.3 are the same blocks summed in two orders, one ulp apart.
    const set = staircase([
      [0.3, 5],
      [0.1 + 0.2, 4],
      [0.5, 3],
    ])
    mergeNearTies(set)
    expect(set.size).toBe(2)
    expect(Array.from(set.keys[0]!.subarray(0, 2))).toEqual([0.1 + 0.2, 0.5])
    expect(Array.from(set.q.subarray(0, 2))).toEqual([4, 3])
    expect(Array.from(set.parent.subarray(0, 2))).toEqual([1, 2])
  })

  it('measures a run from its first cost, so a chain of small steps cannot drift past the gap', () => {
    const step = 0.6 * sameCostGap
    const set = staircase([
      [1, 4],
      [1 + step, 3],
      [1 + 2 * step, 2],
      [1 + 3 * step, 1],
    ])
    mergeNearTies(set)
    expect(Array.from(set.q.subarray(0, set.size))).toEqual([3, 1])
  })
})
