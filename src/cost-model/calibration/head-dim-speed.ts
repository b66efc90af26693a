/** Attention speed by head dimension, relative to head dimension 128. */
import type { HeadDimSpeeds } from './parameters.ts'

/** The head dimension speeds are relative to. */
export const referenceHeadDim = 128

/**
 * Speed of a head dimension relative to 128. A head dimension that was not
 * measured runs as the next larger measured one, as attention kernels pad the
 * head dimension up to a compiled size; beyond the largest, as the largest.
 */
export function headDimSpeed(speeds: HeadDimSpeeds, headDim: number | undefined): number {
  if (headDim === undefined || headDim === referenceHeadDim) return 1
  const exact = speeds[headDim]
  if (exact !== undefined) return exact
  let padded: number | undefined
  let largest = referenceHeadDim
  for (const key of Object.keys(speeds)) {
    const d = Number(key)
    if (d >= headDim && (padded === undefined || d < padded)) padded = d
    if (d > largest) largest = d
  }
  if (headDim < referenceHeadDim && (padded === undefined || padded > referenceHeadDim)) padded = referenceHeadDim
  const d = padded ?? largest
  return d === referenceHeadDim ? 1 : speeds[d]!
}
