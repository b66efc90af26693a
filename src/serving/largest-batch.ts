/**
 * The largest batch from 1 to `cap` for which `holds` is true, found by bisection, or 0 when it fails at 1. The
 * predicate must hold on a prefix (memory fits, a latency limit is met: both only get harder as the batch grows).
 */
export function largestBatchWhere(cap: number, holds: (batch: number) => boolean): number {
  if (cap < 1 || !holds(1)) return 0
  if (holds(cap)) return cap
  let lo = 1
  let hi = cap
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (holds(mid)) lo = mid
    else hi = mid
  }
  return lo
}
