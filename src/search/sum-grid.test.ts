import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { withMenus, type DpInput } from './dp-input.ts'
import { onSumGrid } from './sum-grid.ts'

/** L layers sharing one menu of costs (dimension 0) and a count (dimension 1), under `bound`. */
function sameLayers(costs: readonly number[], layers: number, bound: number): DpInput {
  const layer = { q: Float64Array.from(costs, (_, k) => k), a: [Float64Array.from(costs), Float64Array.from(costs, (_, k) => (k === 0 ? 1 : 0))], menu: Int32Array.from(costs, (_, k) => k) }
  const all = Array.from({ length: layers }, () => layer)
  return withMenus({ layers: all, bounds: Float64Array.of(bound, layers), minRest: [], maxRest: [], clampable: [false, true] }, all.map((l) => l.menu))
}

const sumInOrder = (input: DpInput, picks: readonly number[]) => picks.reduce((s, k, l) => s + input.layers[l]!.a[0]![k]!, 0)

describe('onSumGrid', () => {
  it('rounds each cost up, by less than 1e-12 of the bound over all layers together, and leaves counts alone', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-6, max: 10, noNaN: true }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 130 }), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (costs, L, bound) => {
        const gridded = onSumGrid(sameLayers(costs, L, bound))
        const step = Math.max(...gridded.layers[0]!.a[0]!.map((v, k) => v - costs[k]!))
        costs.forEach((c, k) => expect(gridded.layers[0]!.a[0]![k]!).toBeGreaterThanOrEqual(c))
        expect(step * L).toBeLessThanOrEqual(1e-12 * bound)
        expect(Array.from(gridded.layers[0]!.a[1]!)).toEqual(costs.map((_, k) => (k === 0 ? 1 : 0)))
      }),
    )
  })

  it('makes the sum of the same costs the same in any order (as it was not: 0.1, 0.2 and 0.3 over 126 layers)', () => {
    const costs = [0.1, 0.2, 0.3]
    const L = 126
    const picks = Array.from({ length: L }, (_, l) => l % 3)
    // Two orders of one multiset: same counts of each cost.
    const counts = (p: readonly number[]) => costs.map((_, k) => p.filter((x) => x === k).length)
    const other = [...picks].sort((x, y) => y - x)
    expect(counts(other)).toEqual(counts(picks))
    const plain = sameLayers(costs, L, 100)
    expect(sumInOrder(plain, picks)).not.toBe(sumInOrder(plain, other))
    const gridded = onSumGrid(plain)
    expect(sumInOrder(gridded, picks)).toBe(sumInOrder(gridded, other))
  })
})

describe('onSumGrid on sums too large for its step', () => {
  it('leaves a dimension alone when its sums could pass 2^53 steps, so that no cost is ever rounded down', () => {
    // A bound of 1e-3 against costs of 1e5: the step would be about 1e-17, and 1e5 is 1e22 steps.
    const input = sameLayers([1e5, 2e5], 100, 1e-3)
    const gridded = onSumGrid(input)
    expect(Array.from(gridded.layers[0]!.a[0]!)).toEqual([1e5, 2e5])
  })
})
