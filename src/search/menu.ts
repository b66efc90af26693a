import type { CompiledLayer } from './compile.ts'

/**
 * The variants of a layer worth considering: those no other variant of the
 * same layer dominates (no worse in the objective and in every row, better in
 * one), with exact duplicates kept once. Swapping a dominated variant for its
 * dominator never breaks a row nor worsens the objective, so dropping it keeps
 * the optimum. Returned as positions in the compiled layer, sorted by the
 * first of `dims` and then by objective.
 */
export function nondominatedMenu(layer: CompiledLayer, dims: readonly number[]): Int32Array {
  return nondominatedAmong(
    layer.q,
    dims.map((d) => layer.a[d]!),
    Int32Array.from({ length: layer.q.length }, (_, k) => k),
  )
}

/** The nondominated options among `candidates` (positions) under objective `q` and the rows `rows`, sorted by the first row, then objective. */
export function nondominatedAmong(q: Float64Array, rows: readonly Float64Array[], candidates: Int32Array): Int32Array {
  const first = rows[0]
  const order = Array.from(candidates).sort(
    (x, y) => (first === undefined ? 0 : first[x]! - first[y]!) || q[x]! - q[y]!,
  )
  const kept: number[] = []
  for (const k of order) {
    const dominated = kept.some((j) => q[j]! <= q[k]! && rows.every((row) => row[j]! <= row[k]!))
    if (!dominated) kept.push(k)
  }
  return Int32Array.from(kept)
}
