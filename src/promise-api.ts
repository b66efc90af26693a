/**
 * Promise versions of the main jobs, for callers who do not use Effect: the
 * same options as the CLI's flags, a resolved result, or a rejection with one
 * of nas-sim's tagged errors (its `message` is the CLI's one line).
 */
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { requestFromOptions, type SearchOptions } from './search/pipeline/options.ts'
import { runFrontier, type FrontierResult, type FrontierRunOptions } from './search/pipeline/run-frontier.ts'
import { runSearch, type RunSearchOptions } from './search/pipeline/run-search.ts'
import type { SearchResult } from './search/pipeline/result.ts'
import { architectureCost, type ArchitectureCost } from './serving/architecture-cost.ts'

async function run<A, E>(effect: Effect.Effect<A, E>): Promise<A> {
  const result = await Effect.runPromise(Effect.result(effect))
  if (Result.isFailure(result)) throw result.failure
  return result.success
}

/** The best child under a budget: `search({ parent: 'llama-3.1-8b', gpu: 'h100-sxm', scenarios: [{ input: 128, output: 1024, batch: 64 }], speedup: 1.5 })`. */
export function search(options: SearchOptions, run_: RunSearchOptions = {}): Promise<SearchResult> {
  return run(Effect.flatMap(requestFromOptions(options), (req) => runSearch(req, run_)))
}

/** The quality-versus-throughput frontier; budgets are optional (they cut it). */
export function pareto(options: SearchOptions, frontier: FrontierRunOptions = {}): Promise<FrontierResult> {
  return run(Effect.flatMap(requestFromOptions({ ...options, budgetRequired: false }), (req) => runFrontier(req, frontier)))
}

/** What `cost` takes: a model, where it runs, and one scenario. */
export interface CostOptions {
  /** Preset id or path to a Hugging Face config.json. */
  readonly model: string
  /** GPU or system id, e.g. `h100-sxm`, `dgx-h200`. */
  readonly gpu: string
  readonly tp?: number
  readonly weights?: SearchOptions['weights']
  readonly activations?: SearchOptions['activations']
  readonly kv?: SearchOptions['kv']
  /** `vllm` (default), `trtllm` or `sglang`. */
  readonly engine?: string
  /** `inflight` (default) or `static`. */
  readonly batching?: string
  /** A shipped calibration name or file; default the GPU's shipped one, else the datasheet roofline. */
  readonly calibration?: string
  /** Sequences served together: the engine's concurrency (in flight) or the static batch. */
  readonly batch: number
  readonly input: number
  readonly output: number
}

/** Latency, throughput and memory of a model in one scenario; `memory.fits` says whether the times are real. */
export async function cost(options: CostOptions): Promise<ArchitectureCost> {
  const { model, batch, input, output, ...where } = options
  const req = await run(requestFromOptions({ ...where, parent: model, scenarios: [{ input, output, batch }], budgetRequired: false }))
  return architectureCost(req.parent, { batch, input, output }, req.deployment)
}
