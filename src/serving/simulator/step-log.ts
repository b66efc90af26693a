/**
 * What each engine step did, in growable typed arrays (a long simulation runs
 * hundreds of thousands of steps): when it started, how long it took, how many
 * sequences ran and waited, the KV cache in use and the tokens it processed
 * and sampled.
 */
const fields = ['start', 'seconds', 'running', 'waiting', 'kvBytes', 'prefillTokens', 'decodeTokens', 'sampled'] as const
export type StepField = (typeof fields)[number]

export class StepLog {
  private columns: Record<StepField, Float64Array>
  private n = 0

  constructor(capacity = 1024) {
    this.columns = Object.fromEntries(fields.map((f) => [f, new Float64Array(capacity)])) as Record<StepField, Float64Array>
  }

  get length(): number {
    return this.n
  }

  push(start: number, seconds: number, running: number, waiting: number, kvBytes: number, prefillTokens: number, decodeTokens: number, sampled: number): void {
    if (this.n === this.columns.start.length) this.grow()
    const c = this.columns
    const i = this.n++
    c.start[i] = start
    c.seconds[i] = seconds
    c.running[i] = running
    c.waiting[i] = waiting
    c.kvBytes[i] = kvBytes
    c.prefillTokens[i] = prefillTokens
    c.decodeTokens[i] = decodeTokens
    c.sampled[i] = sampled
  }

  /** One column, trimmed to the steps logged. */
  column(field: StepField): Float64Array {
    return this.columns[field].subarray(0, this.n)
  }

  private grow(): void {
    for (const f of fields) {
      const bigger = new Float64Array(this.columns[f].length * 2)
      bigger.set(this.columns[f])
      this.columns[f] = bigger
    }
  }
}
