/**
 * What arrives at the engine: an open stream (Poisson arrivals at a rate, or a
 * recorded trace) or a closed loop of users, each sending its next request the
 * moment its last one completes.
 */
import { seededRandom } from '../../random.ts'
import { unitExponential } from './random.ts'

/** One request: when it arrives and its prompt and output lengths in tokens. */
export interface RequestSpec {
  /** Arrival time, seconds from the start. */
  readonly arrival: number
  readonly input: number
  /** Tokens to generate (≥ 1; the first comes out of the prompt's prefill). */
  readonly output: number
}

export type Workload =
  /** Poisson arrivals at `rate` requests per second, `count` requests of fixed lengths. */
  | { readonly kind: 'poisson'; readonly rate: number; readonly count: number; readonly input: number; readonly output: number; readonly seed: number }
  /**
   * `users` users in a closed loop, `count` requests in all, no think time. User i sends its first request at
   * i × ramp / users, so that a loop of identical requests starts spread out rather than in lock-step.
   */
  | { readonly kind: 'closed'; readonly users: number; readonly count: number; readonly input: number; readonly output: number; readonly rampSeconds: number }
  /** Recorded requests, in any order. */
  | { readonly kind: 'trace'; readonly requests: readonly RequestSpec[] }

/** How many requests a workload sends in all. */
export function requestCount(w: Workload): number {
  return w.kind === 'trace' ? w.requests.length : w.count
}

/**
 * Poisson arrival times: cumulative sums of exponential gaps of mean 1/rate. The unit gaps depend on the seed only,
 * so at a higher rate, with the same seed, every arrival comes earlier by the same factor.
 */
export function poissonArrivals(rate: number, count: number, seed: number): Float64Array {
  const random = seededRandom(seed)
  const times = new Float64Array(count)
  let t = 0
  for (let i = 0; i < count; i++) {
    t += unitExponential(random)
    times[i] = t / rate
  }
  return times
}

/** The requests an open workload sends, sorted by arrival (stable, so equal times keep their order). */
export function openRequests(w: Exclude<Workload, { kind: 'closed' }>): readonly RequestSpec[] {
  if (w.kind === 'trace') return [...w.requests].sort((a, b) => a.arrival - b.arrival)
  const times = poissonArrivals(w.rate, w.count, w.seed)
  return Array.from(times, (arrival) => ({ arrival, input: w.input, output: w.output }))
}

/** The longest request a workload sends, in cached tokens at its last step (input + output − 1). */
export function longestRequestTokens(w: Workload): number {
  if (w.kind !== 'trace') return w.input + w.output - 1
  let longest = 0
  for (const r of w.requests) longest = Math.max(longest, r.input + r.output - 1)
  return longest
}
