/**
 * Fits the parameters to measured block times. The profiler times whole
 * blocks, so the fit is on blocks: a block's predicted time is the sum of its
 * kernels' roofline times and overheads under the calibrated model, and the fit
 * minimises Σ log(predicted / measured)² over the rows (a relative error, so
 * a 20 µs block counts as much as a 20 ms one) by Levenberg–Marquardt, one
 * math precision at a time. A row's kernels run at its dtype except the SSM
 * scans, which run at bf16 or wider in every deployment (scanPrecision): an
 * fp8 row's scans are timed with the bf16 parameters, fitted first and held.
 */
import type { Precision } from '../../blocks/precision.ts'
import { InvalidInput } from '../../errors.ts'
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
  /** The precision of its weights, activations and cache; its kernels run at it, except the scans (bf16 or wider). */
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

/** The parameter set a kernel of this math precision is timed with (fp16 uses bf16's, as in calibratedEfficiency). */
const parameterSetOf = (math: Precision): Precision => (math === 'fp16' ? 'bf16' : math)

/** The parameter families a row runs at its own dtype (its bf16 scans in an fp8 row belong to the bf16 fit). */
function familiesOf(row: PreparedRow): Set<ParameterFamily> {
  const families = new Set<ParameterFamily>()
  for (const k of row.kernels) {
    if (parameterSetOf(k.math) !== parameterSetOf(row.dtype)) continue
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
 * `fixed` holds the already fitted parameters of other precisions that some
 * kernels of these rows run at (the bf16 scans of fp8 rows); they do not move.
 */
export function fitPrecision(
  rows: readonly PreparedRow[],
  system: SystemSpec,
  math: Precision,
  jointRows: readonly PreparedRow[] = [],
  fixed: CalibrationParameters = {},
): PrecisionFit {
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
      const model = calibratedEfficiency({ name: 'fit', parameters: { ...fixed, [math]: fromVector(x, slots, base) } })
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
  // bf16 first: other precisions' rows run their scans at bf16 and hold its parameters.
  const order = [...byDtype.keys()].sort((a, b) => Number(parameterSetOf(b) === 'bf16') - Number(parameterSetOf(a) === 'bf16') || a.localeCompare(b))
  for (const dtype of order) {
    const rowsOf = byDtype.get(dtype)!
    const needed = new Set(rowsOf.flatMap((r) => r.kernels.map((k) => parameterSetOf(k.math))))
    const missing = [...needed].find((p) => p !== parameterSetOf(dtype) && parameters[p] === undefined)
    if (missing !== undefined)
      throw new InvalidInput({ field: 'measurements', problem: `the ${dtype} rows run kernels at ${missing} (the SSM scans), but there are no ${missing} rows to fit them; measure ${missing} blocks too` })
    const fit = fitPrecision(rowsOf, system, dtype, jointRows.filter((r) => r.dtype === dtype), parameters)
    parameters[dtype] = fit.parameters
    unconstrained.push(...fit.unconstrained.map((name) => `${dtype}.${name}`))
  }
  return { parameters, unconstrained }
}
