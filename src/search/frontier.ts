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
import * as Effect from 'effect/Effect'
import type { ExtraRow } from './compile.ts'
import { variantIndices } from './compiled-solver.ts'
import { dpInputOf } from './dp-input.ts'
import type { InvalidSearchProblem, SearchInfeasible } from './errors.ts'
import { SolverFailed } from './errors.ts'
import { budgetCap, solutionOf } from './evaluate.ts'
import { runParetoDp, traceChoice } from './pareto-dp.ts'
import type { SearchProblem } from './problem.ts'
import type { SearchSolution } from './solution.ts'
import { compile, settle, solve, solveCompiled } from './solve.ts'

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
  /**
   * The frontier's cheapest end: only points of at least this cost (base costs included) are traced. Points that a
   * cheaper child beats are left out too, so each point is still optimal for its cost among all children.
   */
  readonly minCost?: number
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

/** The least objective of a child whose cost is below `below` (Infinity when none is). */
function bestObjectiveBelow(problem: SearchProblem, cost: string, below: number): Effect.Effect<number, InvalidSearchProblem | SolverFailed> {
  return Effect.gen(function* () {
    // Just below: a child at the floor itself is a kept point, not one that beats them.
    const r = yield* Effect.result(solve({ ...problem, budgets: [...problem.budgets, { kind: 'cost', name: cost, max: below * (1 - 1e-8) }] }))
    if (r._tag === 'Success') return r.success.objective
    if (r.failure._tag === 'SearchInfeasible') return Infinity
    return yield* Effect.fail(r.failure)
  })
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
    const base = problem.baseCosts?.[options.cost] ?? 0
    const floor = options.minCost === undefined ? undefined : options.minCost - base
    const outcome = runParetoDp(dpInputOf(compiled, [axisRow, ...others], [axisRow]), { upperBound: Infinity, stateLimit, ...(floor === undefined ? {} : { floor }) })
    if (outcome._tag === 'TooLarge') {
      return yield* new SolverFailed({ method: 'dp', reason: `the frontier needs more than ${stateLimit} states by layer ${outcome.layer} (raise stateLimit)` })
    }
    const { final } = outcome.run
    // With a floor, a child below it that the DP dropped may beat a kept one: the best child below the floor sets
    // the objective every kept point must improve on (a kept point that cannot is beaten by that child).
    const beatenFrom = options.minCost === undefined ? Infinity : yield* bestObjectiveBelow(problem, options.cost, options.minCost)
    const points: FrontierPoint[] = []
    const indices: number[] = []
    for (let i = 0; i < final.size; i++) {
      const cost = final.keys[0]![i]! + base
      const objective = final.q[i]!
      if (objective >= beatenFrom) continue
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
    if (points.length === 0 && options.minCost === undefined) {
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
