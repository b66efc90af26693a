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
    gemm: { m, n, k },
  }
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

/** The all-reduce of a row-parallel layer's output across `ranks` GPUs. `bytes` is the message size. */
export function allReduce(tokens: number, hidden: number, activations: Precision, ranks: number): Kernel {
  return { name: 'allreduce', kind: 'communication', flops: 0, bytes: tokens * hidden * bytesPerElement[activations], math: activations, ranks }
}
