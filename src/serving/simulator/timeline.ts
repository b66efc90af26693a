/**
 * The step log condensed for a plot: the run split into equal spans of time,
 * each with its time-weighted mean of running and waiting sequences and KV use,
 * and the mean and longest step that started in it.
 */
import type { StepLog } from './step-log.ts'

export interface TimelinePoint {
  /** Start of the span, seconds. */
  readonly time: number
  /** Time-weighted means over the span's steps. */
  readonly running: number
  readonly waiting: number
  /** KV cache in use as a share of the pool, 0–1. */
  readonly kvUse: number
  /** Mean and longest step (GPU plus host time) that started in the span, seconds; 0 when none did. */
  readonly stepSeconds: number
  readonly maxStepSeconds: number
  readonly steps: number
}

/** At most `spans` points from the log; spans with no step (the engine idle) are dropped. */
export function timelineOf(log: StepLog, poolBytes: number, spans: number): TimelinePoint[] {
  const n = log.length
  if (n === 0) return []
  const start = log.column('start')
  const seconds = log.column('seconds')
  const running = log.column('running')
  const waiting = log.column('waiting')
  const kv = log.column('kvBytes')
  const t0 = start[0]!
  const t1 = start[n - 1]! + seconds[n - 1]!
  const width = (t1 - t0) / spans || 1
  const acc = Array.from({ length: spans }, () => ({ w: 0, running: 0, waiting: 0, kv: 0, step: 0, max: 0, steps: 0 }))
  for (let i = 0; i < n; i++) {
    const a = acc[Math.min(spans - 1, Math.floor((start[i]! - t0) / width))]!
    const w = seconds[i]!
    a.w += w
    a.running += w * running[i]!
    a.waiting += w * waiting[i]!
    a.kv += w * kv[i]!
    a.step += w
    a.max = Math.max(a.max, w)
    a.steps++
  }
  return acc.flatMap((a, i) =>
    a.steps === 0
      ? []
      : [
          {
            time: t0 + i * width,
            running: a.running / a.w,
            waiting: a.waiting / a.w,
            kvUse: poolBytes > 0 ? a.kv / a.w / poolBytes : 0,
            stepSeconds: a.step / a.steps,
            maxStepSeconds: a.max,
            steps: a.steps,
          },
        ],
  )
}
