/**
 * Explains an infeasible problem by the nearest achievable value of the
 * constraint that breaks it, e.g. the smallest achievable runtime.
 */
import type { CompiledProblem, Row } from './compile.ts'
import type { CompiledSolver } from './compiled-solver.ts'
import { SearchInfeasible, SolverFailed } from './errors.ts'
import type { AtLeastTagged, Budget, SearchProblem } from './problem.ts'

const isBudget = (row: Row): row is Row & { readonly source: Budget } => 'kind' in row.source
const isTagCount = (row: Row): row is Row & { readonly source: AtLeastTagged } => 'type' in row.source

/** The problem of minimising row `target`'s sum subject to the rows `keep` selects. */
function minimiseRow(problem: CompiledProblem, target: number, keep: (row: Row, index: number) => boolean): CompiledProblem {
  const kept = problem.rows.flatMap((row, i) => (keep(row, i) ? [i] : []))
  return {
    rows: kept.map((i) => problem.rows[i]!),
    layers: problem.layers.map((layer) => ({ options: layer.options, q: layer.a[target]!, a: kept.map((i) => layer.a[i]!) })),
  }
}

type Reach = { readonly _tag: 'Reached'; readonly value: number } | { readonly _tag: 'Unreachable' } | SolverFailed

function reach(solve: CompiledSolver, problem: CompiledProblem): Reach {
  const outcome = solve(problem)
  if (outcome._tag === 'Optimal') return { _tag: 'Reached', value: outcome.objective }
  if (outcome._tag === 'Infeasible') return { _tag: 'Unreachable' }
  return new SolverFailed({ method: 'infeasibility analysis', reason: outcome.reason })
}

/**
 * The first constraint that cannot be met, with its nearest achievable value,
 * for a problem known to be infeasible. Constraints are taken in turn (tag
 * counts, then budgets); each is optimised while all earlier ones are held,
 * so the first whose optimum misses its bound is the one to report. The last
 * one always misses when the problem is infeasible. `compiled` must be
 * `problem` compiled without extra rows.
 */
export function explainInfeasibility(problem: SearchProblem, compiled: CompiledProblem, solve: CompiledSolver): SearchInfeasible | SolverFailed {
  const rows = compiled.rows.map((row, index) => ({ row, index }))
  const order = [...rows.filter(({ row }) => isTagCount(row)), ...rows.filter(({ row }) => isBudget(row))]
  for (const [position, { row, index }] of order.entries()) {
    const earlier = order.slice(0, position)
    const reached = reach(solve, minimiseRow(compiled, index, (_, i) => earlier.some((e) => e.index === i)))
    if (reached._tag === 'SolverFailed') return reached
    if (reached._tag === 'Unreachable' || reached.value <= row.bound) continue
    const held = earlier.flatMap(({ row: r }) => (isBudget(r) || isTagCount(r) ? [r.source] : []))
    if (isTagCount(row)) return new SearchInfeasible({ constraint: row.source, nearest: Math.round(-reached.value), held })
    if (isBudget(row)) {
      const base = row.source.kind === 'cost' ? (problem.baseCosts?.[row.source.name] ?? 0) : 0
      return new SearchInfeasible({ constraint: row.source, nearest: reached.value + base, held })
    }
  }
  return new SolverFailed({ method: 'infeasibility analysis', reason: 'the problem is infeasible, yet its constraints can be met one after another (a solver tolerance issue)' })
}
