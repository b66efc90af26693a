/**
 * The exact dynamic-program solver.
 *
 * 1. Lagrange multipliers and the LP relaxation give a lower bound and
 *    integral roundings; repair and descent turn those into a feasible
 *    incumbent (an upper bound).
 * 2. For a target T, reduced-cost fixing removes every option that cannot
 *    lead below T, and the Pareto program, pruning with the LP envelope,
 *    enumerates everything below T. If it finds a solution, that is the
 *    optimum (nothing below T was dropped); otherwise the optimum is ≥ T.
 *    The target is the incumbent, after at most one guess below it (a top-k
 *    near-tie's): a smaller target keeps fewer states only if it succeeds,
 *    and with pairs of swaps in the descent the incumbent is most often the
 *    optimum already (40 of 42 smaller targets failed on the five searches of
 *    issue 12).
 */
import type { CompiledOutcome, CompiledSolver } from './compiled-solver.ts'
import { buildEnvelope } from './completion-bound.ts'
import { keepDimensions, type DpInput } from './dp-input.ts'
import { buildCountBound, countCompletionBound } from './count-bound.ts'
import { inModelOrder, reorderLayers, visitingOrder } from './layer-order.ts'
import { onSumGrid } from './sum-grid.ts'
import { improvementThreshold, runParetoDp, traceChoice } from './pareto-dp.ts'
import { fixByReducedCost } from './reduced-cost.ts'
import { rootRelaxation } from './root-relaxation.ts'
import { trackedDimensions } from './tracked-dimensions.ts'

export interface DpSolverOptions {
  /**
   * Give up (outcome `Failed`) once one run of the program has kept more
   * states than this over all layers; `solve` then falls back to HiGHS.
   * Default 3,000,000: Puzzle-like problems of 126 layers need well under
   * 300,000, and 3,000,000 take a few seconds, about HiGHS's own time.
   */
  readonly stateLimit?: number
  /**
   * Only solutions of objective strictly below this are of interest (the best
   * child of another batch plan, say); none there is reported `Infeasible`.
   * Default Infinity.
   */
  readonly upperBound?: number
  /**
   * A known lower bound on the optimum, e.g. the objective of the previous
   * child of a top-k list, whose problem this one only adds rows to. The
   * targets start from it when it beats the program's own bound; only speed
   * depends on it, as long as it is a true bound.
   */
  readonly lowerBound?: number
  /**
   * Choices (a position per layer) to start the incumbent search from besides
   * the LP's roundings, e.g. the earlier children of a top-k list, which
   * repair turns into a child that differs enough. Only speed depends on them.
   */
  readonly hints?: readonly Int32Array[]
}

export const defaultStateLimit = 3_000_000

/** How far above a given lower bound the first target lies, relative to it (see `DpSolverOptions.lowerBound`). */
const nearTieMargin = 1e-6

/**
 * Whether a run at `guess`, a target below the incumbent's `ceiling` that may
 * well fail (a near-tie's, see `DpSolverOptions.lowerBound`), is worth
 * trying first. The program prunes a state once its completion bound, which
 * is no smaller than the program's own bound `ownBound`, reaches the target,
 * so a run's states grow with the target's distance above `ownBound`: on the
 * top-k alternatives of the 70B B200 and Nemotron-H-56B searches a failed
 * guess kept 0.51–0.58 of the states of the run at the ceiling, where its
 * distance was 0.28–0.72 of the ceiling's. A failed guess settles nothing, so
 * with no knowledge of its chance it is tried only in the lower half of the
 * way from `ownBound` to the ceiling.
 */
function worthGuessing(ownBound: number, guess: number, ceiling: number): boolean {
  return guess - ownBound <= (ceiling - ownBound) / 2
}

/** Whether a choice (option positions per layer) keeps every row of the whole problem within its bound, up to rounding. */
function fitsEveryRow(input: DpInput, choice: Int32Array): boolean {
  for (let d = 0; d < input.bounds.length; d++) {
    let sum = 0
    input.layers.forEach((layer, l) => (sum += layer.a[d]![choice[l]!]!))
    const bound = input.bounds[d]!
    if (sum > bound + 1e-9 * Math.max(1, Math.abs(bound))) return false
  }
  return true
}

/** The count bound (see count-bound.ts) of the empty partial solution: a lower bound on the optimum that the LP misses for counting rows. */
function rootCountBound(input: DpInput, prices: Float64Array): number {
  const counts = buildCountBound(input, prices)
  return counts === undefined ? -Infinity : countCompletionBound(counts, 0, new Float64Array(input.bounds.length))
}

export function dpSolver(options: DpSolverOptions = {}): CompiledSolver {
  const stateLimit = options.stateLimit ?? defaultStateLimit
  const cutoff = options.upperBound ?? Infinity
  return (problem): CompiledOutcome => {
    const { full, multipliers, incumbent: found } = rootRelaxation(problem, options.hints)
    const incumbent = found !== undefined && found.objective < improvementThreshold(cutoff) ? found : undefined
    const ceiling = incumbent?.objective ?? cutoff
    const prices = Float64Array.from(multipliers.lambda)
    prices[0] = multipliers.mu
    // The program's own bound: what its completion bounds prune against, whatever bound is given from outside.
    const ownBound = Math.max(multipliers.bound, rootCountBound(full, prices))
    const lower = Math.max(ownBound, options.lowerBound ?? -Infinity)
    if (lower >= improvementThreshold(ceiling) && incumbent === undefined) return { _tag: 'Infeasible' }
    // A given lower bound that beats the program's own is usually a near-tie's (the previous child of a top-k list):
    // a target just above it comes first where that is worth the risk (worthGuessing), then the incumbent.
    const nearTie = options.lowerBound !== undefined && lower === options.lowerBound
    const nearTieTarget = lower + nearTieMargin * Math.max(1, Math.abs(lower))
    // Otherwise the ceiling alone: the incumbent, or a cutoff from elsewhere (another batch plan's best child) that
    // the heuristic could not beat, which proving the plan cannot beat takes as target whatever comes before.
    const targets = !Number.isFinite(ceiling)
      ? [Infinity]
      : nearTie
        ? [...[nearTieTarget].filter((t) => t < ceiling && worthGuessing(ownBound, t, ceiling)), ceiling]
        : [ceiling]
    for (const target of targets) {
      const fixed = Number.isFinite(target) ? fixByReducedCost(full, prices, target) : full
      if (fixed === undefined) continue
      // First with the slack-based shortcuts (dimensions no improving child can break are dropped, partial children
      // stop tracking rows they can no longer break); if its answer breaks a row of the whole problem, once more
      // tracking every row that any choice can break, so that an answer is never infeasible.
      let result: { readonly choice: Int32Array; readonly objective: number } | undefined
      for (const shortcuts of [true, false]) {
        // With an infinite target no slack applies: every dimension some choice can break is tracked.
        const keep = trackedDimensions(fixed, prices, shortcuts ? target : Infinity)
        const kept = keep.length === fixed.bounds.length && keep.every((d, i) => d === i) ? fixed : keepDimensions(fixed, keep)
        const order = visitingOrder(kept)
        const input = onSumGrid(reorderLayers(kept, order))
        const lambda = keep.length === 0 ? new Float64Array(1) : Float64Array.from(keep, (d, i) => (i === 0 ? 0 : prices[d]!))
        const keptPrices = keep.length === 0 ? undefined : Float64Array.from(keep, (d) => prices[d]!)
        const outcome = runParetoDp(input, {
          envelope: buildEnvelope(input, lambda, keptPrices),
          upperBound: target,
          stateLimit,
          ...(keptPrices === undefined || !shortcuts ? {} : { forgettingPrices: keptPrices }),
        })
        if (outcome._tag === 'TooLarge') {
          return { _tag: 'Failed', reason: `${outcome.states} states by layer ${outcome.layer} exceed the limit of ${stateLimit}` }
        }
        const { final } = outcome.run
        let best = -1
        for (let i = 0; i < final.size; i++) if (best < 0 || final.q[i]! < final.q[best]!) best = i
        result = best >= 0 && final.q[best]! < improvementThreshold(target) ? { choice: inModelOrder(traceChoice(outcome.run, best), order), objective: final.q[best]! } : undefined
        if (result === undefined || fitsEveryRow(full, result.choice)) break
        result = undefined
      }
      if (result !== undefined) return { _tag: 'Optimal', choice: result.choice, objective: result.objective, gap: 0 }
    }
    if (incumbent !== undefined) return { _tag: 'Optimal', choice: incumbent.choice, objective: incumbent.objective, gap: 0 }
    return { _tag: 'Infeasible' }
  }
}
