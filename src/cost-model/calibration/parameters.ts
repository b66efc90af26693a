/**
 * The calibrated efficiency model's parameters: for each math precision, a
 * compute fraction, a bandwidth fraction and a fixed overhead per kernel kind
 * (attention and scan split by phase), plus a half-saturation point where the
 * shape matters. `calibrated-efficiency.ts` says how they turn into time.
 */
import type { Precision } from '../../blocks/precision.ts'

/** Weight GEMMs (projections, FFN matrices). */
export interface GemmParameters {
  /** Fraction of the dense tensor rate a GEMM approaches as M and K grow, (0, 1]. */
  readonly computeFraction: number
  /** M (tokens) at which the M factor of the compute fraction is ½. */
  readonly halfComputeTokens: number
  /** K (inputs) at which the K factor of the compute fraction is ½. */
  readonly halfComputeInputs: number
  /** Fraction of peak memory bandwidth a memory-bound GEMM (small M: weight streaming) approaches with many output tiles, (0, 1]. */
  readonly bandwidthFraction: number
  /** Independent 128 × 128 tiles, ⌈M/128⌉ · max(N, K)/128, at which a GEMM reaches half of `bandwidthFraction`. */
  readonly halfBandwidthTiles: number
  /** Fixed time per GEMM, microseconds. */
  readonly overheadUs: number
}

/**
 * Speed of attention kernels at each measured head dimension relative to head
 * dimension 128 (keys are head dims; 128 is the reference and absent).
 * Attention kernels are compiled per head dimension, and their speeds differ by
 * more than any smooth law in the head dimension would give.
 */
export type HeadDimSpeeds = { readonly [headDim: string]: number }

/** Attention over many new queries per sequence (prefill). */
export interface PrefillAttentionParameters {
  /** Fraction of the dense tensor rate at head dimension 128, (0, 1]. */
  readonly computeFraction: number
  /** Fraction of peak memory bandwidth when memory-bound (short sequences), (0, 1]. */
  readonly bandwidthFraction: number
  /** Both fractions are multiplied by the speed of the kernel's head dimension. */
  readonly headDimSpeeds: HeadDimSpeeds
  /** Fixed time per attention kernel, microseconds. */
  readonly overheadUs: number
}

/** Attention of one new token per sequence over its KV cache (decode). */
export interface DecodeAttentionParameters {
  /** Fraction of the dense tensor rate at head dimension 128: one query row per head leaves most of a tensor-core tile empty, so it is far below prefill's, (0, 1]. */
  readonly computeFraction: number
  /** Fraction of peak memory bandwidth at head dimension 128, (0, 1]. */
  readonly bandwidthFraction: number
  /** The compute fraction is multiplied by the compute speed of the kernel's head dimension. */
  readonly headDimComputeSpeeds: HeadDimSpeeds
  /** The bandwidth fraction is multiplied by the streaming speed of the kernel's head dimension. */
  readonly headDimBandwidthSpeeds: HeadDimSpeeds
  /** Fixed time per attention kernel, microseconds. */
  readonly overheadUs: number
}

/** A kernel with a compute rate, a bandwidth and an overhead and no shape dependence (the SSM scans). */
export interface RooflineParameters {
  /** Fraction of the dense tensor rate, (0, 1]. */
  readonly computeFraction: number
  /** Fraction of peak memory bandwidth, (0, 1]. */
  readonly bandwidthFraction: number
  /** Fixed time per kernel, microseconds. */
  readonly overheadUs: number
}

/** Element-wise kernels (norms, activations, residual adds): they stream memory and never reach a compute bound. */
export interface StreamingParameters {
  /** Fraction of peak memory bandwidth, (0, 1]. */
  readonly bandwidthFraction: number
  /** Fixed time per kernel, microseconds. */
  readonly overheadUs: number
}

/** Every kernel family's parameters for one math precision. */
export interface PrecisionParameters {
  readonly gemm: GemmParameters
  readonly attentionPrefill: PrefillAttentionParameters
  readonly attentionDecode: DecodeAttentionParameters
  readonly scanPrefill: RooflineParameters
  readonly scanDecode: RooflineParameters
  readonly elementwise: StreamingParameters
}

/** Parameters per math precision; a calibration holds the precisions its measurements covered. */
export type CalibrationParameters = { readonly [P in Precision]?: PrecisionParameters }

/** The families in `PrecisionParameters`, in the order the fit lays them out. */
export const parameterFamilies = ['gemm', 'attentionPrefill', 'attentionDecode', 'scanPrefill', 'scanDecode', 'elementwise'] as const

export type ParameterFamily = (typeof parameterFamilies)[number]
