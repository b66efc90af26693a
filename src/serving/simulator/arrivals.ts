/**
 * Where requests come from during a run: an open stream, released in arrival
 * order, or a closed loop whose users send their next request when the last
 * one completes.
 */
import { Queue } from './queue.ts'
import { newSequence, type Sequence } from './sequence.ts'
import type { RequestSpec, Workload } from './workload.ts'

/** Arrivals not yet released to the engine, in time order. */
export interface ArrivalSource {
  /** Time of the next arrival (Infinity when none is due yet). */
  readonly next: () => number
  readonly take: () => Sequence
  /** A sequence finished at `time`; a closed loop's user sends its next request then. */
  readonly completed: (s: Sequence, time: number) => void
}

export function openSource(requests: readonly RequestSpec[]): ArrivalSource {
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

export function closedSource(w: Extract<Workload, { kind: 'closed' }>): ArrivalSource {
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
