/**
 * Block specifications: what sits in one residual branch of one layer
 * (pre-norm, the mixer or FFN, the residual add). Plain data; the shapes a
 * user writes in a `predict` query are exactly these objects.
 */

/** Grouped-query attention. `kvHeads` must divide `heads`. */
export interface AttentionSpec {
  readonly type: 'attention'
  /** Model width (d_model). */
  readonly hidden: number
  /** Query heads. */
  readonly heads: number
  /** Key/value heads (GQA groups); equal to `heads` for multi-head attention. */
  readonly kvHeads: number
  /** Per-head dimension. */
  readonly headDim: number
  /** Sliding-window length in tokens; absent means global (full causal) attention. */
  readonly window?: number
  /** True when this layer reuses another layer's KV cache (cross-layer KV sharing): no K/V projection, no cache of its own. */
  readonly sharesKv?: boolean
}

/** One bias-free hidden×hidden matrix replacing attention or the FFN (Puzzle's `replace_with_linear`). */
export interface LinearSpec {
  readonly type: 'linear'
  readonly hidden: number
}

/** The sub-block is skipped entirely: no weights, no norm, no work, no cache. */
export interface NoopSpec {
  readonly type: 'noop'
  readonly hidden: number
}

export type FfnActivation = 'swiglu' | 'relu2'

/** Feed-forward network: gated SwiGLU (Llama, Qwen) or non-gated squared ReLU (Nemotron). */
export interface FfnSpec {
  readonly type: 'ffn'
  readonly hidden: number
  /** Intermediate width. */
  readonly intermediate: number
  readonly activation: FfnActivation
}

/** Mamba-2 mixer (state-space duality), as in Nemotron-H. d_inner = heads × headDim. */
export interface Mamba2Spec {
  readonly type: 'mamba2'
  readonly hidden: number
  readonly heads: number
  readonly headDim: number
  /** SSM state size per group (d_state). */
  readonly stateDim: number
  /** B/C groups (n_groups). */
  readonly groups: number
  /** Depthwise causal convolution width. */
  readonly convKernel: number
  /** Chunk length of the chunked SSD scan used in prefill; 256 in the reference kernels when absent. */
  readonly chunkSize?: number
}

/**
 * Hymba's hybrid-head mixer: attention heads and Mamba (selective-scan) heads
 * in parallel on the same input, their outputs normed, averaged and projected
 * by one shared output matrix (see hybrid-heads.ts).
 */
export interface HybridHeadsSpec {
  readonly type: 'hybrid-heads'
  /** Model width (d_model). */
  readonly hidden: number
  /** Attention query heads. */
  readonly heads: number
  /** Attention key/value heads; must divide `heads`. */
  readonly kvHeads: number
  /** Per-head dimension of queries and keys. */
  readonly qkHeadDim: number
  /** Per-head dimension of values; heads × vHeadDim must equal `ssmInner`, the width both branches produce. */
  readonly vHeadDim: number
  /** Sliding-window length in tokens; absent means global attention. Meta tokens stay visible outside the window. */
  readonly window?: number
  /** True when this layer reuses another layer's KV cache: no K/V projection, no cache of its own. */
  readonly sharesKv?: boolean
  /** Mamba branch width d_inner (mamba_expand × hidden). */
  readonly ssmInner: number
  /** SSM state size per channel (d_state). */
  readonly stateDim: number
  /** Rank of the Δ (time-step) projection. */
  readonly dtRank: number
  /** Depthwise causal convolution width. */
  readonly convKernel: number
  /** Learned tokens prepended to every sequence (Hymba's meta tokens); 0 when absent. */
  readonly metaTokens?: number
}

export type BlockSpec = AttentionSpec | LinearSpec | NoopSpec | FfnSpec | Mamba2Spec | HybridHeadsSpec
export type BlockKind = BlockSpec['type']

/** What may stand in a layer's mixer (attention) slot. */
export type MixerSpec = AttentionSpec | LinearSpec | NoopSpec | Mamba2Spec | HybridHeadsSpec
/** What may stand in a layer's FFN slot. */
export type FfnSlotSpec = FfnSpec | LinearSpec | NoopSpec

/** Default chunk length of the chunked SSD scan (mamba_ssm's `chunk_size`). */
export const defaultMambaChunkSize = 256
