/**
 * Constructors for the kernels blocks are made of. Each counts FLOPs and the
 * bytes it moves through device memory, so that blocks stay declarative.
 */
import { bytesPerElement, mathPrecision, type Precision, type PrecisionConfig } from './precision.ts'
import type { Kernel } from './work.ts'

/**
 * A GEMM of `m` tokens × `k` inputs → `n` outputs with stored weights: reads the
 * weights once and the activations once, writes the output.
 */
export function weightGemm(name: string, m: number, n: number, k: number, precision: PrecisionConfig): Kernel {
  const w = bytesPerElement[precision.weights]
  const a = bytesPerElement[precision.activations]
  return {
    name,
    kind: 'gemm',
    flops: 2 * m * n * k,
    bytes: n * k * w + m * k * a + m * n * a,
    math: mathPrecision(precision.weights, precision.activations),
    gemm: { m, n, k, elementBytes: { weights: w, activations: a } },
  }
}

/**
 * The same weight GEMM over `m` rows (tokens), in the formats it was built with: its weights are read once however
 * many rows it runs. `fallback` gives the formats of a GEMM that does not record them.
 */
export function gemmWithRows(kernel: Kernel, m: number, fallback: PrecisionConfig): Kernel {
  const g = kernel.gemm
  if (g === undefined) throw new Error(`${kernel.name} is not a GEMM`)
  const e = g.elementBytes ?? { weights: bytesPerElement[fallback.weights], activations: bytesPerElement[fallback.activations] }
  return { ...kernel, flops: 2 * m * g.n * g.k, bytes: g.n * g.k * e.weights + m * g.k * e.activations + m * g.n * e.activations, gemm: { ...g, m } }
}

/** RMSNorm over `tokens` rows of `width`: one read, one write, ~4 FLOPs per element (square, sum, scale, gain). */
export function rmsNorm(name: string, tokens: number, width: number, activations: Precision): Kernel {
  const a = bytesPerElement[activations]
  return { name, kind: 'elementwise', flops: 4 * tokens * width, bytes: 2 * tokens * width * a + width * a, math: activations }
}

/**
 * An element-wise kernel reading `reads` tensors and writing `writes` tensors of
 * `elements` each, at `flopsPerElement`.
 */
export function elementwise(
  name: string,
  elements: number,
  reads: number,
  writes: number,
  flopsPerElement: number,
  activations: Precision,
): Kernel {
  const a = bytesPerElement[activations]
  return { name, kind: 'elementwise', flops: flopsPerElement * elements, bytes: (reads + writes) * elements * a, math: activations }
}

/** The residual add after a sub-block: reads the branch and the stream, writes the stream. */
export function residualAdd(tokens: number, hidden: number, activations: Precision): Kernel {
  return elementwise('residual_add', tokens * hidden, 2, 1, 1, activations)
}

/**
 * The format an all-reduce message travels in: the residual stream's, which is 16-bit whatever the GEMMs run at.
 * fp8 and fp4 GEMMs write 16-bit outputs, engines reduce those, and the quantisation for the next GEMM comes after:
 * - vLLM fuses all-reduce + RMSNorm + fp8 or fp4 quantisation, and benchmarks it on bf16 inputs
 *   (vLLM PR #22086, `benchmark_fused_collective.py --quant-fp8 | --quant-fp4`, dtype bfloat16);
 * - TensorRT-LLM's fusions include RESIDUAL_RMS_NORM_QUANT_FP8: a bf16 all-reduce, then the residual add, the norm
 *   and the fp8 quantisation (TensorRT-LLM PR #12887, all-reduce benchmark at dtype bfloat16);
 * - SGLang runs vLLM's and TensorRT-LLM's custom all-reduce kernels on the same 16-bit tensors (SGLang PR #2904).
 * No engine default sends fp8 messages, so fp8 and fp4 runs send bf16, and an fp16 model sends fp16.
 */
export function allReduceMessagePrecision(activations: Precision): Precision {
  return activations === 'fp16' ? 'fp16' : 'bf16'
}

/**
 * The all-reduce of a row-parallel layer's output across `ranks` GPUs. `bytes` is the message size, in the
 * residual stream's 16-bit format ({@link allReduceMessagePrecision}), not the activations' storage format.
 */
export function allReduce(tokens: number, hidden: number, activations: Precision, ranks: number): Kernel {
  const message = allReduceMessagePrecision(activations)
  return { name: 'allreduce', kind: 'communication', flops: 0, bytes: tokens * hidden * bytesPerElement[message], math: message, ranks }
}
