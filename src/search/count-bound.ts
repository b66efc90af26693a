/**
 * A completion bound that knows counting rows (at least n attention layers;
 * at most M layers shared with an earlier solution), whose linear relaxation
 * is weak: a fractional choice can meet "differ from the best child in 12
 * layers" by differing a tenth in every layer, nearly for free. Integrally,
 * a state that still needs r layers to switch away from their largest
 * coefficient must pay, in r of the remaining layers, at least the cheapest
 * switch there. With prices p ≥ 0 on every dimension and v = q + p·a,
 *   Σ_rest q ≥ Σ_rest min v + (sum of the r smallest switch costs) − p·(room left),
 * since a feasible completion uses at most the room left in each dimension.
 * Coefficients are −1, 0 or 1 (see `isCount`), so one switch lowers the sum
 * by at most 2, and by 1 in the rows nas-sim builds.
 */
import type { DpInput } from './dp-input.ts'
import { isCount } from './dp-input.ts'
import { buildJointCountTable, jointCountExtra, type JointCountTable } from './joint-count-bound.ts'

interface CountRow {
  readonly dimension: number
  /** Per start layer, Σ of the largest coefficient over the layers from there on. */
  readonly largestRest: Float64Array
  /** The most one switch lowers the sum (1 or 2). */
  readonly drop: number
  /** Per start layer, prefix sums of the remaining layers' switch costs, ascending (Infinity past the layers that can switch). */
  readonly cheapest: readonly Float64Array[]
}

export interface CountBound {
  readonly prices: Float64Array
  /** Per start layer, Σ of min v over the layers from there on. */
  readonly floor: Float64Array
  readonly rows: readonly CountRow[]
  /**
   * All counting rows at once (see joint-count-bound.ts), when there are two
   * or more and the table is small enough, with its own prices: those given,
   * except 0 on the rows the table treats exactly.
   */
  readonly joint?: { readonly table: JointCountTable; readonly prices: Float64Array; readonly floor: Float64Array }
  readonly bounds: Float64Array
  readonly maxRest: readonly Float64Array[]
}

/** The bound's tables for `input` under `prices` (one per dimension), or undefined when no dimension counts. */
export function buildCountBound(input: DpInput, prices: Float64Array): CountBound | undefined {
  const D = input.bounds.length
  const L = input.layers.length
  const dims = Array.from({ length: D }, (_, d) => d).filter((d) => Number.isFinite(input.bounds[d]!) && isCount(input, d))
  if (dims.length === 0) return undefined
  const value = pricedValues(input, prices)
  const floor = floorOf(value)
  const rows = dims.map((d): CountRow => {
    const largestRest = new Float64Array(L + 1)
    const switchCost = new Float64Array(L)
    let drop = 1
    input.layers.forEach((layer, l) => {
      const coefficients = Array.from(layer.menu, (k) => layer.a[d]![k]!)
      const top = Math.max(...coefficients)
      drop = Math.max(drop, top - Math.min(...coefficients))
      let below = Infinity
      coefficients.forEach((c, i) => {
        if (c < top) below = Math.min(below, value[l]![i]!)
      })
      switchCost[l] = below - Math.min(...value[l]!)
    })
    for (let l = L - 1; l >= 0; l--) {
      const layer = input.layers[l]!
      largestRest[l] = largestRest[l + 1]! + Math.max(...Array.from(layer.menu, (k) => layer.a[d]![k]!))
    }
    const cheapest = Array.from({ length: L + 1 }, (_, start) => {
      const costs = Array.from(switchCost.subarray(start)).sort((x, y) => x - y)
      const sums = new Float64Array(costs.length + 1)
      costs.forEach((c, i) => {
        sums[i + 1] = sums[i]! + c
      })
      return sums
    })
    return { dimension: d, largestRest, drop, cheapest }
  })
  const joint = buildJoint(input, dims, rows, prices)
  return { prices, floor, rows, ...(joint === undefined ? {} : { joint }), bounds: input.bounds, maxRest: input.maxRest }
}

/** The joint table over as many counting rows as fit, those needing the fewest drops at the root first. */
function buildJoint(input: DpInput, dims: readonly number[], rows: readonly CountRow[], prices: Float64Array): CountBound['joint'] {
  if (dims.length < 2) return undefined
  const byNeed = dims.map((d, j) => ({ d, need: rows[j]!.largestRest[0]! - input.bounds[d]! })).sort((x, y) => x.need - y.need || x.d - y.d)
  for (let n = byNeed.length; n >= 2; n--) {
    const covered = byNeed.slice(0, n).map((x) => x.d).sort((x, y) => x - y)
    const jointPrices = Float64Array.from(prices, (p, d) => (covered.includes(d) ? 0 : p))
    const { floor, reduced } = reducedValues(input, jointPrices)
    const table = buildJointCountTable(input, covered, reduced)
    if (table !== undefined) return { table, prices: jointPrices, floor }
  }
  return undefined
}

/** Per layer, each menu option's v = q + p·a (menu order). */
export function pricedValues(input: DpInput, prices: Float64Array): Float64Array[] {
  return input.layers.map((layer) =>
    Float64Array.from(layer.menu, (k) => {
      let v = layer.q[k]!
      for (let d = 0; d < prices.length; d++) if (prices[d] !== 0) v += prices[d]! * layer.a[d]![k]!
      return v
    }),
  )
}

function leastOf(values: Float64Array): number {
  let least = Infinity
  for (const v of values) least = Math.min(least, v)
  return least
}

/** Per start layer (0…L), Σ over the layers from there on of the least of `values`. */
export function floorOf(values: readonly Float64Array[]): Float64Array {
  const floor = new Float64Array(values.length + 1)
  for (let l = values.length - 1; l >= 0; l--) floor[l] = floor[l + 1]! + leastOf(values[l]!)
  return floor
}

/** Per start layer Σ min v over the remaining layers, and each menu option's v − min v, for v = q + p·a. */
function reducedValues(input: DpInput, prices: Float64Array): { floor: Float64Array; reduced: Float64Array[] } {
  const values = pricedValues(input, prices)
  const reduced = values.map((v) => {
    const least = leastOf(v)
    return v.map((x) => x - least)
  })
  return { floor: floorOf(values), reduced }
}

/**
 * floor + extra − p·(room left), the bound shared by the row-by-row and the joint form and by the completion bound's
 * pre-check; a dimension no longer tracked (−∞) has its largest remaining sum as room.
 */
export function withRoom(
  floor: number,
  extra: number,
  prices: Float64Array,
  limits: { readonly bounds: Float64Array; readonly maxRest: readonly Float64Array[] },
  next: number,
  keys: Float64Array,
): number {
  let bound = floor + extra
  for (let d = 0; d < keys.length; d++) {
    const p = prices[d]!
    if (p === 0) continue
    const k = keys[d]!
    bound -= p * (k === -Infinity ? limits.maxRest[d]![next]! : limits.bounds[d]! - k)
  }
  return bound
}

/**
 * The bound for a state after `next` layers with sums `keys` (−∞ for a
 * dimension no longer tracked); Infinity when no completion can meet a count.
 */
export function countCompletionBound(cb: CountBound, next: number, keys: Float64Array): number {
  let extra = 0
  for (const row of cb.rows) {
    const used = keys[row.dimension]!
    if (used === -Infinity) continue
    const excess = row.largestRest[next]! - (cb.bounds[row.dimension]! - used)
    if (excess <= 0) continue
    const switches = Math.ceil(excess / row.drop - 1e-9)
    const sums = row.cheapest[next]!
    if (switches >= sums.length) return Infinity
    extra = Math.max(extra, sums[switches]!)
  }
  const rowByRow = extra === 0 ? -Infinity : withRoom(cb.floor[next]!, extra, cb.prices, cb, next, keys)
  if (cb.joint === undefined) return rowByRow
  const together = jointCountExtra(cb.joint.table, cb.bounds, next, keys)
  if (together === Infinity) return Infinity
  return Math.max(rowByRow, withRoom(cb.joint.floor[next]!, together, cb.joint.prices, cb, next, keys))
}
