/**
 * A request-level discrete-event simulation of one engine replica, in the
 * class of Vidur (arXiv:2405.05465): requests arrive, the engine's scheduler
 * forms each step (continuous batching, chunked prefill, paged KV cache,
 * preemption with recompute), and each step lasts what the cost model predicts
 * for its kernels plus the engine's host overhead. Time jumps from step to
 * step; nothing depends on the wall clock, so a seed gives one result.
 */
import type { Architecture } from '../../blocks/architecture.ts'
import { InvalidInput } from '../../errors.ts'
import { architectureCost } from '../architecture-cost.ts'
import type { ServingDeployment } from '../serving-deployment.ts'
import { closedSource, openSource } from './arrivals.ts'
import { blocksFor, KvPool, kvLayout } from './kv-cache.ts'
import { summarise, type RequestRecord, type SimulationResult } from './metrics.ts'
import { Queue } from './queue.ts'
import { scheduleStep } from './scheduler.ts'
import type { Sequence } from './sequence.ts'
import { StepLog } from './step-log.ts'
import { stepTimePredictor } from './step-time.ts'
import { longestRequestTokens, openRequests, requestCount, type Workload } from './workload.ts'

export type { RequestRecord, SimulationResult } from './metrics.ts'

export interface Progress {
  readonly completed: number
  readonly total: number
  readonly steps: number
  readonly simulatedSeconds: number
}

export interface SimulationOptions {
  /** Called every `progressEvery` steps (default 8192) with where the run is; it must not change anything. */
  readonly onProgress?: (p: Progress) => void
  readonly progressEvery?: number
  /** Spans of the condensed timeline (default 400). */
  readonly timelineSpans?: number
}

/** The engine's KV pool on one GPU: what its memory policy leaves after the weights and its activation reserve. */
export function simulatorPoolBytes(arch: Architecture, d: ServingDeployment): number {
  const { maxSequences } = d.engine.limits(d.system.gpu)
  // The engine reserves activations for a full step budget and the logits of `maxSequences` sequences, as vLLM's
  // start-up profiling run does (its dummy sampler run covers max_num_seqs requests), whatever the workload.
  return architectureCost(arch, { batch: maxSequences, input: 1, output: 2 }, d).memory.kvPool
}

/**
 * The ramp that starts a closed loop of `users` near its steady state: users' first requests spread over one
 * request's end-to-end latency as the steady-state model predicts it at that concurrency.
 */
export function steadyRampSeconds(arch: Architecture, d: ServingDeployment, users: number, input: number, output: number): number {
  return architectureCost(arch, { batch: users, input, output }, d).metrics.e2eSeconds
}

/** Checks that the pool exists and holds the longest request alone, so that the run always progresses. */
function checkPool(arch: Architecture, d: ServingDeployment, w: Workload, pool: KvPool): void {
  if (pool.capacity <= 0)
    throw new InvalidInput({
      field: '--model',
      problem: `${arch.name} leaves no KV-cache pool on ${d.system.gpu.name} at TP ${d.tp} under ${d.engine.name}'s memory policy (try a larger --tp or smaller --weights)`,
    })
  const longest = longestRequestTokens(w)
  const need = pool.layout.bytesAt(blocksFor(longest, pool.layout.blockTokens))
  if (need > pool.capacity)
    throw new InvalidInput({
      field: 'workload',
      problem: `a request of ${longest} cached tokens needs ${(need / 1e9).toFixed(2)} GB of KV cache, more than the whole ${(pool.capacity / 1e9).toFixed(2)} GB pool`,
    })
}

/** Simulates the workload on one engine replica of the deployment. Throws `InvalidInput` when it cannot run at all. */
export function simulate(arch: Architecture, d: ServingDeployment, workload: Workload, options: SimulationOptions = {}): SimulationResult {
  const limits = d.engine.limits(d.system.gpu)
  const pool = new KvPool(kvLayout(arch, d, d.engine.kvBlockTokens), simulatorPoolBytes(arch, d))
  checkPool(arch, d, workload, pool)
  const predictor = stepTimePredictor(arch, d, limits.maxSequences, limits.stepTokens)
  const overhead = d.engine.stepOverheadSeconds
  const source = workload.kind === 'closed' ? closedSource(workload) : openSource(openRequests(workload))
  const total = requestCount(workload)
  const progressEvery = options.progressEvery ?? 8192

  const running: Sequence[] = []
  const waiting = new Queue<Sequence>()
  const done: RequestRecord[] = []
  const log = new StepLog()
  let preemptions = 0
  let now = 0
  let maxRunning = 0

  while (done.length < total) {
    while (source.next() <= now) waiting.push(source.take())
    if (running.length === 0 && waiting.length === 0) {
      now = source.next()
      if (!Number.isFinite(now)) throw new Error(`simulation stalled: ${total - done.length} requests never arrived`)
      continue
    }
    const plan = scheduleStep(running, waiting, pool, limits, d.engine)
    if (plan.tokens === 0) throw new Error(`simulation stalled: nothing schedulable with ${running.length} running and ${waiting.length} waiting`)
    preemptions += plan.preempted
    const seconds = predictor.seconds(plan.mix) + overhead
    const end = now + seconds
    const kvBytes = pool.used
    let sampled = 0
    let finished = 0
    for (const s of plan.scheduled) {
      s.computed += s.scheduled
      if (s.computed < s.input + s.generated) continue
      s.generated++
      sampled++
      if (s.generated === 1) s.firstToken = end
      if (s.generated === s.output) {
        pool.release(s.blocks)
        s.blocks = 0
        finished++
        done.push({ id: s.id, arrival: s.arrival, input: s.input, output: s.output, firstToken: s.firstToken, finish: end, preemptions: s.preemptions })
        source.completed(s, end)
      }
    }
    maxRunning = Math.max(maxRunning, running.length)
    log.push(now, seconds, running.length, waiting.length, kvBytes, plan.tokens - plan.mix.decodeSequences, plan.mix.decodeSequences, sampled)
    if (finished > 0) removeFinished(running)
    now = end
    if (options.onProgress !== undefined && log.length % progressEvery === 0)
      options.onProgress({ completed: done.length, total, steps: log.length, simulatedSeconds: now })
  }
  return summarise({ done, log, pool, tp: d.tp, preemptions, maxRunning, spans: options.timelineSpans ?? 400 })
}

/** Drops finished sequences from the running list, keeping the others' order. */
function removeFinished(running: Sequence[]): void {
  let j = 0
  for (const s of running) if (s.generated < s.output) running[j++] = s
  running.length = j
}
