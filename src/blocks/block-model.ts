import type { BlockSpec, BlockKind } from './spec.ts'
import type { ExecutionConfig, Kernel, PhaseShape } from './work.ts'

/**
 * The protocol every block family implements, so that the cost model never
 * switches on block kind. All functions are pure and cheap.
 */
export interface BlockModel<S extends BlockSpec> {
  /** Parameters, including the block's pre-norm (a no-op has neither). */
  readonly params: (spec: S) => number
  /** The kernels one GPU runs for this block in a phase, TP split and communication included. */
  readonly work: (spec: S, shape: PhaseShape, exec: ExecutionConfig) => readonly Kernel[]
  /** KV-cache bytes per cached token per sequence, on one GPU after the TP split. */
  readonly kvBytesPerToken: (spec: S, exec: ExecutionConfig) => number
  /** Recurrent-state bytes per sequence (constant in length), on one GPU after the TP split. */
  readonly stateBytesPerSequence: (spec: S, exec: ExecutionConfig) => number
  /** A reason the spec is invalid (e.g. `kvHeads: 7 (must divide heads = 64)`), or undefined when it is valid. */
  readonly validate: (spec: S, tp: number) => string | undefined
}

export type BlockModelOf<K extends BlockKind> = BlockModel<Extract<BlockSpec, { type: K }>>
