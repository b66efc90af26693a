/**
 * Fits the all-reduce model (all-reduce.ts) to measured rows, and says how well it predicts sizes it did not
 * see. The model is a curve of (bytes, seconds) points per rank count, so fitting it is choosing the points:
 * the median time at each measured size, made non-decreasing in size by pooling adjacent violators (the
 * least-squares monotone fit), since a larger message cannot be faster and a dip is noise.
 */
import { allReduceCurve, curveSeconds, type AllReduceCurve, type AllReduceModel, type AllReducePoint } from '../all-reduce.ts'
import { absolutePercentageError, quantileSorted, summarizeErrors } from '../calibration/error-stats.ts'
import type { ErrorSummary } from '../calibration/format.ts'

/** The part of a row the fit reads: a group size, a message size and a time. */
export interface AllReduceTiming {
  readonly ranks: number
  readonly bytes: number
  readonly measuredUs: number
}

/** Median of a non-empty list. */
function median(values: readonly number[]): number {
  return quantileSorted([...values].sort((a, b) => a - b), 0.5)
}

/**
 * The non-decreasing sequence closest to `values` in weighted least squares (pool adjacent violators): each
 * run that falls is replaced by its weighted mean.
 */
export function monotoneFit(values: readonly number[], weights: readonly number[]): number[] {
  const blocks: { sum: number; weight: number; count: number }[] = []
  for (let i = 0; i < values.length; i++) {
    blocks.push({ sum: values[i]! * weights[i]!, weight: weights[i]!, count: 1 })
    while (blocks.length > 1 && blocks[blocks.length - 2]!.sum / blocks[blocks.length - 2]!.weight > blocks[blocks.length - 1]!.sum / blocks[blocks.length - 1]!.weight) {
      const last = blocks.pop()!
      const prev = blocks[blocks.length - 1]!
      prev.sum += last.sum
      prev.weight += last.weight
      prev.count += last.count
    }
  }
  return blocks.flatMap((b) => Array<number>(b.count).fill(b.sum / b.weight))
}

/** The curve through one rank count's rows: per size the median time, then made non-decreasing. */
export function fitCurve(ranks: number, rows: readonly AllReduceTiming[], source: string): AllReduceCurve {
  const bySize = new Map<number, number[]>()
  for (const r of rows) if (r.ranks === ranks) bySize.set(r.bytes, [...(bySize.get(r.bytes) ?? []), r.measuredUs * 1e-6])
  const sizes = [...bySize.keys()].sort((a, b) => a - b)
  const medians = sizes.map((b) => median(bySize.get(b)!))
  const counts = sizes.map((b) => bySize.get(b)!.length)
  const seconds = monotoneFit(medians, counts)
  const points: AllReducePoint[] = sizes.map((bytes, i) => ({ bytes, seconds: seconds[i]! }))
  return allReduceCurve(ranks, points, source)
}

/** Rank counts present in the rows, ascending. */
function rankCounts(rows: readonly AllReduceTiming[]): number[] {
  return [...new Set(rows.map((r) => r.ranks))].sort((a, b) => a - b)
}

/**
 * An all-reduce model fitted to rows of one GPU, mode and dtype: a curve per rank count measured. Its
 * `bandwidthScale` is 1: it answers for the GPUs it was measured on.
 */
export function fitAllReduceModel(rows: readonly AllReduceTiming[], name: string): AllReduceModel {
  const curves = rankCounts(rows).map((n) => fitCurve(n, rows, `fit to ${rows.filter((r) => r.ranks === n).length} measured rows`))
  if (curves.length === 0) throw new Error('fitAllReduceModel: no rows')
  return { name, curves, bandwidthScale: 1, source: `${name}: fitted to ${rows.length} measured rows` }
}

/** One row with the time predicted for it by a fit that did not see its message size. */
export interface HeldOutAllReduce {
  readonly row: AllReduceTiming
  readonly heldOutUs: number
}

/**
 * Leave-one-size-out predictions: for each rank count and each measured size strictly between its smallest
 * and largest (interpolation, which is what the model is for inside the measured range), the curve fitted
 * to every other size predicts that size's rows.
 */
export function heldOutAllReduce(rows: readonly AllReduceTiming[]): HeldOutAllReduce[] {
  const out: HeldOutAllReduce[] = []
  for (const ranks of rankCounts(rows)) {
    const own = rows.filter((r) => r.ranks === ranks)
    const sizes = [...new Set(own.map((r) => r.bytes))].sort((a, b) => a - b)
    for (const size of sizes.slice(1, -1)) {
      const curve = fitCurve(ranks, own.filter((r) => r.bytes !== size), 'held out')
      const predicted = curveSeconds(curve, size) * 1e6
      for (const row of own) if (row.bytes === size) out.push({ row, heldOutUs: predicted })
    }
  }
  return out
}

/** Median and p90 absolute percentage error of held-out predictions, per rank count and over all. */
export function heldOutAllReduceSummary(predictions: readonly HeldOutAllReduce[]): { readonly all: ErrorSummary; readonly byRanks: ReadonlyMap<number, ErrorSummary> } {
  const ape = (p: HeldOutAllReduce) => absolutePercentageError(p.heldOutUs, p.row.measuredUs)
  const byRanks = new Map<number, ErrorSummary>()
  for (const ranks of [...new Set(predictions.map((p) => p.row.ranks))].sort((a, b) => a - b))
    byRanks.set(ranks, summarizeErrors(predictions.filter((p) => p.row.ranks === ranks).map(ape)))
  return { all: summarizeErrors(predictions.map(ape)), byRanks }
}
