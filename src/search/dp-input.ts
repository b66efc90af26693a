import type { CompiledProblem } from './compile.ts'
import { nondominatedAmong, nondominatedMenu } from './menu.ts'

/** One layer as the dynamic program sees it: rows reordered into dimensions. */
export interface DpLayer {
  /** Objective value per option (position in the compiled layer). */
  readonly q: Float64Array
  /** Per dimension, the coefficient per option. */
  readonly a: readonly Float64Array[]
  /** The options worth expanding (nondominated), sorted by dimension 0. */
  readonly menu: Int32Array
}

/**
 * The dynamic program's view of a problem: dimension 0 is the one states are
 * sorted by (the frontier's cost, or the main budget); every dimension must
 * keep its sum at most `bounds[d]`.
 */
export interface DpInput {
  readonly layers: readonly DpLayer[]
  readonly bounds: Float64Array
  /** Per dimension and layer `l`, the least sum the layers from `l` on can add (length L + 1, last 0). */
  readonly minRest: readonly Float64Array[]
  /** Per dimension and layer `l`, the largest sum the layers from `l` on can add. */
  readonly maxRest: readonly Float64Array[]
  /**
   * Whether a dimension may be forgotten once no completion can break it (its
   * states then compare equal on it). Dimension 0 never is: states stay sorted by it.
   */
  readonly clampable: readonly boolean[]
}

/** Per dimension, the sums from each layer on of the least (`lowest`) or largest coefficient on its menu. */
function restSums(layers: readonly DpLayer[], dimensions: number, lowest: boolean): Float64Array[] {
  return Array.from({ length: dimensions }, (_, d) => {
    const sums = new Float64Array(layers.length + 1)
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l]!
      const a = layer.a[d]!
      let pick = lowest ? Infinity : -Infinity
      for (const k of layer.menu) pick = lowest ? Math.min(pick, a[k]!) : Math.max(pick, a[k]!)
      sums[l] = sums[l + 1]! + pick
    }
    return sums
  })
}

/** The same problem with the given menus (a subset of the current ones, same order), remaining sums recomputed. */
export function withMenus(input: DpInput, menus: readonly Int32Array[]): DpInput {
  const layers = input.layers.map((layer, l) => ({ ...layer, menu: menus[l]! }))
  const D = input.bounds.length
  return {
    ...input,
    layers,
    minRest: restSums(layers, D, true),
    maxRest: restSums(layers, D, false),
  }
}

/**
 * The same problem over a subset of its dimensions (`keep`, in the order
 * given; the first becomes the one states are sorted by), for dimensions that
 * no solution of interest can break. Menus stay within the current ones and
 * lose the options that only the dropped dimensions kept nondominated.
 */
export function keepDimensions(input: DpInput, keep: readonly number[]): DpInput {
  const zero = keep.length === 0
  const layers = input.layers.map((layer): DpLayer => {
    const a = zero ? [new Float64Array(layer.q.length)] : keep.map((d) => layer.a[d]!)
    const menu = nondominatedAmong(layer.q, a, layer.menu)
    return { q: layer.q, a, menu }
  })
  const bounds = zero ? Float64Array.of(Infinity) : Float64Array.from(keep, (d) => input.bounds[d]!)
  const clampable = zero ? [false] : keep.map((d, i) => i > 0 && input.clampable[d] !== false)
  return withMenus({ layers, bounds, minRest: [], maxRest: [], clampable }, layers.map((l) => l.menu))
}

/** Per dimension, the largest sum the current menus can reach. */
export function largestSums(input: DpInput): Float64Array {
  return Float64Array.from(input.bounds, (_, d) => input.maxRest[d]![0]!)
}

/** The largest sum row `row` of a compiled problem can reach: at or below its bound, no choice breaks it. */
export function largestSum(problem: CompiledProblem, row: number): number {
  let sum = 0
  for (const layer of problem.layers) {
    let top = -Infinity
    for (const v of layer.a[row]!) top = Math.max(top, v)
    sum += top
  }
  return sum
}

/**
 * Arranges a compiled problem for the dynamic program with `rows` (row
 * indices) as its dimensions in that order, leaving out rows after the first
 * that no choice can break; rows in `unclamped` are never forgotten (the
 * frontier's dimension). With no rows at all, one all-zero
 * dimension with an infinite bound stands in, so that the program always has
 * a dimension to sort by.
 */
export function dpInputOf(problem: CompiledProblem, rows: readonly number[], unclamped: readonly number[] = []): DpInput {
  // A row that even the largest choice in every layer meets constrains nothing;
  // tracking it would only split staircases and keep dominated options.
  const dims = rows.filter((d) => unclamped.includes(d) || largestSum(problem, d) > problem.rows[d]!.bound)
  const zero = dims.length === 0
  const layers = problem.layers.map((layer): DpLayer => {
    const a = zero ? [new Float64Array(layer.q.length)] : dims.map((d) => layer.a[d]!)
    return { q: layer.q, a, menu: nondominatedMenu({ ...layer, a }, a.map((_, d) => d)) }
  })
  const bounds = zero ? Float64Array.of(Infinity) : Float64Array.from(dims, (d) => problem.rows[d]!.bound)
  return withMenus(
    {
      layers,
      bounds,
      minRest: [],
      maxRest: [],
      clampable: Array.from(bounds, (_, d) => d > 0 && !unclamped.includes(dims[d]!)),
    },
    layers.map((layer) => layer.menu),
  )
}

/**
 * Whether dimension `d` counts layers (tag counts, diversity rows): every
 * coefficient on the menus is −1, 0 or 1, so its sums take at most L + 1
 * values. (Whole numbers alone would not do: parameter counts are whole.)
 */
export function isCount(input: DpInput, d: number): boolean {
  return input.layers.every((layer) => layer.menu.every((k) => {
    const a = layer.a[d]![k]!
    return a === 0 || a === 1 || a === -1
  }))
}
