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
  /**
   * KV-cache bytes one sequence holds on one GPU (after the TP split) once it has
   * `tokens` tokens cached. Linear in `tokens` for global attention, capped for a
   * sliding window, zero for blocks without a cache.
   */
  readonly kvCacheBytes: (spec: S, exec: ExecutionConfig, tokens: number) => number
  /** Recurrent-state bytes per sequence on one GPU (constant in length), zero for blocks without one. */
  readonly stateBytes: (spec: S, exec: ExecutionConfig) => number
  /** A reason the spec is invalid (e.g. `kvHeads: 7 (must divide heads = 64)`), or undefined when it is valid. */
  readonly validate: (spec: S, tp: number) => string | undefined
}

export type BlockModelOf<K extends BlockKind> = BlockModel<Extract<BlockSpec, { type: K }>>
