/**
 * What a GEMM's per-GPU shape costs on tensor cores. A GEMM kernel computes its M × N output in whole tiles,
 * and each SM works on one tile at a time, so the kernel runs in waves of one tile per SM:
 * - a tile computes all its rows and columns even when M or N covers only part of it (small M: a 16-token decode
 *   GEMM fills 16 of a tile's 128 rows);
 * - the last wave leaves SMs idle when the tile count is not a multiple of the SM count (wave quantisation:
 *   133 tiles on 132 SMs take two waves).
 * The compute time is therefore waves × the time of one tile, not FLOPs / peak. Tensor parallelism narrows N
 * (column-parallel) or K (row-parallel) per GPU, changing the tile count and so the waves; this is what a GEMM
 * narrowed by TP really costs in compute. Memory-bound (decode) GEMMs stream their weights whatever the tiling,
 * so only the compute side is scaled.
 */

/** Output tile of Hopper GEMM kernels: 128 × 128 (CUTLASS's default sm90 tile shape 128 × 128 × 64; the calibrated model's `tileEdge`). */
export const gemmTileRows = 128
export const gemmTileCols = 128

/** A GEMM's shape on one GPU: M tokens × N outputs, K inputs. */
export interface GemmShape {
  readonly m: number
  readonly n: number
  readonly k: number
}

/** Output tiles of an M × N GEMM. */
export function gemmTiles(m: number, n: number): number {
  return Math.ceil(m / gemmTileRows) * Math.ceil(n / gemmTileCols)
}

/**
 * K inputs below which a GEMM is not split further: 256, four 64-deep k-blocks of the 128 × 128 × 64 tile per
 * split. An assumption (libraries choose split counts by heuristics), only used when there are fewer tiles than SMs.
 */
export const minSplitK = 256

/**
 * How many ways K is split: a GEMM with fewer output tiles than SMs has its K range divided over the idle SMs
 * (split-K, or stream-K, which divides the k-iterations evenly; CUTLASS and cuBLAS do both), as far as
 * `minSplitK` inputs per split allow. Kept continuous, as stream-K's even division is, so that time never falls
 * as K grows. 1 when the tiles fill the SMs.
 */
export function gemmSplitK(shape: GemmShape, smCount: number): number {
  const tiles = gemmTiles(shape.m, shape.n)
  if (tiles >= smCount) return 1
  return Math.min(Math.floor(smCount / tiles), Math.max(1, shape.k / minSplitK))
}

/** Waves of one work unit (a tile, or a tile's share of K) per SM on `smCount` SMs. */
export function gemmWaves(shape: GemmShape, smCount: number): number {
  return Math.ceil((gemmTiles(shape.m, shape.n) * gemmSplitK(shape, smCount)) / smCount)
}

/**
 * Share of the tensor-core time the kernel spends that the GEMM needs, (0, 1]: its useful M·N outputs over the
 * tile slots of every wave, waves × SMs × 128 × 128 / splitK. Multiplying a compute fraction by it turns
 * FLOPs / (peak × fraction) into waves × (one work unit's time). This is the tile and wave quantisation of
 * NVIDIA's "Matrix Multiplication Background User's Guide" (Deep Learning Performance docs).
 */
export function gemmTileEfficiency(shape: GemmShape, smCount: number): number {
  const slots = (gemmWaves(shape, smCount) * smCount * gemmTileRows * gemmTileCols) / gemmSplitK(shape, smCount)
  return (shape.m * shape.n) / slots
}
