/**
 * Explains an infeasible problem by the nearest achievable value of the
 * constraint that breaks it. Tag counts are checked first (alone, then given
 * the other tag counts), then budgets (alone under the structural
 * constraints, then given the other budgets too); the first that cannot be
 * met is reported with the best value it can reach, e.g. the smallest
 * achievable runtime.
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
 * for a problem known to be infeasible. `compiled` must be `problem` compiled
 * without extra rows.
 */
export function explainInfeasibility(problem: SearchProblem, compiled: CompiledProblem, solve: CompiledSolver): SearchInfeasible | SolverFailed {
  const rows = compiled.rows.map((row, index) => ({ row, index }))
  const tags = rows.filter(({ row }) => isTagCount(row))
  const budgets = rows.filter(({ row }) => isBudget(row))
  const passes: { readonly group: typeof rows; readonly keep: (target: number) => (row: Row, i: number) => boolean; readonly given: SearchInfeasible['given'] }[] = [
    { group: tags, keep: () => () => false, given: 'structure' },
    { group: tags, keep: (t) => (row, i) => isTagCount(row) && i !== t, given: 'structure' },
    { group: budgets, keep: () => (row) => isTagCount(row), given: 'structure' },
    { group: budgets, keep: (t) => (_, i) => i !== t, given: 'structure and other budgets' },
  ]
  for (const { group, keep, given } of passes) {
    for (const { row, index } of group) {
      const reached = reach(solve, minimiseRow(compiled, index, keep(index)))
      if (reached._tag === 'SolverFailed') return reached
      if (reached._tag === 'Unreachable' || reached.value <= row.bound) continue
      if (isTagCount(row)) return new SearchInfeasible({ constraint: row.source, nearest: Math.round(-reached.value), given })
      if (isBudget(row)) {
        const base = row.source.kind === 'cost' ? (problem.baseCosts?.[row.source.name] ?? 0) : 0
        return new SearchInfeasible({ constraint: row.source, nearest: reached.value + base, given })
      }
    }
  }
  return new SolverFailed({ method: 'infeasibility analysis', reason: 'the problem is infeasible, yet every constraint can be met given the others (a solver tolerance issue)' })
}
