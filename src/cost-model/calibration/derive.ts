/**
 * A calibration for a GPU nobody measured, derived from one that was measured
 * on the same chip with different memory: the H100 SXM from the H200 (both
 * GH100: 132 SMs, the same clocks and the same dense tensor rates by their
 * datasheets; HBM3 at 3.35 TB/s against HBM3e at 4.8 TB/s, 80 against 141 GB).
 *
 * Every calibrated parameter is a fraction of the GPU's own datasheet peak, an
 * overhead, or a shape constant, so the derivation keeps them, with one
 * exception. Assumptions, each unmeasured on the target:
 * 1. Compute fractions, GEMM half points in M and K, attention head-dim speeds
 *    and the scan and attention compute terms are kept: same SMs, clocks and
 *    tensor cores, so the same kernels reach the same share of the same peak.
 * 2. Bandwidth fractions are kept as fractions of the target's own datasheet
 *    bandwidth, so every memory-bound time scales by 4.8 / 3.35: HBM3 is assumed
 *    to reach the same share of its peak as HBM3e (this H200 copied at
 *    4.18–4.3 TB/s, 87–90% of 4.8; public H100 reports put coalesced streaming
 *    loads at about 84% of 3.35, mikamirai.com "GPU Memory Bandwidth", 2026).
 * 3. The GEMM bandwidth half point (independent 128 × 128 tiles at which a
 *    weight-streaming GEMM reaches half its bandwidth fraction) is scaled by
 *    target / source bandwidth: with the same SMs streaming at the same rate
 *    each, proportionally fewer tiles saturate a slower memory.
 * 4. Per-kernel overheads and step launch costs are kept: same chip, clocks,
 *    driver path and host software.
 * 5. The source's errors are kept in `fit` for reference: they were measured
 *    on the source GPU; the derived model's own error is unknown until someone
 *    times blocks on the target.
 */
import { InvalidInput } from '../../errors.ts'
import type { GpuSpec } from '../hardware/gpu.ts'
import type { Calibration } from './format.ts'
import { mapParameters } from './parameter-vector.ts'
import type { CalibrationParameters, PrecisionParameters } from './parameters.ts'

/** Why `to` is not the same chip as `from` for the precisions a calibration holds, or undefined. */
export function sameChipProblem(from: GpuSpec, to: GpuSpec, precisions: readonly string[]): string | undefined {
  for (const p of precisions) {
    const a = from.denseFlops[p as keyof GpuSpec['denseFlops']]
    const b = to.denseFlops[p as keyof GpuSpec['denseFlops']]
    if (a === undefined || b === undefined || a !== b) return `${to.id} and ${from.id} differ in ${p} tensor rate (${b ?? 'none'} against ${a ?? 'none'} FLOP/s), so compute efficiencies cannot carry over`
  }
  return undefined
}

function deriveParameters(p: PrecisionParameters, bandwidthRatio: number): PrecisionParameters {
  const kept = mapParameters(p, (v) => v)
  return { ...kept, gemm: { ...kept.gemm, halfBandwidthTiles: Number((kept.gemm.halfBandwidthTiles * bandwidthRatio).toPrecision(4)) } }
}

/** The calibration `source` (of `from`) carried over to `to` under the assumptions above, named `name`. */
export function deriveCalibration(source: Calibration, from: GpuSpec, to: GpuSpec, name: string, created: string): Calibration {
  if (source.gpu !== from.id) throw new InvalidInput({ field: 'source', problem: `${source.name} was fitted on ${source.gpu}, not ${from.id}` })
  const problem = sameChipProblem(from, to, Object.keys(source.parameters))
  if (problem !== undefined) throw new InvalidInput({ field: 'target', problem })
  const ratio = to.memoryBandwidth / from.memoryBandwidth
  const parameters: CalibrationParameters = Object.fromEntries(Object.entries(source.parameters).map(([dtype, p]) => [dtype, deriveParameters(p, ratio)]))
  return {
    ...source,
    name,
    gpu: to.id,
    created,
    derivedFrom: `derived from ${source.name}`,
    parameters,
    fit: {
      ...source.fit,
      method:
        `Derived from ${source.name} (${from.name}) for ${to.name}, the same chip with ${(ratio * 100).toFixed(0)}% of its memory bandwidth: ` +
        'compute fractions, half points, head-dim speeds, overheads and launch costs kept; bandwidth fractions kept as fractions of this GPU’s ' +
        'datasheet bandwidth (memory-bound time scales with it); the GEMM bandwidth half point in tiles scaled by the bandwidth ratio. ' +
        `Not measured on ${to.name}: the errors below are ${source.name}’s on ${from.name}. Source method: ${source.fit.method}`,
    },
  }
}
