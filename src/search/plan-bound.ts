/**
 * A cheap verdict on a problem before any search: a row that even the
 * smallest choice in every layer breaks (the problem is infeasible, and which
 * row says why), or a lower bound on the optimum from the Lagrangian dual.
 * Batch plans are solved in order of this bound, and a plan whose bound
 * reaches the best child found so far needs no search at all.
 */
import type { CompiledProblem, Row } from './compile.ts'
import { quickRelaxation } from './root-relaxation.ts'

export type PlanBound =
  | { readonly _tag: 'Bound'; readonly value: number }
  /** `row` cannot be met: its smallest possible sum, `least`, exceeds its bound. */
  | { readonly _tag: 'Unmeetable'; readonly row: Row; readonly least: number }

export function planBound(problem: CompiledProblem): PlanBound {
  for (const [r, row] of problem.rows.entries()) {
    let least = 0
    for (const layer of problem.layers) {
      let min = Infinity
      for (const v of layer.a[r]!) min = Math.min(min, v)
      least += min
    }
    if (least > row.bound) return { _tag: 'Unmeetable', row, least }
  }
  // The quick multipliers only: refining them needs an incumbent, which a plan settled by this bound never uses.
  return { _tag: 'Bound', value: quickRelaxation(problem).first.bound }
}
