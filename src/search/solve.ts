/**
 * The solver entry point: validates and compiles a problem, runs an exact
 * method, and turns the outcome into a solution or a typed error.
 */
import * as Effect from 'effect/Effect'
import { compileProblem, type CompiledProblem, type ExtraRow } from './compile.ts'
import { variantIndices, type CompiledOutcome, type CompiledSolver } from './compiled-solver.ts'
import { dpSolver, type DpSolverOptions } from './dp.ts'
import { InvalidSearchProblem, SearchInfeasible, SolverFailed } from './errors.ts'
import { solutionOf } from './evaluate.ts'
import { highsSolver, loadHighs, type HighsSolverOptions } from './highs.ts'
import { explainInfeasibility } from './infeasibility.ts'
import type { SearchProblem } from './problem.ts'
import type { SearchSolution, SolverMethod } from './solution.ts'

/**
 * `auto` runs the dynamic program and falls back to HiGHS only when its state
 * set outgrows `dp.stateLimit`; `dp` and `highs` force one method.
 */
export type SolveMethod = 'auto' | 'dp' | 'highs'

export interface SolveOptions {
  /** Default `auto`. */
  readonly method?: SolveMethod
  readonly dp?: DpSolverOptions
  readonly highs?: HighsSolverOptions
}

export type SolveError = SearchInfeasible | SolverFailed | InvalidSearchProblem

/** Validates and compiles; an invalid problem fails with `InvalidSearchProblem`, anything else thrown is a bug (a defect). */
export function compile(problem: SearchProblem, extraRows: readonly ExtraRow[] = []): Effect.Effect<CompiledProblem, InvalidSearchProblem> {
  return Effect.suspend(() => {
    try {
      return Effect.succeed(compileProblem(problem, extraRows))
    } catch (error) {
      if (error instanceof InvalidSearchProblem) return Effect.fail(error)
      throw error
    }
  })
}

const highsRuntime = Effect.tryPromise({
  try: () => loadHighs(),
  catch: (error) => new SolverFailed({ method: 'highs', reason: `could not load the WebAssembly runtime: ${String(error)}` }),
})

/** One solve and the means to run more like it (for the infeasibility analysis and top-k). */
export interface Attempt {
  readonly outcome: CompiledOutcome
  readonly method: SolverMethod
  /** A solver of the same method, for follow-up problems; with `auto`, the DP backed by HiGHS. */
  readonly solver: CompiledSolver
}

function backedByHighs(dp: CompiledSolver, highs: CompiledSolver): CompiledSolver {
  return (problem) => {
    const outcome = dp(problem)
    return outcome._tag === 'Failed' ? highs(problem) : outcome
  }
}

/** Runs HiGHS, on a fresh runtime once more if the shared one crashed. */
function viaHighs(problem: CompiledProblem, options: SolveOptions): Effect.Effect<Attempt, SolverFailed> {
  return Effect.gen(function* () {
    const first = highsSolver(yield* highsRuntime, options.highs)(problem)
    const solver = highsSolver(yield* highsRuntime, options.highs)
    const outcome = first._tag === 'Failed' && first.crashed === true ? solver(problem) : first
    return { outcome, method: 'highs' as const, solver }
  })
}

/** Solves a compiled problem with the chosen method. HiGHS is loaded only when a method needs it. */
export function solveCompiled(problem: CompiledProblem, options: SolveOptions = {}): Effect.Effect<Attempt, SolverFailed> {
  const method = options.method ?? 'auto'
  if (method === 'highs') return viaHighs(problem, options)
  const dp = dpSolver(options.dp)
  const outcome = dp(problem)
  if (method === 'dp' || outcome._tag === 'Optimal') return Effect.succeed({ outcome, method: 'dp', solver: dp })
  return Effect.gen(function* () {
    if (outcome._tag === 'Failed') return yield* viaHighs(problem, options)
    const highs = highsSolver(yield* highsRuntime, options.highs)
    return { outcome, method: 'dp' as const, solver: backedByHighs(dp, highs) }
  })
}

/** Turns an attempt into a solution, or into the error that explains why there is none. */
export function settle(problem: SearchProblem, compiled: CompiledProblem, attempt: Attempt, started: number): Effect.Effect<SearchSolution, SearchInfeasible | SolverFailed> {
  const { outcome } = attempt
  switch (outcome._tag) {
    case 'Optimal':
      return Effect.succeed(
        solutionOf(problem, variantIndices(compiled, outcome.choice), {
          gap: outcome.gap,
          seconds: (performance.now() - started) / 1000,
          method: attempt.method,
        }),
      )
    case 'Failed':
      return Effect.fail(new SolverFailed({ method: attempt.method, reason: outcome.reason }))
    case 'Infeasible':
      return Effect.fail(explainInfeasibility(problem, compiled, attempt.solver))
  }
}

/**
 * The optimal child of `problem` if its objective is below `upperBound`
 * (the best child of another batch plan, say), else undefined: no feasible
 * child beats the bound, which settles the problem without explaining why.
 */
export function solveBelow(
  problem: SearchProblem,
  upperBound: number,
  options: SolveOptions = {},
  /** `problem` already compiled without extra rows, when the caller has it. */
  precompiled?: CompiledProblem,
): Effect.Effect<SearchSolution | undefined, SolveError> {
  return Effect.gen(function* () {
    const started = performance.now()
    const compiled = precompiled ?? (yield* compile(problem))
    const attempt = yield* solveCompiled(compiled, { ...options, dp: { ...options.dp, upperBound } })
    if (attempt.outcome._tag === 'Infeasible' && Number.isFinite(upperBound)) return undefined
    return yield* settle(problem, compiled, attempt, started)
  })
}

/**
 * The optimal child of `problem`: the choice per layer with the least
 * objective that meets every budget and constraint, its totals, and the proof.
 * Fails with `SearchInfeasible` (naming the nearest achievable value of the
 * constraint that cannot be met), `InvalidSearchProblem` or `SolverFailed`.
 */
export function solve(problem: SearchProblem, options: SolveOptions = {}): Effect.Effect<SearchSolution, SolveError> {
  return Effect.gen(function* () {
    const started = performance.now()
    const compiled = yield* compile(problem)
    const attempt = yield* solveCompiled(compiled, options)
    return yield* settle(problem, compiled, attempt, started)
  })
}
