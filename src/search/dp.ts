/**
 * The exact dynamic-program solver.
 *
 * 1. Lagrange multipliers and the LP relaxation give a lower bound and
 *    integral roundings; repair and descent turn those into a feasible
 *    incumbent (an upper bound).
 * 2. For a target T between the two, reduced-cost fixing removes every option
 *    that cannot lead below T, and the Pareto program, pruning with the LP
 *    envelope, enumerates everything below T. If it finds a solution, that is
 *    the optimum (nothing below T was dropped); otherwise the optimum is ≥ T
 *    and the next, larger target is tried, ending with T = the incumbent.
 * Small targets first keep the state sets small when the incumbent is already
 * close to optimal, which it usually is.
 */
import type { CompiledProblem } from './compile.ts'
import type { CompiledOutcome, CompiledSolver } from './compiled-solver.ts'
import { buildEnvelope, chooseMultipliers } from './completion-bound.ts'
import { dpInputOf } from './dp-input.ts'
import { findIncumbent } from './incumbent.ts'
import { improvementThreshold, runParetoDp, traceChoice } from './pareto-dp.ts'
import { fixByReducedCost } from './reduced-cost.ts'

export interface DpSolverOptions {
  /**
   * Give up (outcome `Failed`) once one run of the program has kept more
   * states than this over all layers; `solve` then falls back to HiGHS.
   * Default 3,000,000: Puzzle-like problems of 126 layers need well under
   * 300,000, and 3,000,000 take a few seconds, about HiGHS's own time.
   */
  readonly stateLimit?: number
}

export const defaultStateLimit = 3_000_000

/** Targets as shares of the way from the lower bound to the incumbent; the last one is the incumbent itself. */
const targetShares = [1 / 8, 1 / 2, 1]

/**
 * Row order for the program: budgets first (they bound real-valued sums, so
 * sorting by one of them is what keeps the state set small), then tag counts
 * and extra rows, which are small integers that clamp early.
 */
export function dimensionOrder(problem: CompiledProblem): number[] {
  const rows = problem.rows.map((row, i) => ({ i, budget: 'kind' in row.source }))
  return [...rows.filter((r) => r.budget), ...rows.filter((r) => !r.budget)].map((r) => r.i)
}

export function dpSolver(options: DpSolverOptions = {}): CompiledSolver {
  const stateLimit = options.stateLimit ?? defaultStateLimit
  return (problem): CompiledOutcome => {
    const full = dpInputOf(problem, dimensionOrder(problem))
    const multipliers = chooseMultipliers(full)
    const incumbent = findIncumbent(full, multipliers.roundings)
    const prices = Float64Array.from(multipliers.lambda)
    prices[0] = multipliers.mu
    const targets = incumbent === undefined ? [Infinity] : targetShares.map((share) => (share === 1 ? incumbent.objective : multipliers.bound + share * (incumbent.objective - multipliers.bound)))
    for (const target of targets) {
      const input = Number.isFinite(target) ? fixByReducedCost(full, prices, target) : full
      if (input === undefined) continue
      const outcome = runParetoDp(input, { envelope: buildEnvelope(input, multipliers.lambda), upperBound: target, stateLimit })
      if (outcome._tag === 'TooLarge') {
        return { _tag: 'Failed', reason: `${outcome.states} states by layer ${outcome.layer} exceed the limit of ${stateLimit}` }
      }
      const { final } = outcome.run
      let best = -1
      for (let i = 0; i < final.size; i++) if (best < 0 || final.q[i]! < final.q[best]!) best = i
      if (best >= 0 && final.q[best]! < improvementThreshold(target)) {
        return { _tag: 'Optimal', choice: traceChoice(outcome.run, best), objective: final.q[best]!, gap: 0 }
      }
    }
    if (incumbent !== undefined) return { _tag: 'Optimal', choice: incumbent.choice, objective: incumbent.objective, gap: 0 }
    return { _tag: 'Infeasible' }
  }
}
