import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { withMenus, type DpInput, type DpLayer } from './dp-input.ts'
import { hasCountTail, inModelOrder, reorderLayers, visitingOrder } from './layer-order.ts'

/** A layer with `options` options: dimension 0 a cost, dimension 1 a second cost, the rest 0/1 counts (matches with an earlier child). */
function layer(options: number, counts: number): DpLayer {
  const a = [Float64Array.from({ length: options }, (_, k) => k + 1), Float64Array.from({ length: options }, (_, k) => 2 * k), ...Array.from({ length: counts }, () => Float64Array.from({ length: options }, (_, k) => (k === 0 ? 1 : 0)))]
  return { q: Float64Array.from({ length: options }, (_, k) => 1 / (k + 1)), a, menu: Int32Array.from({ length: options }, (_, k) => k) }
}

function input(sizes: readonly number[], counts: number): DpInput {
  const layers = sizes.map((m) => layer(m, counts))
  const D = 2 + counts
  return withMenus({ layers, bounds: new Float64Array(D).fill(100), minRest: [], maxRest: [], clampable: Array.from({ length: D }, (_, d) => d > 0) }, layers.map((l) => l.menu))
}

describe('visitingOrder', () => {
  it('keeps the model order without counting dimensions after the first two', () => {
    const plain = input([3, 1, 2, 1], 0)
    expect(hasCountTail(plain)).toBe(false)
    expect(Array.from(visitingOrder(plain))).toEqual([0, 1, 2, 3])
  })

  it('with counting dimensions, visits the fewest options first and, among equals, the later layer first', () => {
    const counted = input([3, 1, 2, 1, 2], 2)
    expect(hasCountTail(counted)).toBe(true)
    expect(Array.from(visitingOrder(counted))).toEqual([3, 1, 4, 2, 0])
  })

  it('reorders the layers with their remaining sums, and a choice over them maps back to the same sums in the model order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 7 }), fc.integer({ min: 0, max: 3 }), fc.infiniteStream(fc.nat()), (sizes, counts, picks) => {
        const model = input(sizes, counts)
        const order = visitingOrder(model)
        const visited = reorderLayers(model, order)
        const choice = Int32Array.from(visited.layers, (l) => picks.next().value % l.menu.length)
        const back = inModelOrder(choice, order)
        for (let d = 0; d < model.bounds.length; d++) {
          const sum = (p: DpInput, c: Int32Array) => p.layers.reduce((s, l, i) => s + l.a[d]![c[i]!]!, 0)
          expect(sum(model, back)).toBe(sum(visited, choice))
          expect(visited.minRest[d]![0]).toBeCloseTo(model.minRest[d]![0]!, 12)
          expect(visited.maxRest[d]![0]).toBeCloseTo(model.maxRest[d]![0]!, 12)
        }
      }),
    )
  })
})
