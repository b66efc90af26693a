/**
 * Whole searches as users run them (`nas-sim search`, through the library:
 * cost model, space, prior, every batch plan, top-k), each timed once and
 * set against a single-budget search of one batch plan timed in the same run,
 * so that the ratio survives a busy machine better than the seconds do. The
 * first five are the searches of issue 12's table; then a two-scenario
 * search with four budget dimensions, the hybrid space on Nemotron-H-56B,
 * `@auto` on a B200, and the hymba space on Llama-3.2-3B. BENCH_SEARCHES=NAME,… runs only those whose names
 * contain one of the words.
 */
import * as Effect from 'effect/Effect'
import { requestFromOptions, type SearchOptions } from '../src/search/pipeline/options.ts'
import { runSearch } from '../src/search/pipeline/run-search.ts'
import type { BenchRow } from './types.ts'

const auto = { input: 128, output: 1024, batch: 'auto' as const }
const fp8 = { weights: 'fp8', kv: 'fp8' } as const

/** The reference: one batch plan, one budget besides memory. */
const reference: SearchOptions = { parent: 'llama-3.3-70b', gpu: 'h200', ...fp8, scenarios: [{ input: 128, output: 1024, batch: 256 }], speedup: 1.5 }

export const searchCases: readonly { readonly name: string; readonly options: SearchOptions }[] = [
  { name: '70B, --params 50', options: { parent: 'llama-3.3-70b', gpu: 'h200', ...fp8, scenarios: [auto], speedup: 1.5, params: 50 } },
  {
    name: '8B hybrid, two scenarios, --latency 6 --params 6',
    options: { parent: 'llama-3.1-8b', gpu: 'h200', space: 'hybrid', scenarios: [{ input: 4096, output: 512, batch: 32 }, { input: 128, output: 1024, batch: 64 }], latency: 6, params: 6 },
  },
  { name: '70B on B200, --min-attention 40 --top 5', options: { parent: 'llama-3.3-70b', gpu: 'b200', ...fp8, scenarios: [auto], speedup: 1.5, structure: { minAttention: 40 }, top: 5 } },
  { name: 'Nemotron-H-56B hybrid, --top 5', options: { parent: 'nemotron-h-56b', gpu: 'h200', space: 'hybrid', ...fp8, scenarios: [auto], speedup: 1.5, top: 5 } },
  { name: "README's 70B on DGX-H100 TP 4, --throughput 4000 --top 3", options: { parent: 'llama-3.1-70b', gpu: 'dgx-h100', tp: 4, scenarios: [auto], throughput: 4000, top: 3 } },
  {
    name: '8B, two scenarios, speedup and --params 6 (four budget dimensions that can bind)',
    options: { parent: 'llama-3.1-8b', gpu: 'h100-sxm', ...fp8, scenarios: [{ input: 2048, output: 256, batch: 64 }, { input: 128, output: 1024, batch: 256 }], speedup: 1.3, params: 6 },
  },
  { name: 'Nemotron-H-56B hybrid, --speedup 1.5', options: { parent: 'nemotron-h-56b', gpu: 'h200', space: 'hybrid', ...fp8, scenarios: [auto], speedup: 1.5 } },
  { name: '70B @auto on B200, --speedup 2', options: { parent: 'llama-3.3-70b', gpu: 'b200', ...fp8, scenarios: [auto], speedup: 2 } },
  // The hymba space: one exact search per whole-model setting (12 for Llama-3.2-3B), KV-sharing pairs folded into units.
  { name: 'Llama-3.2-3B hymba space, --speedup 3', options: { parent: 'llama-3.2-3b', gpu: 'h200', space: 'hymba', scenarios: [{ input: 1024, output: 7168, batch: 'auto' }], speedup: 3 } },
]

async function timedSearch(options: SearchOptions): Promise<{ ms: number; note: string }> {
  const req = await Effect.runPromise(requestFromOptions(options))
  const started = performance.now()
  const result = await Effect.runPromise(runSearch(req))
  const ms = performance.now() - started
  const searched = result.batchesTried.filter((b) => b.objective !== undefined).length
  const pruned = result.batchesTried.filter((b) => b.pruned !== undefined).length
  const unsolved = result.batchesTried.filter((b) => b.unsolved !== undefined).length
  return {
    ms,
    note: `objective ${result.child.objective.toFixed(6)} (${result.proof.method}, gap ${result.proof.gap}); ${result.batchesTried.length} plans: ${searched} searched, ${pruned} settled by bound, ${unsolved} unsolved; ${result.alternatives.length}${options.top === undefined ? '' : ` of ${options.top - 1}`} alternatives`,
  }
}

export async function runSearchesBench(): Promise<BenchRow[]> {
  const only = process.env.BENCH_SEARCHES?.split(',')
  await timedSearch(reference)
  const base = await timedSearch(reference)
  const rows: BenchRow[] = [{ name: 'search: reference, 70B on H200 at batch 256, --speedup 1.5', value: base.ms, unit: 'ms', note: `one plan, one budget; ${base.note}` }]
  for (const c of searchCases) {
    if (only !== undefined && !only.some((word) => c.name.includes(word))) continue
    const run = await timedSearch(c.options)
    rows.push({ name: `search: ${c.name}`, value: run.ms, unit: 'ms', note: `${(run.ms / base.ms).toFixed(1)}× the reference; ${run.note}` })
  }
  return rows
}
