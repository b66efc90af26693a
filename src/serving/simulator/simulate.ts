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
import { blocksFor, KvPool, kvLayout } from './kv-cache.ts'
import { percentiles, type Percentiles } from './percentiles.ts'
import { Queue } from './queue.ts'
import { scheduleStep } from './scheduler.ts'
import { newSequence, type Sequence } from './sequence.ts'
import { StepLog } from './step-log.ts'
import { stepTimePredictor } from './step-time.ts'
import { timelineOf, type TimelinePoint } from './timeline.ts'
import { longestRequestTokens, openRequests, requestCount, type RequestSpec, type Workload } from './workload.ts'

/** One served request, times in seconds from the start of the run. */
export interface RequestRecord {
  readonly id: number
  readonly arrival: number
  readonly input: number
  readonly output: number
  /** When its first token was sampled. */
  readonly firstToken: number
  /** When its last token was sampled. */
  readonly finish: number
  readonly preemptions: number
}

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

export interface SimulationResult {
  readonly requests: readonly RequestRecord[]
  readonly steps: number
  readonly preemptions: number
  /** First arrival and last completion, seconds. */
  readonly startSeconds: number
  readonly endSeconds: number
  readonly inputTokens: number
  readonly outputTokens: number
  readonly throughput: {
    /** Output tokens over the whole run (first arrival to last completion), per second, all GPUs. */
    readonly outputTokensPerSecond: number
    readonly outputTokensPerSecondPerGpu: number
    /**
     * Output tokens per second per GPU between the 10th and the 90th percentile of completion times, which leaves out
     * the filling and draining of the engine; the whole run's figure when there are fewer than 10 requests.
     */
    readonly steadyOutputTokensPerSecondPerGpu: number
    readonly steadyWindow: { readonly start: number; readonly end: number }
    readonly requestsPerSecond: number
  }
  readonly latency: {
    /** Time to first token: arrival to first sampled token. */
    readonly ttft: Percentiles
    /** Time per output token after the first, per request: (finish − first token) / (output − 1); requests of one token left out. */
    readonly tpot: Percentiles
    /** Arrival to last token. */
    readonly e2e: Percentiles
  }
  readonly kv: {
    /** The engine's KV pool on one GPU, bytes. */
    readonly poolBytes: number
    readonly blockTokens: number
    /** Share of the pool in use, time-weighted over the engine's busy time, and its peak. */
    readonly meanUse: number
    readonly peakUse: number
  }
  /** Time-weighted mean of sequences running per step, and the most at once. */
  readonly running: { readonly mean: number; readonly max: number }
  /** Mean engine step (GPU and host), seconds. */
  readonly meanStepSeconds: number
  readonly timeline: readonly TimelinePoint[]
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

/** Arrivals not yet released to the engine, in time order. */
interface ArrivalSource {
  /** Time of the next arrival (Infinity when none is due yet). */
  readonly next: () => number
  readonly take: () => Sequence
  /** A sequence finished at `time`; a closed loop's user sends its next request then. */
  readonly completed: (s: Sequence, time: number) => void
}

function openSource(requests: readonly RequestSpec[]): ArrivalSource {
  let i = 0
  return {
    next: () => (i < requests.length ? requests[i]!.arrival : Number.POSITIVE_INFINITY),
    take: () => {
      const r = requests[i]!
      return newSequence(i++, r.arrival, r.input, r.output, -1)
    },
    completed: () => {},
  }
}

function closedSource(w: Extract<Workload, { kind: 'closed' }>): ArrivalSource {
  // First requests on the ramp, then each user's next at its last one's completion (completions come in time order).
  const first = Math.min(w.users, w.count)
  const followUps = new Queue<{ time: number; user: number }>()
  let ramped = 0
  let issued = 0
  const rampTime = (u: number) => (u * w.rampSeconds) / w.users
  const next = () => {
    const a = ramped < first ? rampTime(ramped) : Number.POSITIVE_INFINITY
    const b = followUps.peek()?.time ?? Number.POSITIVE_INFINITY
    return Math.min(a, b)
  }
  return {
    next,
    take: () => {
      const a = ramped < first ? rampTime(ramped) : Number.POSITIVE_INFINITY
      const f = followUps.peek()
      if (f !== undefined && f.time < a) {
        followUps.shift()
        return newSequence(issued++, f.time, w.input, w.output, f.user)
      }
      return newSequence(issued++, a, w.input, w.output, ramped++)
    },
    completed: (s, time) => {
      const promised = issued + followUps.length + (first - ramped)
      if (promised < w.count && s.user >= 0) followUps.push({ time, user: s.user })
    },
  }
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
    const plan = scheduleStep(running, waiting, pool, limits)
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
  return summarise(done, log, pool, d, preemptions, maxRunning, options.timelineSpans ?? 400)
}

/** Drops finished sequences from the running list, keeping the others' order. */
function removeFinished(running: Sequence[]): void {
  let j = 0
  for (const s of running) if (s.generated < s.output) running[j++] = s
  running.length = j
}

function summarise(done: readonly RequestRecord[], log: StepLog, pool: KvPool, d: ServingDeployment, preemptions: number, maxRunning: number, spans: number): SimulationResult {
  const requests = [...done].sort((a, b) => a.id - b.id)
  let startSeconds = Number.POSITIVE_INFINITY
  let endSeconds = 0
  let inputTokens = 0
  let outputTokens = 0
  const ttft: number[] = []
  const tpot: number[] = []
  const e2e: number[] = []
  for (const r of requests) {
    startSeconds = Math.min(startSeconds, r.arrival)
    endSeconds = Math.max(endSeconds, r.finish)
    inputTokens += r.input
    outputTokens += r.output
    ttft.push(r.firstToken - r.arrival)
    e2e.push(r.finish - r.arrival)
    if (r.output > 1) tpot.push((r.finish - r.firstToken) / (r.output - 1))
  }
  const duration = endSeconds - startSeconds
  const outputTokensPerSecond = outputTokens / duration

  const seconds = log.column('seconds')
  const kv = log.column('kvBytes')
  const running = log.column('running')
  let busy = 0
  let kvWeighted = 0
  let runningWeighted = 0
  let peak = 0
  for (let i = 0; i < log.length; i++) {
    busy += seconds[i]!
    kvWeighted += seconds[i]! * kv[i]!
    runningWeighted += seconds[i]! * running[i]!
    peak = Math.max(peak, kv[i]!)
  }

  const window = steadyWindow(done)
  const steadyRate = window === undefined ? outputTokensPerSecond : sampledBetween(log, window.start, window.end) / (window.end - window.start)
  return {
    requests,
    steps: log.length,
    preemptions,
    startSeconds,
    endSeconds,
    inputTokens,
    outputTokens,
    throughput: {
      outputTokensPerSecond,
      outputTokensPerSecondPerGpu: outputTokensPerSecond / d.tp,
      steadyOutputTokensPerSecondPerGpu: steadyRate / d.tp,
      steadyWindow: window ?? { start: startSeconds, end: endSeconds },
      requestsPerSecond: requests.length / duration,
    },
    latency: { ttft: percentiles(ttft), tpot: percentiles(tpot), e2e: percentiles(e2e) },
    kv: { poolBytes: pool.capacity, blockTokens: pool.layout.blockTokens, meanUse: kvWeighted / busy / pool.capacity, peakUse: peak / pool.capacity },
    running: { mean: runningWeighted / busy, max: maxRunning },
    meanStepSeconds: busy / log.length,
    timeline: timelineOf(log, pool.capacity, spans),
  }
}

/** From the 10th to the 90th percentile of completion times (`done` is in completion order); none for tiny runs. */
function steadyWindow(done: readonly RequestRecord[]): { start: number; end: number } | undefined {
  const n = done.length
  if (n < 10) return undefined
  const start = done[Math.floor(0.1 * n) - 1]!.finish
  const end = done[Math.ceil(0.9 * n) - 1]!.finish
  return end > start ? { start, end } : undefined
}

/** Tokens sampled by steps that ended in (start, end]. */
function sampledBetween(log: StepLog, start: number, end: number): number {
  const starts = log.column('start')
  const seconds = log.column('seconds')
  const sampled = log.column('sampled')
  let tokens = 0
  for (let i = 0; i < log.length; i++) {
    const t = starts[i]! + seconds[i]!
    if (t > start && t <= end) tokens += sampled[i]!
  }
  return tokens
}
