/**
 * An exact bound for several counting rows at once (the diversity rows of
 * top-k: differ from each earlier child in at least d layers). Bounding each
 * row alone is weak there: the cheapest d switches away from the best child
 * are the second child's own layers, so a third child that must also differ
 * from the second pays for d further switches, which no single row sees.
 *
 * Per counting row j, a partial child still needs r_j more "drops" (layers
 * whose coefficient is below that layer's largest one). A backward pass over
 * the layers tabulates, for every vector of needs (each capped at what the
 * root needs), the least sum of reduced costs v − min v (v = q + p·a, p ≥ 0)
 * over the remaining layers that meets them all; budgets stay relaxed by the
 * prices. The table has Π(r_j + 1) entries per layer, so it is built only
 * when that stays small (a count, `jointTableLimit`); otherwise the rows are
 * bounded one by one (count-bound.ts).
 */
import type { DpInput } from './dp-input.ts'

/** Most table entries (over all layers) the joint bound may use: 4 M doubles, 32 MB. */
export const jointTableLimit = 4_000_000

export interface JointCountTable {
  /** The counting dimensions the table covers. */
  readonly dimensions: Int32Array
  /** Per covered dimension, its largest coefficient summed over the layers from each start layer on. */
  readonly largestRest: readonly Float64Array[]
  /** Per covered dimension, the largest need tabulated (the root's); a state never needs more. */
  readonly caps: Int32Array
  readonly strides: Int32Array
  /** Per start layer (0…L), the least reduced-cost sum over the remaining layers per needs vector; Infinity when none meets it. */
  readonly tables: readonly Float64Array[]
}

/**
 * The joint table for the counting dimensions `dims` (coefficients −1, 0
 * or 1 on every menu) under per-option reduced costs `reduced[l][i]` (menu
 * position i), or undefined when it would exceed `jointTableLimit` or no
 * dimension needs any drop at the root.
 */
export function buildJointCountTable(input: DpInput, dims: readonly number[], reduced: readonly Float64Array[]): JointCountTable | undefined {
  const L = input.layers.length
  const J = dims.length
  const largestRest = dims.map((d) => {
    const sums = new Float64Array(L + 1)
    for (let l = L - 1; l >= 0; l--) {
      const layer = input.layers[l]!
      let top = -Infinity
      for (const k of layer.menu) top = Math.max(top, layer.a[d]![k]!)
      sums[l] = sums[l + 1]! + top
    }
    return sums
  })
  const caps = Int32Array.from(dims, (d, j) => Math.max(0, Math.ceil(largestRest[j]![0]! - input.bounds[d]! - 1e-9)))
  if (caps.every((c) => c === 0)) return undefined
  const strides = new Int32Array(J)
  let size = 1
  for (let j = 0; j < J; j++) {
    strides[j] = size
    size *= caps[j]! + 1
    if (size * (L + 1) > jointTableLimit) return undefined
  }
  // Each entry's needs, digit by digit, once.
  const digits = new Int32Array(size * J)
  for (let e = 0; e < size; e++) for (let j = 0; j < J; j++) digits[e * J + j] = Math.floor(e / strides[j]!) % (caps[j]! + 1)
  const tables: Float64Array[] = new Array<Float64Array>(L + 1)
  const last = new Float64Array(size).fill(Infinity)
  last[0] = 0
  tables[L] = last
  for (let l = L - 1; l >= 0; l--) {
    const layer = input.layers[l]!
    const after = tables[l + 1]!
    // Options that drop the same rows by the same amounts differ only in reduced cost: the cheapest stands for all.
    const patterns = new Map<string, { drops: Int32Array; cost: number }>()
    layer.menu.forEach((k, i) => {
      const drops = Int32Array.from(dims, (d, j) => Math.round(largestRest[j]![l]! - largestRest[j]![l + 1]! - layer.a[d]![k]!))
      const key = drops.join(',')
      const cost = reduced[l]![i]!
      const seen = patterns.get(key)
      if (seen === undefined || cost < seen.cost) patterns.set(key, { drops, cost })
    })
    const options = [...patterns.values()]
    const table = new Float64Array(size)
    for (let e = 0; e < size; e++) {
      let best = Infinity
      for (const { drops, cost } of options) {
        let index = 0
        for (let j = 0; j < J; j++) index += strides[j]! * Math.max(0, digits[e * J + j]! - drops[j]!)
        const value = cost + after[index]!
        if (value < best) best = value
      }
      table[e] = best
    }
    tables[l] = table
  }
  return { dimensions: Int32Array.from(dims), largestRest, caps, strides, tables }
}

/**
 * The least reduced-cost sum over layers `next`… that meets every covered
 * row for a state with sums `keys` (−∞ for a forgotten dimension, which
 * needs nothing); Infinity when no completion meets them.
 */
export function jointCountExtra(table: JointCountTable, bounds: Float64Array, next: number, keys: Float64Array): number {
  let index = 0
  for (let j = 0; j < table.dimensions.length; j++) {
    const d = table.dimensions[j]!
    const used = keys[d]!
    if (used === -Infinity) continue
    const need = Math.ceil(table.largestRest[j]![next]! - (bounds[d]! - used) - 1e-9)
    if (need <= 0) continue
    // Needs only fall along a path from the root, so a state never needs more than the cap; were it to, the cap's
    // entry is still a lower bound (more needs never cost less).
    index += table.strides[j]! * Math.min(need, table.caps[j]!)
  }
  return table.tables[next]![index]!
}
