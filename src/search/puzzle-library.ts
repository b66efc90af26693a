/**
 * Block libraries in the format of NVIDIA's public Puzzle demo, as issue 4
 * describes it: `{"layer_<i>": {"<variant description>": {"stats": {...},
 * "metrics": {"kl_div": …, "lm_loss": …}}}}`, with `stats` holding at least
 * `runtime_ms`, `memory_mib`, `num_params`, `num_kv_heads` and
 * `ffn_intermediate_size` (their attention/FFN splits and anything else are
 * accepted and ignored). Such a library carries its own measured costs, so it
 * becomes a search problem directly, costs included, at the scenario it was
 * measured at.
 */
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import { InvalidInput, invalidFromSchema } from '../errors.ts'
import type { Budget, Objective, SearchLayer, SearchProblem } from './problem.ts'

/** Finite and not negative: measured times, sizes and losses (1e999 parses as Infinity: root cause I of issue 15). */
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

const BlockEntrySchema = Schema.Struct({
  stats: Schema.Struct({
    runtime_ms: NonNegative,
    memory_mib: NonNegative,
    num_params: NonNegative,
    num_kv_heads: NonNegative,
    ffn_intermediate_size: NonNegative,
  }),
  // Replace-1-block losses against the parent, never below zero; kl_div, the format's objective, is checked present below.
  metrics: Schema.Record(Schema.String, NonNegative),
})

export const PuzzleLibrarySchema = Schema.Record(Schema.String, Schema.Record(Schema.String, BlockEntrySchema))

export type PuzzleLibrary = typeof PuzzleLibrarySchema.Type
type BlockEntry = typeof BlockEntrySchema.Type

/** Seconds per millisecond and bytes per MiB, the units the library's stats are in. */
const secondsPerMs = 1e-3
const bytesPerMib = 2 ** 20

/** The cost dimensions a library problem uses: seconds, bytes and parameters, summed over layers. */
export const libraryDims = { runtime: 'runtime', memory: 'memory', params: 'params' } as const

/** Library entries whose stats show an attention mixer (any KV heads) carry this tag. */
export const attentionTag = 'attention'

/** A decoded library as layers of entries, in layer order. */
export interface LibraryLayers {
  readonly layers: readonly (readonly (readonly [description: string, entry: BlockEntry])[])[]
}

/** Decodes and checks a library: keys `layer_0` … `layer_<L−1>`, none missing, each with at least one variant. */
export function decodePuzzleLibrary(source: string, json: unknown): Result.Result<LibraryLayers, InvalidInput> {
  const decoded = Schema.decodeUnknownResult(PuzzleLibrarySchema)(json)
  if (Result.isFailure(decoded)) return Result.fail(invalidFromSchema(source, decoded.failure.message))
  const byIndex = new Map<number, PuzzleLibrary[string]>()
  for (const [key, variants] of Object.entries(decoded.success)) {
    const match = /^layer_(\d+)$/.exec(key)
    if (match === null) return Result.fail(new InvalidInput({ field: `${source}: ${key}`, problem: 'expected keys layer_0, layer_1, …' }))
    if (Object.keys(variants).length === 0) return Result.fail(new InvalidInput({ field: `${source}: ${key}`, problem: 'no variants (give each layer at least one)' }))
    byIndex.set(Number(match[1]), variants)
  }
  const layers: (readonly [string, BlockEntry])[][] = []
  let runtime = 0
  for (let i = 0; i < byIndex.size; i++) {
    const variants = byIndex.get(i)
    if (variants === undefined) return Result.fail(new InvalidInput({ field: `${source}: layer_${i}`, problem: `missing (the library has ${byIndex.size} layers, so layer_0 … layer_${byIndex.size - 1} must all be present)` }))
    for (const [name, entry] of Object.entries(variants)) {
      if (entry.metrics['kl_div'] === undefined) return Result.fail(new InvalidInput({ field: `${source}: layer_${i}.${name}.metrics.kl_div`, problem: 'missing (every entry needs its replace-1-block KL divergence)' }))
      runtime += entry.stats.runtime_ms
    }
    layers.push(Object.entries(variants))
  }
  if (runtime === 0) return Result.fail(new InvalidInput({ field: `${source}: stats.runtime_ms`, problem: 'zero in every entry (a speedup needs measured runtimes)' }))
  return Result.succeed({ layers })
}

/**
 * Each layer's full variant, taken as the parent's block: the most KV heads,
 * then the widest FFN, then the most parameters.
 */
export function parentChoice(library: LibraryLayers): number[] {
  return library.layers.map((variants) => {
    let best = 0
    variants.forEach(([, entry], i) => {
      const b = variants[best]![1].stats
      const s = entry.stats
      const better = s.num_kv_heads - b.num_kv_heads || s.ffn_intermediate_size - b.ffn_intermediate_size || s.num_params - b.num_params
      if (better > 0) best = i
    })
    return best
  })
}

export interface LibraryProblemOptions {
  /** What to minimise; default `{ kl_div: 1 }`. */
  readonly objective?: Objective
  /** Bound the summed runtime at 1/speedup of the parent's (each layer's full variant); must be > 0. */
  readonly speedup?: number
  /** Further budgets in the library's dimensions (`libraryDims`) or metrics. */
  readonly budgets?: readonly Budget[]
}

/** The search problem a library defines, with the runtime budget a speedup implies. */
export function libraryProblem(library: LibraryLayers, options: LibraryProblemOptions = {}): Result.Result<SearchProblem, InvalidInput> {
  if (options.speedup !== undefined && !(options.speedup > 0 && Number.isFinite(options.speedup))) {
    return Result.fail(new InvalidInput({ field: 'speedup', problem: `${options.speedup} (must be a number > 0, e.g. 2 for twice the parent's speed)` }))
  }
  const layers: SearchLayer[] = library.layers.map((variants) => ({
    variants: variants.map(([description, entry]) => ({
      id: description,
      costs: {
        [libraryDims.runtime]: entry.stats.runtime_ms * secondsPerMs,
        [libraryDims.memory]: entry.stats.memory_mib * bytesPerMib,
        [libraryDims.params]: entry.stats.num_params,
      },
      metrics: entry.metrics,
      tags: entry.stats.num_kv_heads > 0 ? [attentionTag] : [],
    })),
  }))
  const budgets: Budget[] = [...(options.budgets ?? [])]
  if (options.speedup !== undefined) {
    const parent = parentChoice(library)
    const parentRuntime = layers.reduce((sum, layer, l) => sum + (layer.variants[parent[l]!]!.costs[libraryDims.runtime] ?? 0), 0)
    budgets.push({ kind: 'cost', name: libraryDims.runtime, max: parentRuntime / options.speedup })
  }
  return Result.succeed({ layers, objective: options.objective ?? { kl_div: 1 }, budgets, constraints: [] })
}
