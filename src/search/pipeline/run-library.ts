/**
 * Searching a measured Puzzle block library (NVIDIA's public demo format):
 * costs are the library's own stats, measured at its own scenario, so no cost
 * model is involved; `speedup k` bounds the summed runtime at 1/k of the
 * parent's (each layer's full variant).
 */
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { InfeasibleBudget, InvalidInput } from '../../errors.ts'
import type { InvalidSearchProblem, SolverFailed } from '../errors.ts'
import { SearchInfeasible } from '../errors.ts'
import type { Budget } from '../problem.ts'
import { decodePuzzleLibrary, libraryDims, libraryProblem, parentChoice } from '../puzzle-library.ts'
import type { OptimalityProof } from '../solution.ts'
import { solve } from '../solve.ts'
import { diverseTopK } from '../top-k.ts'

export interface LibrarySearchOptions {
  /** Where the library came from, for messages and the result. */
  readonly source: string
  readonly speedup?: number
  /** Bytes, summed over layers as the library's memory_mib. */
  readonly maxMemoryBytes?: number
  readonly maxParams?: number
  readonly objective?: Readonly<Record<string, number>>
  readonly top?: { readonly k: number; readonly minDifference: number }
}

export interface LibraryChild {
  /** The chosen variant description per layer. */
  readonly variants: readonly string[]
  readonly runtimeSeconds: number
  readonly memoryBytes: number
  readonly params: number
  readonly metrics: Readonly<Record<string, number>>
  readonly objective: number
  /** Parent runtime over the child's; null when the child's summed runtime is 0 (every block a no-op). */
  readonly speedup: number | null
}

export interface LibraryResult {
  readonly kind: 'nas-sim/library-search-result'
  readonly version: 1
  readonly createdAt: string
  readonly library: string
  readonly request: { readonly speedup?: number; readonly maxMemoryBytes?: number; readonly maxParams?: number; readonly objective: Readonly<Record<string, number>> }
  readonly parent: { readonly variants: readonly string[]; readonly runtimeSeconds: number; readonly memoryBytes: number; readonly params: number }
  readonly child: LibraryChild
  readonly alternatives: readonly LibraryChild[]
  /** The library's own measured metrics: no prior is involved. */
  readonly quality: { readonly kind: 'measured'; readonly description: string }
  readonly proof: OptimalityProof
}

type LibraryError = InvalidInput | InfeasibleBudget | SearchInfeasible | InvalidSearchProblem | SolverFailed

export function runLibrarySearch(json: unknown, o: LibrarySearchOptions): Effect.Effect<LibraryResult, LibraryError> {
  return Effect.gen(function* () {
    const library = yield* Effect.fromResult(decodePuzzleLibrary(o.source, json))
    const budgets: Budget[] = []
    if (o.maxMemoryBytes !== undefined) budgets.push({ kind: 'cost', name: libraryDims.memory, max: o.maxMemoryBytes })
    if (o.maxParams !== undefined) budgets.push({ kind: 'cost', name: libraryDims.params, max: o.maxParams })
    const metrics = new Set(library.layers.flatMap((l) => l.flatMap(([, e]) => Object.keys(e.metrics))))
    const objective = o.objective ?? { [metrics.has('kl_div') ? 'kl_div' : [...metrics][0] ?? 'kl_div']: 1 }
    for (const m of Object.keys(objective))
      if (!metrics.has(m)) return yield* Effect.fail(new InvalidInput({ field: '--objective', problem: `metric ${m} is not in ${o.source} (have: ${[...metrics].join(', ')})` }))
    const problem = yield* Effect.fromResult(libraryProblem(library, { objective, ...(o.speedup === undefined ? {} : { speedup: o.speedup }), budgets }))
    const parentIdx = parentChoice(library)
    const sum = (dim: string, choice: readonly number[]) => choice.reduce((t, v, l) => t + (problem.layers[l]!.variants[v]!.costs[dim] ?? 0), 0)
    const parentRuntime = sum(libraryDims.runtime, parentIdx)

    const outcome = yield* Effect.result(solve(problem))
    if (outcome._tag === 'Failure') {
      const e = outcome.failure
      if (e instanceof SearchInfeasible && 'name' in e.constraint && e.constraint.name === libraryDims.runtime)
        return yield* Effect.fail(
          new InfeasibleBudget({ budget: 'speedup', requested: `≥ ${o.speedup}× the parent`, nearest: `${(parentRuntime / e.nearest).toFixed(3)}× (the fastest child the library allows)`, nearestValue: parentRuntime / e.nearest, better: 'higher' }),
        )
      return yield* Effect.fail(e)
    }
    const describe = (choices: readonly number[], objectiveValue: number, m: Readonly<Record<string, number>>): LibraryChild => ({
      variants: choices.map((v, l) => problem.layers[l]!.variants[v]!.id),
      runtimeSeconds: sum(libraryDims.runtime, choices),
      memoryBytes: sum(libraryDims.memory, choices),
      params: sum(libraryDims.params, choices),
      metrics: m,
      objective: objectiveValue,
      speedup: sum(libraryDims.runtime, choices) > 0 ? parentRuntime / sum(libraryDims.runtime, choices) : null,
    })
    const best = outcome.success
    const alternatives = o.top !== undefined && o.top.k > 1 ? (yield* diverseTopK(problem, { k: o.top.k, minDifference: o.top.minDifference })).slice(1) : []
    return {
      kind: 'nas-sim/library-search-result',
      version: 1,
      createdAt: new Date().toISOString(),
      library: o.source,
      request: {
        ...(o.speedup === undefined ? {} : { speedup: o.speedup }),
        ...(o.maxMemoryBytes === undefined ? {} : { maxMemoryBytes: o.maxMemoryBytes }),
        ...(o.maxParams === undefined ? {} : { maxParams: o.maxParams }),
        objective,
      },
      parent: {
        variants: parentIdx.map((v, l) => problem.layers[l]!.variants[v]!.id),
        runtimeSeconds: parentRuntime,
        memoryBytes: sum(libraryDims.memory, parentIdx),
        params: sum(libraryDims.params, parentIdx),
      },
      child: describe(best.choices, best.objective, best.metrics),
      alternatives: alternatives.map((s) => describe(s.choices, s.objective, s.metrics)),
      quality: { kind: 'measured', description: `replace-1-block metrics and stats from the block library ${o.source}` },
      proof: best.proof,
    } satisfies LibraryResult
  })
}

/** Parses library text; bad JSON is a one-line error naming the file. */
export function parseLibraryText(text: string, source: string): Result.Result<unknown, InvalidInput> {
  try {
    return Result.succeed(JSON.parse(text))
  } catch (e) {
    return Result.fail(new InvalidInput({ field: `--library ${source}`, problem: `not valid JSON (${e instanceof Error ? e.message : String(e)})` }))
  }
}
