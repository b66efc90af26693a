/**
 * Measurements → calibration: fit on all rows for the shipped parameters, and
 * k-fold cross-validation over whole block shapes for the error a user should
 * expect on shapes nobody measured. Reads as: check → prepare → cross-validate
 * → fit all → summarise.
 */
import * as Result from 'effect/Result'
import { InvalidInput } from '../../errors.ts'
import { datasheetEfficiency } from '../efficiency.ts'
import { findSystem } from '../hardware/lookup.ts'
import type { SystemSpec } from '../hardware/system.ts'
import { calibratedEfficiency } from './calibrated-efficiency.ts'
import { absolutePercentageError, summarizeErrors } from './error-stats.ts'
import { fitParameters, predictedSeconds, prepareRow, type PreparedRow } from './fit.ts'
import { foldOf, foldOfKey } from './folds.ts'
import { fitStepOverhead, type PreparedStepRow } from './model-steps.ts'
import type { StepOverheadParameters } from '../step-overhead.ts'
import { calibrationFormat, calibrationVersion, type Calibration, type GroupError } from './format.ts'
import type { Measurement } from './measurements.ts'
import { mapParameters } from './parameter-vector.ts'
import type { CalibrationParameters } from './parameters.ts'

export interface FitCalibrationOptions {
  /** What `--calibration` will call it, e.g. `h200-pytorch`. */
  readonly name: string
  /** Cross-validation folds; each holds out about 1/folds of the block shapes. Default 5. */
  readonly folds?: number
  /** The measurements file as given, and the SHA-256 of its bytes. */
  readonly source: { readonly file: string; readonly sha256?: string }
  /** Day of the fit, ISO 8601. Default: today (UTC). */
  readonly created?: string
  /** Called before each of the folds + 1 fits (the last on every row), so that a long calibration can show it is moving. */
  readonly onFit?: (fit: { readonly index: number; readonly count: number; readonly heldOutFold?: number }) => void
  /** Whole-model step timings to fit together with the blocks (joint stage), held out by architecture. */
  readonly modelSteps?: {
    readonly rows: readonly PreparedStepRow[]
    /** The step and cases files as given, and the SHA-256 of the steps file. */
    readonly file: string
    readonly cases: string
    readonly sha256?: string
  }
}

/** One whole-model step's prediction three ways, seconds of GPU time. */
export interface StepPredictions {
  readonly row: PreparedStepRow
  /** The fold that held this row's architecture out. */
  readonly fold: number
  readonly datasheetSeconds: number
  readonly fittedSeconds: number
  readonly heldOutSeconds: number
}

/** One row's prediction three ways, microseconds. */
export interface RowPredictions {
  readonly measurement: Measurement
  /** The fold that held this row's block shape out. */
  readonly fold: number
  readonly datasheetUs: number
  /** From the parameters fitted to all rows (this row included). */
  readonly fittedUs: number
  /** From the parameters fitted without this row's block shape. */
  readonly heldOutUs: number
}

export interface CalibrationRun {
  readonly calibration: Calibration
  readonly rows: readonly RowPredictions[]
  readonly steps: readonly StepPredictions[]
  /** Per fold, the parameters fitted without that fold's block shapes and architectures, and the step launch costs of its training steps. */
  readonly foldCalibrations: readonly { readonly parameters: CalibrationParameters; readonly step?: StepOverheadParameters }[]
}

export const defaultFolds = 5

/** Fitted values keep four significant digits: the file stays readable and the stated errors are those of the written numbers. */
const significantDigits = 4
/** Overheads (µs) keep three decimals, a nanosecond, far below what a CUDA-event timing resolves; a fitted 1e-30 µs is written as 0. */
const overheadDecimals = 3

function rounded(v: number, field: string): number {
  return field.endsWith('Us') ? Number(v.toFixed(overheadDecimals)) : Number(v.toPrecision(significantDigits))
}

function roundParameters(p: CalibrationParameters): CalibrationParameters {
  return Object.fromEntries(Object.entries(p).map(([dtype, params]) => [dtype, mapParameters(params, rounded)]))
}

const stepMethod =
  'graphLaunchUs: median over the whole-model steps of (the step graph’s event time without a GPU sleep before it − with one); ' +
  'eagerLaunchUsPerKernel: median over the steps also run without a graph (one-sequence decode, bound by the host’s launches) of the eager wall time over nas-sim’s kernel count of the step.'

function methodText(folds: number): string {
  return (
    'Each kernel takes max(FLOPs / (peak × compute fraction), bytes / (bandwidth × bandwidth fraction)) + overhead, ' +
    'with a compute fraction, a bandwidth fraction and an overhead per kernel family (GEMM, prefill and decode attention, ' +
    'prefill and decode scan, element-wise) and math precision. Shape effects: a GEMM’s compute fraction is ' +
    'f·M/(M+M½)·K/(K+K½) and its bandwidth fraction b·T/(T+T½) in its independent 128×128 tiles T = ⌈M/128⌉·max(N, K)/128 ' +
    '(K counts when split-K applies); attention’s fractions are scaled by fitted speeds per head dimension relative to 128 (for decode, separate ' +
    'compute and streaming speeds), and prefill’s compute fraction by (S / S padded to a multiple of 128)² for whole 128×128 score tiles. ' +
    'A block’s time is ' +
    'the sum of its kernels’. The parameters of each precision are fitted to the measured block times by Levenberg–Marquardt ' +
    'least squares on log(predicted / measured), starting from the datasheet efficiencies: first GEMM and element-wise ' +
    'parameters on the blocks made only of those (linear, FFN), then each further family on the blocks that add it ' +
    '(attention, Mamba-2) with the earlier ones held, each stage from three starts (half points and overheads ×¼, ×1, ×4) ' +
    'keeping the best, then all parameters jointly on all rows; parameters no row depends on keep their starting values ' +
    'and are listed as unconstrained. ' +
    'The SSM scans (and the SSD’s element-wise pieces) run at bf16 in every deployment, whatever the GEMM precision, so the fp8 ' +
    'rows time them with the bf16 parameters, fitted first and held; the fp8 scan parameters are unused and left unconstrained. ' +
    `Held-out error: ${folds}-fold cross-validation over whole block shapes (every row of one block spec in the same fold, ` +
    'assigned by a hash of the spec), each fold predicted by a fit to the other folds; the shipped parameters are fitted to all rows. ' +
    'Whole-model step timings, when given, join the last joint fit (a step’s predicted time is the sum of all its kernels: blocks, RoPE, ' +
    'cache writes, embedding, final norm, LM head, sampling) and are held out by architecture (every step of one model in the same fold).'
  )
}

const blockOrder = ['attention', 'linear', 'ffn', 'mamba2']
const phaseOrder = ['prefill', 'decode']

/** Held-out errors per block type, phase and dtype, for the calibrated model and the datasheet roofline. */
export function groupErrors(rows: readonly RowPredictions[]): GroupError[] {
  const groups = new Map<string, RowPredictions[]>()
  for (const r of rows) {
    const key = `${r.measurement.block.type}/${r.measurement.phase}/${r.measurement.dtype}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [r])
    else group.push(r)
  }
  const rank = (block: string, phase: string, dtype: string) => [blockOrder.indexOf(block), phaseOrder.indexOf(phase), dtype] as const
  return [...groups.values()]
    .map((g): GroupError => {
      const m = g[0]!.measurement
      const held = summarizeErrors(g.map((r) => absolutePercentageError(r.heldOutUs, r.measurement.measuredUs)))
      const sheet = summarizeErrors(g.map((r) => absolutePercentageError(r.datasheetUs, r.measurement.measuredUs)))
      return { block: m.block.type, phase: m.phase, dtype: m.dtype, ...held, datasheet: { medianApe: sheet.medianApe, p90Ape: sheet.p90Ape } }
    })
    .sort((a, b) => {
      const [ab, ap, ad] = rank(a.block, a.phase, a.dtype)
      const [bb, bp, bd] = rank(b.block, b.phase, b.dtype)
      return ab - bb || ap - bp || (ad < bd ? -1 : ad > bd ? 1 : 0)
    })
}

/** The one GPU all rows ran on. */
function gpuOf(rows: readonly Measurement[]): SystemSpec {
  const ids = [...new Set(rows.map((r) => r.gpu))]
  if (ids.length === 0) throw new InvalidInput({ field: 'measurements', problem: 'no rows to fit' })
  if (ids.length !== 1) throw new InvalidInput({ field: 'gpu', problem: `the rows mix ${ids.join(', ')}; calibrate one GPU at a time` })
  const system = findSystem(ids[0]!)
  if (Result.isFailure(system)) throw system.failure
  return system.success
}

function distinctSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort()
}

function microseconds(row: PreparedRow, system: SystemSpec, parameters: CalibrationParameters, name: string): number {
  return predictedSeconds(row, system, calibratedEfficiency({ name, parameters })) * 1e6
}

/**
 * Fits a calibration and cross-validates it, returning each row's predictions too.
 * @throws InvalidInput when the rows mix GPUs, or hold too few shapes for the folds.
 */
export function runCalibration(measurements: readonly Measurement[], options: FitCalibrationOptions): CalibrationRun {
  const folds = options.folds ?? defaultFolds
  if (!Number.isInteger(folds) || folds < 2) throw new InvalidInput({ field: 'folds', problem: `${folds} (need an integer of at least 2)` })
  const system = gpuOf(measurements)
  const rows = measurements.map(prepareRow)
  const foldOfRow = rows.map((r) => foldOf(r.measurement.block, folds))
  const stepRows = options.modelSteps?.rows ?? []
  const foldOfStep = stepRows.map((r) => foldOfKey(r.model.id, folds))

  const heldOutUs = new Array<number>(rows.length).fill(Number.NaN)
  const heldOutStep = new Array<number>(stepRows.length).fill(Number.NaN)
  const foldCalibrations: { parameters: CalibrationParameters; step?: StepOverheadParameters }[] = []
  for (let fold = 0; fold < folds; fold++) {
    const train = rows.filter((_, i) => foldOfRow[i] !== fold)
    const trainSteps = stepRows.filter((_, i) => foldOfStep[i] !== fold)
    const test = rows.map((r, i) => ({ r, i })).filter(({ i }) => foldOfRow[i] === fold)
    options.onFit?.({ index: fold + 1, count: folds + 1, heldOutFold: fold + 1 })
    const parameters = roundParameters(fitParameters(train, system, trainSteps).parameters)
    foldCalibrations.push({ parameters, ...(trainSteps.length === 0 ? {} : { step: fitStepOverhead(trainSteps) }) })
    stepRows.forEach((r, i) => {
      if (foldOfStep[i] === fold) heldOutStep[i] = microseconds(r, system, parameters, options.name) * 1e-6
    })
    for (const { r, i } of test) {
      if (parameters[r.measurement.dtype] === undefined)
        throw new InvalidInput({ field: 'folds', problem: `${folds} leaves no ${r.measurement.dtype} shape to fit fold ${fold + 1}; measure more ${r.measurement.dtype} shapes or use fewer folds` })
      heldOutUs[i] = microseconds(r, system, parameters, options.name)
    }
  }

  options.onFit?.({ index: folds + 1, count: folds + 1 })
  const all = fitParameters(rows, system, stepRows)
  const parameters = roundParameters(all.parameters)
  const steps: StepPredictions[] = stepRows.map((row, i) => ({
    row,
    fold: foldOfStep[i]!,
    datasheetSeconds: predictedSeconds(row, system, datasheetEfficiency),
    fittedSeconds: microseconds(row, system, parameters, options.name) * 1e-6,
    heldOutSeconds: heldOutStep[i]!,
  }))
  const ms = options.modelSteps
  const predictions: RowPredictions[] = rows.map((r, i) => ({
    measurement: r.measurement,
    fold: foldOfRow[i]!,
    datasheetUs: predictedSeconds(r, system, datasheetEfficiency) * 1e6,
    fittedUs: microseconds(r, system, parameters, options.name),
    heldOutUs: heldOutUs[i]!,
  }))
  const ape = (predicted: (r: RowPredictions) => number) => predictions.map((r) => absolutePercentageError(predicted(r), r.measurement.measuredUs))

  const calibration: Calibration = {
    format: calibrationFormat,
    version: calibrationVersion,
    name: options.name,
    gpu: system.gpu.id,
    software: { torch: distinctSorted(measurements.map((m) => m.torch)).join(', '), implementations: distinctSorted(measurements.map((m) => m.impl)) },
    created: options.created ?? new Date().toISOString().slice(0, 10),
    measurements: {
      file: options.source.file,
      rows: measurements.length,
      ...(options.source.sha256 === undefined ? {} : { sha256: options.source.sha256 }),
      dates: distinctSorted(measurements.map((m) => m.date)),
    },
    ...(ms === undefined || stepRows.length === 0
      ? {}
      : {
          step: { ...fitStepOverhead(stepRows), method: stepMethod },
          modelSteps: { file: ms.file, cases: ms.cases, rows: stepRows.length, ...(ms.sha256 === undefined ? {} : { sha256: ms.sha256 }), models: new Set(stepRows.map((r) => r.model.id)).size },
        }),
    parameters,
    fit: {
      method: methodText(folds),
      unconstrained: all.unconstrained,
      train: summarizeErrors(ape((r) => r.fittedUs)),
      heldOut: { ...summarizeErrors(ape((r) => r.heldOutUs)), folds, byBlockPhase: groupErrors(predictions) },
    },
  }
  return { calibration, rows: predictions, steps, foldCalibrations }
}

/** Fits a calibration to measurements of one GPU; see {@link runCalibration}. */
export function fitCalibration(measurements: readonly Measurement[], options: FitCalibrationOptions): Calibration {
  return runCalibration(measurements, options).calibration
}
