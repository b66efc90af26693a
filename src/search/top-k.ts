/**
 * Diverse top-k, as Puzzle offers: the best child, then the best child that
 * differs from it in at least a given share of layers, then the best that
 * differs from both, and so on. Each earlier solution s adds the row
 * Σ_l x[l][s_l] ≤ ⌊(1 − share) · L⌋ (at most that many layers may match it).
 */
import * as Effect from 'effect/Effect'
import type { ExtraRow } from './compile.ts'
import type { SearchProblem } from './problem.ts'
import type { SearchSolution } from './solution.ts'
import { compile, settle, solveCompiled, type SolveError, type SolveMethod, type SolveOptions } from './solve.ts'

export interface TopKOptions {
  /** How many solutions to return at most. */
  readonly k: number
  /** Share of layers (0…1] in which each solution must differ from every earlier one, e.g. 0.1. */
  readonly minDifference: number
  /** Default `highs`: the diversity rows add one dimension per earlier solution, which suits the MIP better than the DP. */
  readonly method?: SolveMethod
  readonly solver?: Omit<SolveOptions, 'method'>
  /**
   * The best solution, when the caller has already solved the problem (a
   * search's child): the list starts from it instead of solving again, and
   * the alternatives then differ from that very child even where another
   * solution ties with it.
   */
  readonly first?: SearchSolution
}

/** Tolerance on ⌊(1 − share)·L⌋ so that e.g. share 0.3 of 10 layers allows 7 matches despite 0.7 · 10 = 6.999…. */
const shareRounding = 1e-9

function diversityRow(solution: SearchSolution, index: number, maxMatches: number): ExtraRow {
  return { label: `differs-from-${index + 1}`, bound: maxMatches, coefficient: (layer, variant) => (solution.choices[layer] === variant ? 1 : 0) }
}

/**
 * Up to `k` solutions in order of objective, each differing from every
 * earlier one in at least `minDifference` of the layers. Fewer come back when
 * no further child is that different. Fails like `solve` when not even the
 * first exists.
 */
export function diverseTopK(problem: SearchProblem, options: TopKOptions): Effect.Effect<readonly SearchSolution[], SolveError> {
  return Effect.map(diverseTopKUpTo(problem, options), (topK) => topK.solutions)
}

/** Top-k that stops at the first alternative its solver cannot settle (a state or node limit), keeping those before it. */
export interface TopK {
  readonly solutions: readonly SearchSolution[]
  /** Why fewer than k came back although more may exist: the solver's reason for the next one. */
  readonly stopped?: string
}

/**
 * `diverseTopK`, except that a solver failure after the first solution ends
 * the list instead of failing the whole: with a deterministic limit on the
 * solver, the same problem then always gets the same alternatives.
 */
export function diverseTopKUpTo(problem: SearchProblem, options: TopKOptions): Effect.Effect<TopK, SolveError> {
  return Effect.gen(function* () {
    const maxMatches = Math.floor((1 - options.minDifference) * problem.layers.length + shareRounding)
    const solutions: SearchSolution[] = options.first === undefined ? [] : [options.first]
    while (solutions.length < options.k) {
      const started = performance.now()
      const compiled = yield* compile(problem, solutions.map((s, i) => diversityRow(s, i, maxMatches)))
      const hints = solutions.map((s) => Int32Array.from(compiled.layers, (layer, l) => Math.max(0, layer.options.indexOf(s.choices[l]!))))
      // Each problem adds a row to the one before, so its optimum is no better than the previous child's; a
      // relative margin keeps the bound below that objective summed in another order.
      const previous = solutions[solutions.length - 1]?.objective
      const lowerBound = previous === undefined ? -Infinity : previous - 1e-9 * Math.max(1, Math.abs(previous))
      const attempt = yield* solveCompiled(compiled, { ...options.solver, dp: { ...options.solver?.dp, hints, lowerBound }, method: options.method ?? 'highs' })
      if (solutions.length > 0 && attempt.outcome._tag === 'Infeasible') break
      if (solutions.length > 0 && attempt.outcome._tag === 'Failed') return { solutions, stopped: attempt.outcome.reason }
      solutions.push(yield* settle(problem, compiled, attempt, started))
    }
    return { solutions }
  })
}
