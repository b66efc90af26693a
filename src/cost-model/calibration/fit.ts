/**
 * Fits the parameters to measured block times. The profiler times whole
 * blocks, so the fit is on blocks: a block's predicted time is the sum of its
 * kernels' roofline times and overheads under the calibrated model, and the fit
 * minimises Σ log(predicted / measured)² over the rows (a relative error, so
 * a 20 µs block counts as much as a 20 ms one) by Levenberg–Marquardt, one
 * math precision at a time (a row's kernels all run at its dtype).
 */
import type { Precision } from '../../blocks/precision.ts'
import { blockModel } from '../../blocks/registry.ts'
import type { Kernel } from '../../blocks/work.ts'
import { timeKernels } from '../block-cost.ts'
import { kernelSeconds } from '../roofline.ts'
import { deployment } from '../deployment.ts'
import type { EfficiencyModel } from '../efficiency.ts'
import type { SystemSpec } from '../hardware/system.ts'
import { queryShape } from '../predict.ts'
import { calibratedEfficiency, familyOf } from './calibrated-efficiency.ts'
import { levenbergMarquardt, type LeastSquaresResult } from './levenberg-marquardt.ts'
import type { Measurement } from './measurements.ts'
import { fromVector, isFractionSlot, parameterValue, slotName, slotsOf, toVector, type ParameterSlot } from './parameter-vector.ts'
import { parameterFamilies, type CalibrationParameters, type ParameterFamily, type PrecisionParameters } from './parameters.ts'
import { startingParameters } from './starting-point.ts'

/** A timed piece of work with its kernels worked out once (the fit times them many times): a block, or a whole model's step. */
export interface PreparedRow {
  /** The precision all its kernels run at. */
  readonly dtype: Precision
  readonly kernels: readonly Kernel[]
  /** How many times each kernel runs; once each when absent (a block). */
  readonly counts?: readonly number[]
  /** Weight of the row's residual in the joint fit; 1 when absent. */
  readonly weight?: number
  readonly measuredSeconds: number
}

/** A block measurement, prepared. */
export interface PreparedBlockRow extends PreparedRow {
  readonly measurement: Measurement
}

/** The kernels `predict` times for a row: its dtype for weights, activations and cache, on one GPU. */
export function prepareRow(m: Measurement): PreparedBlockRow {
  const precision = { weights: m.dtype, activations: m.dtype, kv: m.dtype }
  return { measurement: m, dtype: m.dtype, kernels: blockModel(m.block).work(m.block, queryShape(m), { precision, tp: 1 }), measuredSeconds: m.measuredUs * 1e-6 }
}

/** A row's predicted time under an efficiency model, seconds. */
export function predictedSeconds(row: PreparedRow, system: SystemSpec, efficiency: EfficiencyModel): number {
  const dtype = row.dtype
  const d = deployment(system, { weights: dtype, activations: dtype, kv: dtype }, { efficiency })
  if (row.counts === undefined) return timeKernels(row.kernels, d).seconds
  let seconds = 0
  for (let i = 0; i < row.kernels.length; i++) seconds += row.counts[i]! * kernelSeconds(row.kernels[i]!, d)
  return seconds
}

export interface PrecisionFit {
  readonly parameters: PrecisionParameters
  /** Parameters no row depends on (`family.field[.key]`): of families no row contains, or no row binds; they keep their starting (datasheet) values. */
  readonly unconstrained: readonly string[]
}

/** The parameter families whose kernels a row runs. */
function familiesOf(row: PreparedRow): Set<ParameterFamily> {
  const families = new Set<ParameterFamily>()
  for (const k of row.kernels) {
    const family = familyOf(k)
    if (family !== undefined) families.add(family)
  }
  return families
}

/** One step of the fit: the families it moves and the rows it fits them to. */
export interface FitStage<R extends PreparedRow = PreparedRow> {
  readonly families: readonly ParameterFamily[]
  readonly rows: readonly R[]
}

const familyOrder = (f: ParameterFamily) => parameterFamilies.indexOf(f)

/**
 * Families are fitted in the order of the simplest blocks that contain them:
 * first those of the rows with the fewest families (GEMM and element-wise, from
 * linear and FFN blocks), then, holding those, each family that the next rows add
 * (attention from attention blocks, the scans from Mamba-2 blocks). A stage fits to
 * every row whose families are all fitted by then, so a family is never pulled
 * by the misfit of kernels it does not time. A last joint fit of all families to
 * all rows then starts from there (see fitPrecision).
 */
export function fitStages<R extends PreparedRow>(rows: readonly R[]): FitStage<R>[] {
  const families = rows.map(familiesOf)
  const fitted = new Set<ParameterFamily>()
  const stages: FitStage<R>[] = []
  for (;;) {
    const newSets = families.map((f) => [...f].filter((x) => !fitted.has(x)).sort((a, b) => familyOrder(a) - familyOrder(b))).filter((f) => f.length > 0)
    if (newSets.length === 0) return stages
    const next = newSets.reduce((best, f) => (f.length < best.length || (f.length === best.length && familyOrder(f[0]!) < familyOrder(best[0]!)) ? f : best))
    for (const f of next) fitted.add(f)
    stages.push({ families: next, rows: rows.filter((_, i) => [...families[i]!].every((f) => fitted.has(f))) })
  }
}

/**
 * Scale of the extra starting points: the half points and overheads a factor 4
 * below and above the start. Where a compute term and a memory term can explain the same
 * rows (a GEMM's M½ and its bandwidth), least squares from one start can settle
 * in the wrong one; the best of three starts is kept.
 */
const restartFactor = 4

/** Half points and overheads are restarted; fractions and head-dim speeds (ratios near 1) are not. */
const isRestarted = (slot: ParameterSlot) => slot.key === undefined && !isFractionSlot(slot)

function restarts(start: readonly number[], slots: readonly ParameterSlot[]): number[][] {
  const shifted = (sign: number) => start.map((v, i) => (isRestarted(slots[i]!) ? v + sign * Math.log(restartFactor) : v))
  return [start.slice(), shifted(-1), shifted(1)]
}

/** A fraction within this of 0 or 1, or a positive value below it, sits on its bound: the rows push it there, so it is determined. */
const boundTolerance = 1e-3

function atBound(slot: ParameterSlot, value: number): boolean {
  return isFractionSlot(slot) ? value < boundTolerance || value > 1 - boundTolerance : value < boundTolerance
}

/**
 * Fits one math precision's parameters to rows that all run at it: stage by
 * stage on `rows`, then all together on `rows` and `jointRows` (whole-model
 * steps, which hold every family at once and so join only the joint fit).
 */
export function fitPrecision(rows: readonly PreparedRow[], system: SystemSpec, math: Precision, jointRows: readonly PreparedRow[] = []): PrecisionFit {
  const headDims = rows.flatMap((r) => r.kernels.flatMap((k) => (k.attention === undefined ? [] : [k.attention.headDim])))
  let parameters = startingParameters(math, headDims)
  const stages = fitStages(rows)
  // The staged fit is the start of a last joint fit of every family to every row.
  const joint = { families: stages.flatMap((stage) => stage.families), rows: [...rows, ...jointRows] }
  let free: ParameterSlot[] = []
  for (const stage of [...stages, joint]) {
    const base = parameters
    const slots = slotsOf(stage.families, base)
    const residuals = (x: readonly number[]) => {
      const model = calibratedEfficiency({ name: 'fit', parameters: { [math]: fromVector(x, slots, base) } })
      const r = new Float64Array(stage.rows.length)
      stage.rows.forEach((row, i) => {
        r[i] = (row.weight ?? 1) * Math.log(predictedSeconds(row, system, model) / row.measuredSeconds)
      })
      return r
    }
    const start = toVector(base, slots)
    let best: LeastSquaresResult | undefined
    for (const x0 of stage === joint ? [start] : restarts(start, slots)) {
      const result = levenbergMarquardt(residuals, x0)
      if (best === undefined || result.cost < best.cost) best = result
    }
    parameters = fromVector(best!.x, slots, base)
    // Parameters no row depends on (a head dim whose decode rows are all compute-bound has no say in its streaming speed).
    const fitted = parameters
    if (stage === joint) free = slots.filter((slot, i) => best!.sensitivity[i] === 0 && !atBound(slot, parameterValue(fitted, slot)))
  }
  const seen = new Set(joint.families)
  const unconstrained = [...slotsOf(parameterFamilies.filter((f) => !seen.has(f)), parameters), ...free].map(slotName)
  return { parameters, unconstrained }
}

export interface ParametersFit {
  readonly parameters: CalibrationParameters
  /** Per precision, the parameters the rows did not determine, as `bf16.scanDecode.overheadUs`. */
  readonly unconstrained: readonly string[]
}

/** Fits every precision the rows cover; `jointRows` (whole-model steps) join each precision's joint fit. */
export function fitParameters(rows: readonly PreparedRow[], system: SystemSpec, jointRows: readonly PreparedRow[] = []): ParametersFit {
  const byDtype = new Map<Precision, PreparedRow[]>()
  for (const row of rows) {
    const group = byDtype.get(row.dtype)
    if (group === undefined) byDtype.set(row.dtype, [row])
    else group.push(row)
  }
  const parameters: { [P in Precision]?: PrecisionParameters } = {}
  const unconstrained: string[] = []
  for (const dtype of [...byDtype.keys()].sort()) {
    const fit = fitPrecision(byDtype.get(dtype)!, system, dtype, jointRows.filter((r) => r.dtype === dtype))
    parameters[dtype] = fit.parameters
    unconstrained.push(...fit.unconstrained.map((name) => `${dtype}.${name}`))
  }
  return { parameters, unconstrained }
}
