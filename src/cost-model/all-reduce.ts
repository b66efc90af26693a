/**
 * All-reduce time by message size: a curve of published (bytes, seconds) points per rank count, read by
 * piecewise log-log interpolation. One α + β·bytes line cannot follow a real all-reduce: below about 1 MB the
 * time is a floor set by synchronisation, between 1 and 256 MB the bus bandwidth climbs by an order of magnitude
 * as the algorithm changes (one-shot, two-shot, ring, NVLink SHARP), and only then does it settle. Between two
 * published points the time follows a power law of the size; below the first point it is the floor; above the
 * last the bus bandwidth stays at its last value. The published figures are in `all-reduce-figures.ts`.
 */

/** One published timing: `bytes` of bf16 reduced in `seconds`. */
export interface AllReducePoint {
  readonly bytes: number
  readonly seconds: number
}

/** All-reduce time by message size on `ranks` GPUs. Points ascend in bytes, and their times never fall. */
export interface AllReduceCurve {
  readonly ranks: number
  readonly points: readonly AllReducePoint[]
  /** Where the points come from. */
  readonly source: string
}

/** A node's all-reduce: one curve per rank count that has figures, and how to read it for this node. */
export interface AllReduceModel {
  /** What runs the all-reduce, e.g. `engine (in CUDA graphs)` or `plain NCCL`. */
  readonly name: string
  /** Curves by rank count, ascending; at least one. */
  readonly curves: readonly AllReduceCurve[]
  /**
   * The node's NVLink bandwidth relative to that of the GPUs the curves were measured on. A message of b bytes
   * costs what b / scale bytes cost there: bandwidth scales, the small-message floor does not. 0 where the GPU
   * has no NVLink: tensor parallelism then has no modelled interconnect and takes forever.
   */
  readonly bandwidthScale: number
  /** Where the figures come from, in words. */
  readonly source: string
}

/** The ring factor 2(n−1)/n: each byte crosses the bus that many times; nccl-tests' bus bandwidth is algbw times this. */
export function ringFactor(ranks: number): number {
  return (2 * (ranks - 1)) / ranks
}

/** nccl-tests' bus bandwidth of one timing, bytes/s: 2(n−1)/n · bytes / seconds (nccl-tests doc/PERFORMANCE.md). */
export function busBandwidth(bytes: number, seconds: number, ranks: number): number {
  return (ringFactor(ranks) * bytes) / seconds
}

/** Why a curve's points cannot describe an all-reduce, or undefined: sizes must ascend and times be positive and never fall. */
export function curveProblem(points: readonly AllReducePoint[]): string | undefined {
  if (points.length === 0) return 'no points'
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!
    if (!(p.bytes > 0 && Number.isFinite(p.bytes))) return `point ${i}: bytes ${p.bytes} (must be positive)`
    if (!(p.seconds > 0 && Number.isFinite(p.seconds))) return `point ${i}: seconds ${p.seconds} (must be positive)`
    const prev = points[i - 1]
    if (prev !== undefined && p.bytes <= prev.bytes) return `point ${i}: bytes ${p.bytes} (must exceed the previous point's ${prev.bytes})`
    if (prev !== undefined && p.seconds < prev.seconds) return `point ${i}: seconds ${p.seconds} (less than the previous point's ${prev.seconds}: a larger message cannot be faster)`
  }
  return undefined
}

/** A curve, checked: its points are data in this repository or the output of a fit, so a bad one is a bug. */
export function allReduceCurve(ranks: number, points: readonly AllReducePoint[], source: string): AllReduceCurve {
  const problem = curveProblem(points)
  if (problem !== undefined) throw new Error(`all-reduce curve for ${ranks} ranks (${source}): ${problem}`)
  if (!Number.isInteger(ranks) || ranks < 2) throw new Error(`all-reduce curve: ranks ${ranks} (must be an integer of at least 2)`)
  return { ranks, points, source }
}

/** Time of one all-reduce of `bytes` on the curve's GPUs: the floor below the first point, log-log between points, the last bus bandwidth beyond. */
export function curveSeconds(curve: AllReduceCurve, bytes: number): number {
  const pts = curve.points
  const first = pts[0]!
  if (bytes <= first.bytes) return first.seconds
  for (let i = 1; i < pts.length; i++) {
    const hi = pts[i]!
    if (bytes <= hi.bytes) {
      const lo = pts[i - 1]!
      const slope = Math.log(hi.seconds / lo.seconds) / Math.log(hi.bytes / lo.bytes)
      return lo.seconds * Math.pow(bytes / lo.bytes, slope)
    }
  }
  const last = pts[pts.length - 1]!
  return last.seconds * (bytes / last.bytes)
}

/**
 * The curve that answers for `ranks`: its own, else the nearest rank count above it with figures (a larger
 * group is never faster at the same bus bandwidth), else the largest.
 */
export function curveFor(model: AllReduceModel, ranks: number): AllReduceCurve {
  let above: AllReduceCurve | undefined
  for (const c of model.curves) {
    if (c.ranks === ranks) return c
    if (c.ranks > ranks && (above === undefined || c.ranks < above.ranks)) above = c
  }
  return above ?? model.curves[model.curves.length - 1]!
}

/**
 * Seconds for one all-reduce of `bytes` over `ranks` GPUs. A rank count without its own curve keeps the bus
 * bandwidth of the curve that answers for it, which nccl-tests defines to be comparable across rank counts
 * (doc/PERFORMANCE.md), so its time scales by the ratio of ring factors; it never drops below that curve's floor.
 */
export function allReduceSeconds(model: AllReduceModel, bytes: number, ranks: number): number {
  if (ranks <= 1) return 0
  if (!(model.bandwidthScale > 0)) return Number.POSITIVE_INFINITY
  const curve = curveFor(model, ranks)
  const seconds = curveSeconds(curve, bytes / model.bandwidthScale)
  if (curve.ranks === ranks) return seconds
  return Math.max(curve.points[0]!.seconds, (seconds * ringFactor(ranks)) / ringFactor(curve.ranks))
}
