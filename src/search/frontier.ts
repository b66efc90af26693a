/**
 * The exact Pareto frontier of the objective against one cost dimension, in
 * one run of the dynamic program: its final states are every child that no
 * other child beats in cost, objective and every other budgeted sum, so their
 * projection onto (cost, objective), with dominated points removed, is the
 * frontier. Each point is optimal for its own cost as the budget; between two
 * points the earlier one stays optimal. Costs that differ by less than the
 * budget tolerance (`budgetTolerance`, relative 1e-9; e.g. the same blocks
 * summed in another order) count as one cost, so such near-ties leave only
 * their best point.
 */
import { Effect } from 'effect'
import type { ExtraRow } from './compile.ts'
import { variantIndices } from './compiled-solver.ts'
import { dpInputOf } from './dp-input.ts'
import type { InvalidSearchProblem, SearchInfeasible } from './errors.ts'
import { SolverFailed } from './errors.ts'
import { budgetCap, solutionOf } from './evaluate.ts'
import { runParetoDp, traceChoice } from './pareto-dp.ts'
import type { SearchProblem } from './problem.ts'
import type { SearchSolution } from './solution.ts'
import { compile, settle, solveCompiled } from './solve.ts'

const defaultFrontierStateLimit = 30_000_000

export interface FrontierOptions {
  /** The cost dimension traded against the objective, e.g. `runtime`. */
  readonly cost: string
  /**
   * Give up with `SolverFailed` once more states than this are kept over all
   * layers. Default 30,000,000 (240 MB of back-pointers); Llama-3.3-70B's
   * whole frontier under the built-in prior (80 layers × 54 variants, with or
   * without a binding memory budget) keeps about 320,000, the synthetic
   * 80-layer one of search.bench.ts about 1,000,000.
   */
  readonly stateLimit?: number
}

export interface FrontierPoint {
  /** Total of the cost dimension, base costs included. */
  readonly cost: number
  /** The least objective any child of at most this cost reaches. */
  readonly objective: number
}

export interface Frontier {
  readonly cost: string
  /** Sorted by cost ascending; the objective falls strictly from each point to the next. */
  readonly points: readonly FrontierPoint[]
  /** The child behind point `index`, with all its totals. */
  readonly solutionAt: (index: number) => SearchSolution
  /** States the dynamic program kept over all layers (a measure of the work and of the back-pointer memory). */
  readonly states: number
  readonly seconds: number
}

/**
 * The frontier of `problem`'s objective against `options.cost`, under all of
 * its budgets (a budget on the cost dimension itself cuts the frontier there)
 * and constraints. Fails with `SearchInfeasible` when no child is feasible.
 */
export function paretoFrontier(
  problem: SearchProblem,
  options: FrontierOptions,
): Effect.Effect<Frontier, SearchInfeasible | InvalidSearchProblem | SolverFailed> {
  return Effect.gen(function* () {
    const started = performance.now()
    const budgetIndex = problem.budgets.findIndex((b) => b.kind === 'cost' && b.name === options.cost)
    const axis: ExtraRow = {
      label: `frontier:${options.cost}`,
      bound: Infinity,
      coefficient: (layer, variant) => problem.layers[layer]!.variants[variant]!.costs[options.cost] ?? 0,
    }
    const compiled = yield* compile(problem, budgetIndex >= 0 ? [] : [axis])
    const axisRow = budgetIndex >= 0 ? budgetIndex : compiled.rows.length - 1
    const others = compiled.rows.map((_, i) => i).filter((i) => i !== axisRow)
    const stateLimit = options.stateLimit ?? defaultFrontierStateLimit
    const outcome = runParetoDp(dpInputOf(compiled, [axisRow, ...others], [axisRow]), { upperBound: Infinity, stateLimit })
    if (outcome._tag === 'TooLarge') {
      return yield* new SolverFailed({ method: 'dp', reason: `the frontier needs more than ${stateLimit} states by layer ${outcome.layer} (raise stateLimit)` })
    }
    const { final } = outcome.run
    const base = problem.baseCosts?.[options.cost] ?? 0
    const points: FrontierPoint[] = []
    const indices: number[] = []
    for (let i = 0; i < final.size; i++) {
      const cost = final.keys[0]![i]! + base
      const objective = final.q[i]!
      const last = points.length - 1
      if (last >= 0 && objective >= points[last]!.objective) continue
      // Costs within the budget tolerance are one budget level (a budget of the
      // earlier cost admits the later one), so the later, better point replaces the earlier.
      if (last >= 0 && cost <= budgetCap(points[last]!.cost)) {
        points.pop()
        indices.pop()
      }
      points.push({ cost, objective })
      indices.push(i)
    }
    if (points.length === 0) {
      const plain = yield* compile(problem)
      const attempt = yield* solveCompiled(plain)
      yield* settle(problem, plain, attempt, started)
      return yield* new SolverFailed({ method: 'dp', reason: 'the frontier is empty, yet a solver found a feasible child' })
    }
    const seconds = (performance.now() - started) / 1000
    return {
      cost: options.cost,
      points,
      solutionAt: (index: number) => {
        const state = indices[index]
        if (state === undefined) throw new RangeError(`frontier point ${index} does not exist (0…${points.length - 1})`)
        return solutionOf(problem, variantIndices(compiled, traceChoice(outcome.run, state)), { gap: 0, seconds, method: 'dp' })
      },
      states: outcome.run.totalStates,
      seconds,
    }
  })
}
