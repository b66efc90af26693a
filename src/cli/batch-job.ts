/**
 * The job module `nas-sim batch` runs in its worker threads: one batch job (a
 * search, as its flags would give it) to a compact, JSON-serialisable result.
 */
import { Effect, Result } from 'effect'
import type { Job } from '../batch/job.ts'
import { requestFromOptions } from '../search/pipeline/options.ts'
import { runSearch } from '../search/pipeline/run-search.ts'

/** What a batch stores per job: the headline numbers and the child's variant per layer. */
export interface BatchJobResult {
  readonly tokensPerSecondPerGpu: number
  readonly parentTokensPerSecondPerGpu: number | undefined
  readonly speedup: number | undefined
  readonly batch: number
  readonly params: number
  readonly objective: number
  readonly metrics: Readonly<Record<string, number>>
  readonly memoryBytes: number
  readonly e2eSeconds: number
  readonly quality: 'prior' | 'measured' | 'mixed'
  readonly solver: { readonly method: string; readonly gap: number; readonly seconds: number }
  readonly variants: readonly string[]
}

export async function runJob(job: Job): Promise<BatchJobResult> {
  const effect = Effect.gen(function* () {
    const req = yield* requestFromOptions({
      parent: job.parent,
      gpu: job.gpu,
      tp: job.tp,
      weights: job.weights,
      activations: job.activations,
      kv: job.kv,
      scenarios: [{ input: job.input, output: job.output, batch: job.batch }],
      ...(job.speedup === undefined ? {} : { speedup: job.speedup }),
      ...(job.throughput === undefined ? {} : { throughput: job.throughput }),
      ...(job.latency === undefined ? {} : { latency: job.latency }),
      ...(job.memory === undefined ? {} : { memory: job.memory }),
      ...(job.params === undefined ? {} : { params: job.params }),
      ...(job.ttft === undefined ? {} : { ttft: job.ttft }),
      ...(job.tpot === undefined ? {} : { tpot: job.tpot }),
      engine: job.engine,
      batching: job.batching,
      space: job.space,
      ...(job.scores === undefined ? {} : { scores: job.scores }),
      top: job.top,
    })
    return yield* runSearch(req)
  })
  const r = await Effect.runPromise(Effect.result(effect))
  // A failed job is recorded with its one-line message; the batch goes on.
  if (Result.isFailure(r)) throw new Error(r.failure.message)
  const res = r.success
  const s = res.child.scenarios[0]!
  return {
    tokensPerSecondPerGpu: s.child.metrics.outputTokensPerSecondPerGpu,
    parentTokensPerSecondPerGpu: s.parent?.metrics.outputTokensPerSecondPerGpu,
    speedup: s.speedup,
    batch: s.child.batch,
    params: res.child.params,
    objective: res.child.objective,
    metrics: res.child.metrics,
    memoryBytes: s.child.memory.total,
    e2eSeconds: s.child.metrics.e2eSeconds,
    quality: res.quality.source.kind,
    solver: res.proof,
    variants: res.child.layers.map((l) => l.variant),
  }
}
