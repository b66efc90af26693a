import type { Kernel, KernelKind } from '../blocks/work.ts'
import { gemmTileEfficiency } from './gemm-shape.ts'
import type { GpuSpec } from './hardware/gpu.ts'
import { datasheetStepOverhead, type StepOverheadParameters } from './step-overhead.ts'

/**
 * How close each kernel gets to the GPU's peaks. The datasheet roofline uses the
 * fixed fractions below; a calibration (see calibration.ts) replaces them with
 * fractions fitted to measurements, possibly depending on the kernel's shape.
 */
export interface EfficiencyModel {
  /** Name shown in every output, e.g. `datasheet` or `h200-pytorch`. */
  readonly name: string
  readonly source: 'datasheet' | 'calibrated'
  /**
   * Achievable fraction of the dense tensor rate for this kernel (0, 1]. The roofline always passes the GPU, whose
   * SM count shape effects need; a kernel priced without one gets no SM-count effect.
   */
  readonly computeFraction: (kernel: Kernel, gpu?: GpuSpec) => number
  /** Achievable fraction of peak memory bandwidth for this kernel (0, 1]. */
  readonly bandwidthFraction: (kernel: Kernel) => number
  /** Fixed time per kernel launch, seconds. */
  readonly overheadSeconds: (kernel: Kernel) => number
  /** Launch costs of a whole step (step-overhead.ts); the datasheet defaults when absent. */
  readonly step?: StepOverheadParameters
  /** For a calibration carried over from another GPU, where from (e.g. "derived from h200-pytorch"). */
  readonly derivedFrom?: string
}

export interface KindFractions {
  readonly compute: number
  readonly bandwidth: number
  readonly overheadSeconds: number
}

/**
 * Datasheet defaults, from the achievable fractions of peak collected in
 * ../shared/reference/README.md ("Achievable fractions of peak"; ml-engineering,
 * Azure, cutlass issues):
 * - gemm: large bf16 GEMMs reach about 80% of peak; small-M (decode) GEMMs
 *   40–70% of HBM bandwidth, so 55%. fp8 GEMMs reach 65–71%, see `fp8GemmCompute`.
 * - attention: FlashAttention-3 fp16 prefill reaches about 75%; decode attention
 *   streams the KV cache like a streaming kernel, 85–90% of HBM, so 85%.
 * - scan: the chunked SSD is mostly batched small matmuls (Mamba-2 paper,
 *   arXiv:2405.21060 §6), so it gets the GEMM compute fraction and the streaming
 *   bandwidth fraction. No published Mamba-2 efficiency is in the notes: this is
 *   an assumption that calibration replaces.
 * - elementwise: streaming kernels reach 85–90% of HBM bandwidth, so 87.5%. Their
 *   1–5 FLOP/byte never reach a compute bound on these GPUs, so compute is 1.
 * - communication: timed by the all-reduce model, not the roofline.
 * The per-kernel overhead is a launch cost of a few microseconds per kernel
 * (NVIDIA Technical Blog, "Getting Started with CUDA Graphs"), taken as 2 µs.
 */
export const datasheetFractions: Readonly<Record<KernelKind, KindFractions>> = {
  gemm: { compute: 0.8, bandwidth: 0.55, overheadSeconds: 2e-6 },
  attention: { compute: 0.75, bandwidth: 0.85, overheadSeconds: 2e-6 },
  scan: { compute: 0.8, bandwidth: 0.85, overheadSeconds: 2e-6 },
  elementwise: { compute: 1, bandwidth: 0.875, overheadSeconds: 2e-6 },
  communication: { compute: 1, bandwidth: 1, overheadSeconds: 0 },
}

/**
 * Large fp8 GEMMs reach about 65–71% of the fp8 peak (../shared/reference/README.md); the midpoint.
 * No fp4 figure is in the notes: fp4 GEMMs are given the fp8 fraction, an assumption until measured.
 */
const fp8GemmCompute = 0.68

/** A kind's compute fraction for large shapes, before any shape effect. */
function largeShapeCompute(k: Kernel): number {
  return k.kind === 'gemm' && (k.math === 'fp8' || k.math === 'fp4') ? fp8GemmCompute : datasheetFractions[k.kind].compute
}

/**
 * The datasheet roofline. A GEMM with a shape, costed on a GPU, also pays for its tiles and waves
 * (gemm-shape.ts): the large-GEMM fractions above were measured on shapes that fill whole waves, and a GEMM
 * narrowed by tensor parallelism or with few tokens does not. Without a GPU (a kernel priced in the abstract,
 * as the calibration's starting point does) there is no SM count and no shape effect.
 * On the 1330 H200 attention, linear and FFN rows (experiments/calibration/accuracy.md) the tile and wave terms
 * lower the datasheet roofline's median error from 24.7% to 22.0%. The calibrated model keeps its own smooth
 * terms instead: with this SM-utilisation factor added to its GEMM compute fraction, the held-out median and p90
 * rose from 4.5% and 12.9% to 5.0% and 16.1%, and with the tile efficiency in place of its M½ term to 5.7% and
 * 16.9% (cuBLAS picks tile shapes and split-K per shape, which its fitted half-saturation points already absorb).
 */
export const datasheetEfficiency = {
  name: 'datasheet',
  source: 'datasheet',
  computeFraction: (k: Kernel, gpu?: GpuSpec) =>
    k.kind === 'gemm' && k.gemm !== undefined && gpu !== undefined ? largeShapeCompute(k) * gemmTileEfficiency(k.gemm, gpu.smCount) : largeShapeCompute(k),
  bandwidthFraction: (k) => datasheetFractions[k.kind].bandwidth,
  overheadSeconds: (k) => datasheetFractions[k.kind].overheadSeconds,
  step: datasheetStepOverhead,
} satisfies EfficiencyModel
