/** Absolute percentage errors and their summaries, as the calibration reports them. */
import { quantileSorted as d3QuantileSorted } from 'd3'
import type { ErrorSummary } from './format.ts'

/** |predicted − measured| / measured, in percent. */
export function absolutePercentageError(predicted: number, measured: number): number {
  return (100 * Math.abs(predicted - measured)) / measured
}

/**
 * The q-quantile of sorted values, interpolating linearly between order
 * statistics (Hyndman & Fan's type 7, numpy's default), as d3-array computes
 * it; NaN for no values.
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  return d3QuantileSorted([...sorted], q) ?? Number.NaN
}

/** Reported errors keep two decimals of a percent: finer digits are below the timing's own noise. */
function roundPercent(v: number): number {
  return Math.round(v * 100) / 100
}

/** Median and 90th percentile of absolute percentage errors. */
export function summarizeErrors(apes: readonly number[]): ErrorSummary {
  const sorted = [...apes].sort((a, b) => a - b)
  return { rows: sorted.length, medianApe: roundPercent(quantileSorted(sorted, 0.5)), p90Ape: roundPercent(quantileSorted(sorted, 0.9)) }
}
