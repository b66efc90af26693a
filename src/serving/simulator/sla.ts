/**
 * Service-level budgets as users state them, in percentile form: "99% of
 * requests see their first token within 0.5 s" is `{ metric: 'ttft',
 * percentile: 99, limitSeconds: 0.5 }`. A missed budget is a result to
 * report, not an error.
 */
import type { PercentileLevel } from './percentiles.ts'
import type { SimulationResult } from './simulate.ts'

export type SlaMetric = 'ttft' | 'tpot' | 'e2e'

export const slaMetrics: readonly SlaMetric[] = ['ttft', 'tpot', 'e2e']

export interface SlaBudget {
  readonly metric: SlaMetric
  readonly percentile: PercentileLevel
  /** The most the percentile may be, seconds. */
  readonly limitSeconds: number
}

export interface SlaOutcome extends SlaBudget {
  /** The simulated percentile, seconds (NaN when no request has the metric, e.g. TPOT with one output token). */
  readonly valueSeconds: number
  readonly pass: boolean
}

export function checkSla(result: SimulationResult, budgets: readonly SlaBudget[]): SlaOutcome[] {
  return budgets.map((b) => {
    const valueSeconds = result.latency[b.metric][`p${b.percentile}`]
    return { ...b, valueSeconds, pass: valueSeconds <= b.limitSeconds }
  })
}
