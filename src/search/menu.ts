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
  const n = layer.q.length
  const rows = dims.map((d) => layer.a[d]!)
  const first = rows[0]
  const order = Array.from({ length: n }, (_, k) => k).sort(
    (x, y) => (first === undefined ? 0 : first[x]! - first[y]!) || layer.q[x]! - layer.q[y]!,
  )
  const kept: number[] = []
  for (const k of order) {
    const dominated = kept.some((j) => layer.q[j]! <= layer.q[k]! && rows.every((row) => row[j]! <= row[k]!))
    if (!dominated) kept.push(k)
  }
  return Int32Array.from(kept)
}
