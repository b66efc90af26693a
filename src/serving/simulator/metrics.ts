/** What a run's requests and steps add up to: throughput, latency percentiles, KV use and the timeline. */
import type { KvPool } from './kv-cache.ts'
import { percentiles, type Percentiles } from './percentiles.ts'
import type { StepLog } from './step-log.ts'
import { timelineOf, type TimelinePoint } from './timeline.ts'

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

/** What the simulation loop hands over at the end of a run. */
export interface RunRecord {
  /** Served requests in completion order. */
  readonly done: readonly RequestRecord[]
  readonly log: StepLog
  readonly pool: KvPool
  /** GPUs of the replica, to give figures per GPU. */
  readonly tp: number
  readonly preemptions: number
  readonly maxRunning: number
  /** Spans of the condensed timeline. */
  readonly spans: number
}

/** The run's figures. */
export function summarise({ done, log, pool, tp, preemptions, maxRunning, spans }: RunRecord): SimulationResult {
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
      outputTokensPerSecondPerGpu: outputTokensPerSecond / tp,
      steadyOutputTokensPerSecondPerGpu: steadyRate / tp,
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
