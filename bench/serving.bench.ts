/**
 * What modelling engines costs the search: the same searches and frontiers
 * under in-flight batching (the default) and under the static batch of the
 * release before it, measured in the same run. The static runs stand in for
 * that release: same space, prior and solver, one prefill and decode per block.
 */
import * as Effect from 'effect/Effect'
import { requestFromOptions, type SearchOptions } from '../src/search/pipeline/options.ts'
import { runFrontier } from '../src/search/pipeline/run-frontier.ts'
import { runSearch } from '../src/search/pipeline/run-search.ts'
import type { BenchRow } from './types.ts'

const base: SearchOptions = {
  parent: 'llama-3.3-70b',
  gpu: 'h100-sxm',
  weights: 'fp8',
  activations: 'fp8',
  kv: 'fp8',
  scenarios: [{ input: 128, output: 1024, batch: 16 }],
  space: 'puzzle',
}

async function timed(options: SearchOptions, run: 'search' | 'pareto'): Promise<number> {
  const req = await Effect.runPromise(requestFromOptions(options))
  const started = performance.now()
  if (run === 'search') await Effect.runPromise(runSearch(req))
  else await Effect.runPromise(runFrontier(req))
  return performance.now() - started
}

async function pair(label: string, options: SearchOptions, run: 'search' | 'pareto'): Promise<BenchRow[]> {
  const staticMs = await timed({ ...options, batching: 'static' }, run)
  const inflightMs = await timed({ ...options, batching: 'inflight' }, run)
  return [
    { name: `${label}, static batch (previous release's model)`, value: staticMs, unit: 'ms' },
    { name: `${label}, in flight (vLLM)`, value: inflightMs, unit: 'ms', note: `${(inflightMs / staticMs).toFixed(2)}× the static run` },
  ]
}

export async function runServingBench(): Promise<BenchRow[]> {
  return [
    ...(await pair('search: Llama-3.3-70B, H100 fp8, 1.5× at concurrency 16', { ...base, speedup: 1.5 }, 'search')),
    ...(await pair('search: Llama-3.3-70B, H100 fp8, 2× at auto concurrency', { ...base, speedup: 2, scenarios: [{ input: 128, output: 1024, batch: 'auto' }] }, 'search')),
    ...(await pair('pareto: Llama-3.3-70B, H100 fp8, concurrency 16', { ...base, scenarios: [{ input: 128, output: 1024, batch: 16 }], budgetRequired: false }, 'pareto')),
  ]
}
