/**
 * The calibrated efficiency model. Each kernel still takes roofline time,
 * max(FLOPs / (peak × compute fraction), bytes / (bandwidth × bandwidth
 * fraction)) + overhead, with fractions and overheads fitted per kernel family
 * and math precision, and these shape effects:
 * - a GEMM's compute fraction is f · M/(M + M½) · K/(K + K½): besides its
 *   2·M·N·K FLOPs a GEMM pays work in proportion to its weights N·K (a small-M
 *   GEMM leaves tensor-core tiles partly empty) and to its outputs M·N (the
 *   epilogue that writes them is not overlapped with the main loop);
 * - a GEMM's bandwidth fraction grows with its independent 128 × 128 tiles
 *   T = ⌈M/128⌉ · max(N, K)/128 (K counts when split-K applies) as
 *   b · T / (T + T½): a weight-streaming GEMM with few tiles runs on few SMs;
 * - attention's fractions are scaled by a fitted speed per head dimension
 *   (relative to 128, the product capped at 1), since attention kernels are
 *   compiled per head dimension,
 *   and prefill's compute fraction by (S / S padded to a multiple of 128)², as
 *   attention kernels compute whole 128 × 128 score tiles;
 *   decode attention has its own compute fraction, far below prefill's (one
 *   query row per head fills little of a tensor-core tile), and separate compute
 *   and streaming speeds per head dimension.
 * Evaluation is a few multiplications per kernel, as the search's inner loop needs.
 */
import type { Kernel } from '../../blocks/work.ts'
import type { Precision } from '../../blocks/precision.ts'
import { InvalidInput } from '../../errors.ts'
import { datasheetFractions, type EfficiencyModel } from '../efficiency.ts'
import { datasheetStepOverhead, type StepOverheadParameters } from '../step-overhead.ts'
import { headDimSpeed } from './head-dim-speed.ts'
import type { CalibrationParameters, ParameterFamily, PrecisionParameters } from './parameters.ts'

const microsecond = 1e-6

/** value · x / (x + half): 0 at x = 0, half of `value` at `half`, `value` as x grows. */
function saturating(value: number, x: number, half: number): number {
  return (value * x) / (x + half)
}

/** Tile edge of GEMM and attention kernels: 128, the common Hopper tensor-core tile (CUTLASS's 128 × 128 × 64 GEMM tile; FlashAttention-3's 128-row query tiles). */
const tileEdge = 128

/**
 * Independent pieces of work of an M × N × K GEMM, in 128 × 128 tiles: ⌈M/128⌉
 * rows of tiles across the wider of N and K, since when the weight is taller
 * than wide (K > N) GEMM libraries split K across thread blocks (split-K) to
 * occupy the SMs.
 */
function parallelTiles(m: number, n: number, k: number): number {
  return (Math.ceil(m / tileEdge) * Math.max(n, k)) / tileEdge
}

/**
 * Share of the computed score tiles that a prefill of S tokens uses: attention
 * kernels compute whole 128 × 128 tiles of the S × S score matrix, so a short
 * sequence pays as if padded to a multiple of 128 in queries and in keys.
 */
function scoreTileUse(queries: number): number {
  const used = queries / (tileEdge * Math.ceil(queries / tileEdge))
  return used * used
}

/** Attention or scan work for one new token per sequence is decode; a kernel without a shape counts as prefill. */
function isDecode(k: Kernel): boolean {
  const queries = k.attention?.queries ?? k.scan?.queries
  return queries === 1
}

/** Which parameter family times a kernel; communication has none (the all-reduce model times it). */
export function familyOf(k: Kernel): ParameterFamily | undefined {
  switch (k.kind) {
    case 'gemm':
    case 'elementwise':
      return k.kind
    case 'attention':
      return isDecode(k) ? 'attentionDecode' : 'attentionPrefill'
    case 'scan':
      return isDecode(k) ? 'scanDecode' : 'scanPrefill'
    case 'communication':
      return undefined
  }
}

/**
 * The parameters for a kernel's math precision. fp16 kernels use the bf16
 * parameters: Hopper and Ampere tensor cores run both at one rate (H100/H200
 * datasheets list equal FP16 and BF16 TFLOPS) with the same 2-byte elements.
 */
function parametersFor(name: string, parameters: CalibrationParameters, math: Precision): PrecisionParameters {
  const p = parameters[math] ?? (math === 'fp16' ? parameters.bf16 : undefined)
  if (p === undefined) {
    const fitted = Object.keys(parameters).join(', ')
    throw new InvalidInput({ field: '--calibration', problem: `${name} has no ${math} parameters (it was fitted for ${fitted}); measure ${math} blocks and calibrate again, or drop --calibration` })
  }
  return p
}

/** An efficiency model from fitted parameters; `name` is shown in every output. Step launch costs default to the datasheet's when the calibration has none. */
export function calibratedEfficiency(cal: {
  readonly name: string
  readonly parameters: CalibrationParameters
  readonly step?: StepOverheadParameters
  readonly derivedFrom?: string
}): EfficiencyModel {
  const of = (k: Kernel) => parametersFor(cal.name, cal.parameters, k.math)
  return {
    name: cal.name,
    source: 'calibrated',
    step: cal.step ?? datasheetStepOverhead,
    ...(cal.derivedFrom === undefined ? {} : { derivedFrom: cal.derivedFrom }),
    computeFraction: (k) => {
      switch (k.kind) {
        case 'gemm': {
          const g = of(k).gemm
          if (k.gemm === undefined) return g.computeFraction
          return saturating(g.computeFraction, k.gemm.m, g.halfComputeTokens) * saturating(1, k.gemm.k, g.halfComputeInputs)
        }
        case 'attention': {
          if (isDecode(k)) {
            const a = of(k).attentionDecode
            return Math.min(1, a.computeFraction * headDimSpeed(a.headDimComputeSpeeds, k.attention?.headDim))
          }
          const a = of(k).attentionPrefill
          const fraction = Math.min(1, a.computeFraction * headDimSpeed(a.headDimSpeeds, k.attention?.headDim))
          return k.attention === undefined ? fraction : fraction * scoreTileUse(k.attention.queries)
        }
        case 'scan':
          return (isDecode(k) ? of(k).scanDecode : of(k).scanPrefill).computeFraction
        case 'elementwise':
        case 'communication':
          return datasheetFractions[k.kind].compute
      }
    },
    bandwidthFraction: (k) => {
      switch (k.kind) {
        case 'gemm': {
          const g = of(k).gemm
          if (k.gemm === undefined) return g.bandwidthFraction
          return saturating(g.bandwidthFraction, parallelTiles(k.gemm.m, k.gemm.n, k.gemm.k), g.halfBandwidthTiles)
        }
        case 'attention': {
          if (isDecode(k)) {
            const a = of(k).attentionDecode
            return Math.min(1, a.bandwidthFraction * headDimSpeed(a.headDimBandwidthSpeeds, k.attention?.headDim))
          }
          const a = of(k).attentionPrefill
          return Math.min(1, a.bandwidthFraction * headDimSpeed(a.headDimSpeeds, k.attention?.headDim))
        }
        case 'scan':
          return (isDecode(k) ? of(k).scanDecode : of(k).scanPrefill).bandwidthFraction
        case 'elementwise':
          return of(k).elementwise.bandwidthFraction
        case 'communication':
          return datasheetFractions.communication.bandwidth
      }
    },
    overheadSeconds: (k) => {
      switch (k.kind) {
        case 'gemm':
          return of(k).gemm.overheadUs * microsecond
        case 'attention':
          return (isDecode(k) ? of(k).attentionDecode : of(k).attentionPrefill).overheadUs * microsecond
        case 'scan':
          return (isDecode(k) ? of(k).scanDecode : of(k).scanPrefill).overheadUs * microsecond
        case 'elementwise':
          return of(k).elementwise.overheadUs * microsecond
        case 'communication':
          return datasheetFractions.communication.overheadSeconds
      }
    },
  }
}
