/**
 * Whole frontiers of real parents through the search pipeline (cost model,
 * Puzzle space, built-in prior), as `nas-sim pareto` runs them. The prior's
 * smooth layer weights make these frontiers far larger than the synthetic
 * ones in search.bench.ts, so both are reported.
 */
import * as Effect from 'effect/Effect'
import { requestFromOptions } from '../src/search/pipeline/options.ts'
import { runFrontier } from '../src/search/pipeline/run-frontier.ts'
import type { BenchRow } from './types.ts'

async function frontierRow(label: string, parent: string, gpu: string, batch: number): Promise<BenchRow> {
  const req = await Effect.runPromise(
    requestFromOptions({ parent, gpu, weights: 'fp8', activations: 'fp8', kv: 'fp8', scenarios: [{ input: 128, output: 1024, batch }], budgetRequired: false }),
  )
  const started = performance.now()
  const f = await Effect.runPromise(runFrontier(req))
  const ms = performance.now() - started
  return {
    name: `pareto: ${label}`,
    value: ms,
    unit: 'ms',
    note: `${f.completeness} frontier, ${f.points.length} points, ${f.states.toLocaleString('en-US')} DP states; ${gpu}, fp8, 128/1024 at batch ${batch}, built-in prior`,
  }
}

export async function runFrontierBench(): Promise<BenchRow[]> {
  return [
    await frontierRow('Llama-3.1-8B whole frontier', 'llama-3.1-8b', 'h100-sxm', 64),
    await frontierRow('Llama-3.3-70B whole frontier (memory not binding)', 'llama-3.3-70b', 'h200', 8),
    await frontierRow('Llama-3.3-70B whole frontier, memory budget binding', 'llama-3.3-70b', 'h100-sxm', 16),
  ]
}
