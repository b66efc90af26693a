/**
 * The calibration file: fitted efficiency parameters as data, named and
 * versioned, with the GPU and software they were measured on, the
 * measurements they came from, and the error of the fit on rows it saw and on
 * shapes it did not (cross-validation).
 */
import * as Schema from 'effect/Schema'
import { PrecisionSchema } from '../../blocks/schema.ts'

export const calibrationFormat = 'nas-sim-calibration'
export const calibrationVersion = 1

const Fraction = Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1, exclusiveMinimum: true }))
const Positive = Schema.Finite.check(Schema.isGreaterThan(0))
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))
const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** Head dimension (a positive integer, as a key) → speed relative to head dimension 128. */
const HeadDimSpeedsSchema = Schema.Record(Schema.String.check(Schema.isPattern(/^[1-9][0-9]*$/)), Positive)

const PrecisionParametersSchema = Schema.Struct({
  gemm: Schema.Struct({ computeFraction: Fraction, halfComputeTokens: Positive, halfComputeInputs: Positive, bandwidthFraction: Fraction, halfBandwidthTiles: Positive, overheadUs: NonNegative }),
  attentionPrefill: Schema.Struct({ computeFraction: Fraction, bandwidthFraction: Fraction, headDimSpeeds: HeadDimSpeedsSchema, overheadUs: NonNegative }),
  attentionDecode: Schema.Struct({
    computeFraction: Fraction,
    bandwidthFraction: Fraction,
    headDimComputeSpeeds: HeadDimSpeedsSchema,
    headDimBandwidthSpeeds: HeadDimSpeedsSchema,
    overheadUs: NonNegative,
  }),
  scanPrefill: Schema.Struct({ computeFraction: Fraction, bandwidthFraction: Fraction, overheadUs: NonNegative }),
  scanDecode: Schema.Struct({ computeFraction: Fraction, bandwidthFraction: Fraction, overheadUs: NonNegative }),
  elementwise: Schema.Struct({ bandwidthFraction: Fraction, overheadUs: NonNegative }),
})

/** Absolute percentage errors |predicted − measured| / measured × 100 over a set of rows. */
export const ErrorSummarySchema = Schema.Struct({
  rows: Count,
  /** Median, percent. */
  medianApe: NonNegative,
  /** 90th percentile, percent. */
  p90Ape: NonNegative,
})

export type ErrorSummary = typeof ErrorSummarySchema.Type

/** Held-out error of one block type, phase and dtype, for the calibrated model and the datasheet roofline. */
export const GroupErrorSchema = Schema.Struct({
  block: Schema.String,
  phase: Schema.Literals(['prefill', 'decode']),
  dtype: PrecisionSchema,
  rows: Count,
  medianApe: NonNegative,
  p90Ape: NonNegative,
  datasheet: Schema.Struct({ medianApe: NonNegative, p90Ape: NonNegative }),
})

export type GroupError = typeof GroupErrorSchema.Type

export const CalibrationSchema = Schema.Struct({
  format: Schema.Literal(calibrationFormat),
  version: Schema.Literal(calibrationVersion),
  /** What `--calibration` calls it, e.g. `h200-pytorch`. */
  name: Schema.NonEmptyString,
  /** nas-sim GPU id the measurements ran on, e.g. `h200`; the fractions are of this GPU's datasheet peaks. */
  gpu: Schema.NonEmptyString,
  software: Schema.Struct({
    /** PyTorch version(s) of the measurements. */
    torch: Schema.String,
    /** The implementations the rows record (GEMM library, attention backend, scan), each once. */
    implementations: Schema.Array(Schema.String),
  }),
  /** Day of the fit, ISO 8601. */
  created: Schema.String,
  measurements: Schema.Struct({
    /** The JSON-lines file fitted, as given to `calibrate`. */
    file: Schema.String,
    rows: Count,
    /** SHA-256 of the file's bytes, hex. */
    sha256: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^[0-9a-f]{64}$/))),
    /** Day(s) of the measurements. */
    dates: Schema.optionalKey(Schema.Array(Schema.String)),
  }),
  /** Launch costs of a whole serving step, fitted to whole-model timings (absent: the datasheet defaults). */
  step: Schema.optionalKey(
    Schema.Struct({
      graphLaunchUs: NonNegative,
      eagerLaunchUsPerKernel: NonNegative,
      /** How they were measured, in words. */
      method: Schema.String,
    }),
  ),
  /** Whole-model step timings fitted together with the block rows, when any. */
  modelSteps: Schema.optionalKey(
    Schema.Struct({
      file: Schema.String,
      cases: Schema.String,
      rows: Count,
      sha256: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^[0-9a-f]{64}$/))),
      models: Count,
    }),
  ),
  /** Where the parameters came from when not fitted to measurements of this GPU, e.g. "derived from h200-pytorch". */
  derivedFrom: Schema.optionalKey(Schema.String),
  /** Per math precision; a kernel whose precision is missing cannot be timed with this calibration. */
  parameters: Schema.Struct({
    bf16: Schema.optionalKey(PrecisionParametersSchema),
    fp16: Schema.optionalKey(PrecisionParametersSchema),
    fp8: Schema.optionalKey(PrecisionParametersSchema),
    fp4: Schema.optionalKey(PrecisionParametersSchema),
  }),
  fit: Schema.Struct({
    /** How the parameters were fitted and the error measured, in words. */
    method: Schema.String,
    /** Parameters the measurements did not determine (`dtype.family.field`); they hold their datasheet starting values. */
    unconstrained: Schema.Array(Schema.String),
    /** Error on the rows the parameters were fitted to (all of them). */
    train: ErrorSummarySchema,
    /** Error on shapes held out of the fit, by cross-validation over whole block shapes. */
    heldOut: Schema.Struct({
      ...ErrorSummarySchema.fields,
      /** Number of folds: each block shape was held out of exactly one fold's fit. */
      folds: Schema.Int.check(Schema.isGreaterThanOrEqualTo(2)),
      byBlockPhase: Schema.Array(GroupErrorSchema),
    }),
  }),
})

export type Calibration = typeof CalibrationSchema.Type
