/**
 * Where the fit starts: the datasheet efficiencies (efficiency.ts), so that a
 * family the measurements do not constrain keeps its datasheet value. The
 * half-saturation points have no datasheet value; they start at one tile or
 * wave of work and the fit moves them.
 */
import type { Precision } from '../../blocks/precision.ts'
import { datasheetEfficiency, datasheetFractions } from '../efficiency.ts'
import { referenceHeadDim } from './head-dim-speed.ts'
import type { PrecisionParameters } from './parameters.ts'

/** Start of the GEMM half points M½ and K½: 128, the tile edge of Hopper tensor-core GEMM kernels (CUTLASS tile shapes). */
const startHalfTile = 128
/** Start of the GEMM's half point in tiles: 132, one per SM of an H100/H200 SXM (NVIDIA Hopper architecture whitepaper). */
const startHalfParallelism = 132

/**
 * Decode attention's compute starts at prefill's fraction over 64: one query row per head fills one of
 * the 64 rows of a Hopper tensor-core (wgmma) tile (NVIDIA PTX ISA, wgmma shapes m64nNk16). Starting it
 * low lets the fit see the rows it binds (a compute fraction that binds no row has no gradient).
 */
const startDecodeTileRows = 64

const microseconds = 1e6

/** The start for `math`, with a speed of 1 for each head dimension the measurements hold (besides the reference 128). */
export function startingParameters(math: Precision, headDims: readonly number[] = []): PrecisionParameters {
  const headDimSpeeds = Object.fromEntries([...new Set(headDims)].filter((d) => d !== referenceHeadDim).sort((a, b) => a - b).map((d) => [String(d), 1]))
  const gemmCompute = datasheetEfficiency.computeFraction({ name: 'gemm', kind: 'gemm', flops: 0, bytes: 0, math })
  const { gemm, attention, scan, elementwise } = datasheetFractions
  const scanStart = { computeFraction: scan.compute, bandwidthFraction: scan.bandwidth, overheadUs: scan.overheadSeconds * microseconds }
  return {
    gemm: {
      computeFraction: gemmCompute,
      halfComputeTokens: startHalfTile,
      halfComputeInputs: startHalfTile,
      bandwidthFraction: gemm.bandwidth,
      halfBandwidthTiles: startHalfParallelism,
      overheadUs: gemm.overheadSeconds * microseconds,
    },
    attentionPrefill: { computeFraction: attention.compute, bandwidthFraction: attention.bandwidth, headDimSpeeds, overheadUs: attention.overheadSeconds * microseconds },
    attentionDecode: {
      computeFraction: attention.compute / startDecodeTileRows,
      bandwidthFraction: attention.bandwidth,
      headDimComputeSpeeds: headDimSpeeds,
      headDimBandwidthSpeeds: headDimSpeeds,
      overheadUs: attention.overheadSeconds * microseconds,
    },
    scanPrefill: scanStart,
    scanDecode: scanStart,
    elementwise: { bandwidthFraction: elementwise.bandwidth, overheadUs: elementwise.overheadSeconds * microseconds },
  }
}
