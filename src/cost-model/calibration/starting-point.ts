/**
 * Where the fit starts: the datasheet efficiencies (efficiency.ts), so that a
 * family the measurements do not constrain keeps its datasheet value. The
 * half-saturation points have no datasheet value; they start at one tile or
 * wave of work and the fit moves them.
 */
import type { Precision } from '../../blocks/precision.ts'
import { datasheetEfficiency, datasheetFractions } from '../efficiency.ts'
import type { PrecisionParameters } from './parameters.ts'

/** Start of GEMM M½ and prefill S½: 128 rows, the tile height of Hopper tensor-core GEMM and attention kernels (CUTLASS and FlashAttention-3 tile shapes). */
const startHalfTile = 128
/** Start of the parallelism half points (GEMM output tiles, decode attention's sequence × KV head pairs): 132, one per SM of an H100/H200 SXM (NVIDIA Hopper architecture whitepaper). */
const startHalfParallelism = 132

/**
 * Decode attention's compute starts at prefill's fraction over 64: one query row per head fills one of
 * the 64 rows of a Hopper tensor-core (wgmma) tile (NVIDIA PTX ISA, wgmma shapes m64nNk16). Starting it
 * low lets the fit see the rows it binds (a compute fraction that binds no row has no gradient).
 */
const startDecodeTileRows = 64

const microseconds = 1e6

export function startingParameters(math: Precision): PrecisionParameters {
  const gemmCompute = datasheetEfficiency.computeFraction({ name: 'gemm', kind: 'gemm', flops: 0, bytes: 0, math })
  const { gemm, attention, scan, elementwise } = datasheetFractions
  const scanStart = { computeFraction: scan.compute, bandwidthFraction: scan.bandwidth, overheadUs: scan.overheadSeconds * microseconds }
  return {
    gemm: {
      computeFraction: gemmCompute,
      halfComputeTokens: startHalfTile,
      halfComputeOutputs: startHalfTile,
      halfComputeInputs: startHalfTile,
      bandwidthFraction: gemm.bandwidth,
      halfBandwidthTiles: startHalfParallelism,
      overheadUs: gemm.overheadSeconds * microseconds,
    },
    attentionPrefill: {
      computeFraction: attention.compute,
      halfComputeKeys: startHalfTile,
      bandwidthFraction: attention.bandwidth,
      overheadUs: attention.overheadSeconds * microseconds,
    },
    attentionDecode: {
      computeFraction: attention.compute / startDecodeTileRows,
      bandwidthFraction: attention.bandwidth, halfBandwidthParallelism: startHalfParallelism,
      otherHeadDimFraction: 0.9, overheadUs: attention.overheadSeconds * microseconds },
    scanPrefill: scanStart,
    scanDecode: scanStart,
    elementwise: { bandwidthFraction: elementwise.bandwidth, overheadUs: elementwise.overheadSeconds * microseconds },
  }
}
