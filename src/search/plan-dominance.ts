/**
 * What one solved batch plan says about another before it is searched.
 *
 * Two plans of one search share their layers, menus and objective values;
 * only their rows differ (a runtime budget that grows with the batch, a KV
 * cache that grows with it too). If every row of the solved plan S is implied
 * by a row of the candidate P, every child P allows is allowed in S, so P's
 * best is no better than S's and P needs no search. When exactly one row of
 * S is not implied (typically memory: a smaller batch holds less KV cache), a
 * child of P can beat S's best only by breaking that row in S, and a
 * Lagrangian bound over those children alone (the row turned round: at least
 * S's bound) usually settles P at once.
 *
 * The implication is checked coefficient by coefficient: row r of S
 * (Σ a ≤ B) follows from row s of P (Σ a' ≤ B') when B' > 0 and
 * a ≤ (B/B')·a' for every option of every layer, or when both rows have the
 * same coefficients and B' ≤ B. A row of S that no choice can break needs no
 * implication. This is exact (no assumption about how costs grow with the
 * batch is made; where the cost model makes a per-token time grow with the
 * batch somewhere, the check simply fails there).
 */
import type { CompiledProblem } from './compile.ts'
import { boundRaisingOne } from './completion-bound.ts'
import { largestSum, withMenus, type DpLayer } from './dp-input.ts'
import { nondominatedAmong } from './menu.ts'
import { quickRelaxation } from './root-relaxation.ts'

export type PlanComparison =
  /** Every child the candidate allows is allowed in the solved plan. */
  | { readonly _tag: 'Contained' }
  /** The same, except for children that break the solved plan's row `row`. */
  | { readonly _tag: 'ContainedUnlessBreaking'; readonly row: number }
  | { readonly _tag: 'Unrelated' }

function sameMenus(p: CompiledProblem, s: CompiledProblem): boolean {
  if (p.layers.length !== s.layers.length) return false
  return p.layers.every((layer, l) => {
    const other = s.layers[l]!
    if (layer.options.length !== other.options.length) return false
    for (let k = 0; k < layer.options.length; k++) if (layer.options[k] !== other.options[k] || layer.q[k] !== other.q[k]) return false
    return true
  })
}

/** Whether row `sr` of `s` holds for every choice that meets row `pr` of `p`. */
function implies(p: CompiledProblem, pr: number, s: CompiledProblem, sr: number): boolean {
  const bp = p.rows[pr]!.bound
  const bs = s.rows[sr]!.bound
  const identical = bp <= bs && p.layers.every((layer, l) => layer.a[pr]!.every((v, k) => v === s.layers[l]!.a[sr]![k]))
  if (identical) return true
  if (!(bp > 0) || !(bs >= 0)) return false
  const scale = bs / bp
  return p.layers.every((layer, l) => {
    const ap = layer.a[pr]!
    const as = s.layers[l]!.a[sr]!
    for (let k = 0; k < ap.length; k++) if (as[k]! > scale * ap[k]!) return false
    return true
  })
}

/** How the children of `candidate` relate to those of the solved plan `solved` (see the module's comment). */
export function comparePlans(candidate: CompiledProblem, solved: CompiledProblem): PlanComparison {
  if (!sameMenus(candidate, solved)) return { _tag: 'Unrelated' }
  const escapes: number[] = []
  for (let sr = 0; sr < solved.rows.length; sr++) {
    if (largestSum(solved, sr) <= solved.rows[sr]!.bound) continue
    let covered = false
    for (let pr = 0; pr < candidate.rows.length && !covered; pr++) covered = implies(candidate, pr, solved, sr)
    if (!covered) escapes.push(sr)
    if (escapes.length > 1) return { _tag: 'Unrelated' }
  }
  return escapes.length === 0 ? { _tag: 'Contained' } : { _tag: 'ContainedUnlessBreaking', row: escapes[0]! }
}

/**
 * A lower bound on the children of `candidate` that reach at least the bound
 * of the solved plan's row `row` (those it does not imply; see
 * `comparePlans`); Infinity when none can. The candidate's own multipliers
 * (those of its plan bound) stay, and only the new row's is chosen, so that
 * the check costs a few dozen relaxations rather than a fresh ascent.
 */
export function breakingBound(candidate: CompiledProblem, solved: CompiledProblem, row: number, target = Infinity): number {
  const { full, first } = quickRelaxation(candidate)
  const bound = solved.rows[row]!.bound
  const layers = full.layers.map((layer, l): DpLayer => {
    const a = [...layer.a, solved.layers[l]!.a[row]!.map((v) => -v)]
    return { q: layer.q, a, menu: nondominatedAmong(layer.q, a, Int32Array.from(layer.q, (_, k) => k)) }
  })
  const D = full.bounds.length
  const input = withMenus({ layers, bounds: Float64Array.of(...full.bounds, -bound), minRest: [], maxRest: [], clampable: [...full.clampable, true] }, layers.map((l) => l.menu))
  if (input.minRest[D]![0]! > -bound) return Infinity
  // A bound above the worst objective any child has says that no child reaches the row at all (the multiplier grew
  // without limit because the relaxation cannot meet the row and the plan's own runtime budget together).
  const reach = boundRaisingOne(input, Float64Array.of(...first.lambda, 0), D, target)
  const worst = candidate.layers.reduce((sum, layer) => sum + Math.max(...layer.q), 0)
  return reach > worst ? Infinity : reach
}
