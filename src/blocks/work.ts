import type { Precision, PrecisionConfig } from './precision.ts'

/** The families of kernels the cost model knows how to time. */
export type KernelKind = 'gemm' | 'attention' | 'scan' | 'elementwise' | 'communication'

export const kernelKinds: readonly KernelKind[] = ['gemm', 'attention', 'scan', 'elementwise', 'communication']

/**
 * One kernel launch's worth of work on one GPU. Blocks describe work; only the
 * cost model turns it into time.
 */
export interface Kernel {
  /** Human-readable name, e.g. `qkv_proj`, `sdpa`, `allreduce`. */
  readonly name: string
  readonly kind: KernelKind
  /** Floating-point operations (a multiply-add counts 2). */
  readonly flops: number
  /** Bytes read plus bytes written to device memory. For `communication`, the all-reduce message size. */
  readonly bytes: number
  /** Format the math runs in, which selects the tensor-core rate. */
  readonly math: Precision
  /** GEMM shape (M tokens × N outputs × K inputs, per GPU), for shape-dependent efficiencies. */
  readonly gemm?: {
    readonly m: number
    readonly n: number
    readonly k: number
    /** Bytes per weight and per activation element, so that the GEMM can be rebuilt over other rows in its own formats. */
    readonly elementBytes?: { readonly weights: number; readonly activations: number }
  }
  /** For `communication`: the number of GPUs taking part. */
  readonly ranks?: number
  /** For `attention`: its shape per GPU, for shape-dependent efficiencies (see {@link AttentionShape}). */
  readonly attention?: AttentionShape
  /** For `scan`: its shape per GPU, for shape-dependent efficiencies (see {@link ScanShape}). */
  readonly scan?: ScanShape
}

/** An attention kernel's shape on one GPU. */
export interface AttentionShape {
  /** Sequences. */
  readonly batch: number
  /** New query tokens per sequence: `seqLen` in prefill, 1 in decode. */
  readonly queries: number
  /** Keys the last query of a sequence attends to (the context, capped by a sliding window). */
  readonly keys: number
  /** Query heads on this GPU. */
  readonly heads: number
  /** Key/value heads on this GPU. */
  readonly kvHeads: number
  readonly headDim: number
}

/** A state-space scan kernel's shape on one GPU. */
export interface ScanShape {
  /** Sequences. */
  readonly batch: number
  /** New tokens per sequence: `seqLen` in prefill (the chunked scan), 1 in decode (the state update). */
  readonly queries: number
  /** SSM heads on this GPU. */
  readonly heads: number
  readonly headDim: number
  readonly stateDim: number
}

/** Prefill of `seqLen` new tokens per sequence, from an empty cache. */
export interface PrefillShape {
  readonly phase: 'prefill'
  readonly batch: number
  readonly seqLen: number
}

/** One decode step: one new token per sequence attending over `contextLen` cached tokens (itself included). */
export interface DecodeShape {
  readonly phase: 'decode'
  readonly batch: number
  readonly contextLen: number
}

export type PhaseShape = PrefillShape | DecodeShape

/** How a block is executed: precisions and the tensor-parallel degree it is split over. */
export interface ExecutionConfig {
  readonly precision: PrecisionConfig
  /** Tensor-parallel degree (1 = one GPU). */
  readonly tp: number
}

/** Tokens a phase processes per sequence. */
export function tokensPerSequence(shape: PhaseShape): number {
  return shape.phase === 'prefill' ? shape.seqLen : 1
}
