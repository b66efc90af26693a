/**
 * Batch throughput: whole jobs per second through `runBatch` (worker start-up,
 * the results log and the summary included), for the lead's `npm run bench`
 * to call with the real search's job module.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Effect from 'effect/Effect'
import { expandSpec, runBatch } from '../src/batch/index.ts'
import type { BenchRow } from './types.ts'

/** Runs `jobs` (job objects as a spec's `jobs` list holds them) on `workers` threads into a scratch directory. */
export async function runBatchBench(jobModulePath: string, jobs: unknown[], workers: number): Promise<{ jobsPerSecond: number; seconds: number }> {
  const spec = await Effect.runPromise(expandSpec({ name: 'bench', jobs }))
  const dir = mkdtempSync(join(tmpdir(), 'nas-sim-batch-bench-'))
  try {
    const start = performance.now()
    await Effect.runPromise(runBatch({ spec, jobModule: jobModulePath, out: join(dir, 'out'), workers, progress: false }))
    const seconds = (performance.now() - start) / 1000
    return { jobsPerSecond: spec.jobs.length / seconds, seconds }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * A 1,000-job sweep: 5 parents × 5 GPUs × 40 speedup targets from 1.05× to
 * 3× the parent, Puzzle's 128 → 1024 scenario in fp8.
 */
export function thousandJobSweep(): unknown[] {
  const parents = ['llama-3.1-8b', 'llama-3.1-70b', 'llama-3.3-70b', 'qwen-2.5-7b', 'qwen-2.5-72b']
  const gpus = ['h100-sxm', 'h100-pcie', 'h200', 'a100', 'b200']
  const speedups = Array.from({ length: 40 }, (_, index) => 1.05 + index * 0.05)
  return parents.flatMap((parent) =>
    gpus.flatMap((gpu) =>
      speedups.map((speedup) => ({ parent, gpu, input: 128, output: 1024, weights: 'fp8', activations: 'fp8', kv: 'fp8', speedup })),
    ),
  )
}

/** The bench rows for 1 and 2 workers over the same jobs. */
export async function batchBenchRows(jobModulePath: string, jobs: unknown[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  for (const workers of [1, 2]) {
    const { jobsPerSecond, seconds } = await runBatchBench(jobModulePath, jobs, workers)
    rows.push({ name: `batch: ${jobs.length}-job sweep, ${workers} worker${workers === 1 ? '' : 's'}`, value: jobsPerSecond, unit: 'jobs/s', note: `${seconds.toFixed(1)} s wall, worker start-up included` })
  }
  return rows
}
