/** One figure a benchmark prints: a value with its unit, and what it compares to. */
export interface BenchRow {
  readonly name: string
  readonly value: number
  readonly unit: string
  readonly note?: string
}

/** Runs `fn` repeatedly for about `ms` milliseconds (after a warm-up) and returns calls per second. */
export function callsPerSecond(fn: () => void, ms = 1000): number {
  const warmUntil = performance.now() + ms / 5
  while (performance.now() < warmUntil) fn()
  let n = 0
  const start = performance.now()
  let now = start
  while (now - start < ms) {
    fn()
    n++
    now = performance.now()
  }
  return (n * 1000) / (now - start)
}
