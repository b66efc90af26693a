/**
 * The job module `nas-sim batch` runs in its worker threads: one batch job (a
 * search, as its flags would give it) to a compact, JSON-serialisable result.
 */
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import type { Job } from '../batch/job.ts'
import { requestFromOptions } from '../search/pipeline/options.ts'
import { runSearch } from '../search/pipeline/run-search.ts'

/** A diverse alternative (`top` > 1), as compact as the best child's own record. */
export interface BatchAlternative {
  readonly objective: number
  readonly tokensPerSecondPerGpu: number
  readonly speedup: number | undefined
  readonly batch: number
  readonly params: number
  readonly variants: readonly string[]
}

/**
 * What a batch stores per job: the headline numbers, the child's variant per
 * layer, and what `nas-sim search` reports beside the child: the diverse
 * alternatives, the notes that limit the result's claims, and the batch plans
 * that could not be solved.
 */
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
  readonly alternatives: readonly BatchAlternative[]
  readonly notes: readonly string[]
  /** Batch plans (one batch per scenario) the solver gave no answer for, with why; the child is optimal over the others only. */
  readonly unsolved: readonly { readonly batches: readonly number[]; readonly reason: string }[]
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
      ...(job.fuseFfn === undefined ? {} : { fuseFfn: job.fuseFfn }),
      ...(job.fusedBudget === true ? { fusedBudget: true } : {}),
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
    alternatives: res.alternatives.map((a) => {
      const sa = a.scenarios[0]!
      return {
        objective: a.objective,
        tokensPerSecondPerGpu: sa.child.metrics.outputTokensPerSecondPerGpu,
        speedup: sa.speedup,
        batch: sa.child.batch,
        params: a.params,
        variants: a.layers.map((l) => l.variant),
      }
    }),
    notes: res.notes,
    unsolved: res.batchesTried.flatMap((t) => (t.unsolved === undefined ? [] : [{ batches: t.batches, reason: t.unsolved }])),
  }
}
