/**
 * Hymba's hybrid-head mixer (Dong et al., 2024, arXiv:2411.13676): attention
 * heads and Mamba (selective-scan, Mamba-1 style) heads read the same normed
 * input in parallel. One `in_proj` yields, side by side, the Mamba input x,
 * the attention queries, the keys and values (unless the layer reuses another
 * layer's KV cache) and the Mamba gate z. The attention branch has no output
 * projection of its own: its heads × vHeadDim output and the Mamba branch's
 * d_inner output are each RMS-normed, averaged, and passed through one shared
 * `out_proj` (d_inner → hidden).
 *
 * The Mamba branch: depthwise causal conv (with bias) over x, `x_proj`
 * (d_inner → dtRank + 2·d_state, no bias), RMSNorms on dt, B and C, `dt_proj`
 * (dtRank → d_inner, with bias), the selective scan with a per-channel A
 * (d_inner × d_state) and D, gated by SiLU(z).
 *
 * Parameter set as in Hymba-1.5B's published modelling code (HF
 * nvidia/Hymba-1.5B-Base `modeling_hymba.py`, class `HymbaBlock`). With its
 * config (../shared/reference/models/hymba_1.5b_base.json) it gives 1.5228 B
 * parameters including the 128 meta tokens; the model card states 1.52 B.
 *
 * Meta tokens are learned tokens prepended to every sequence. They are
 * prefilled with the prompt, stay in every KV cache, and stay visible through a
 * sliding window (Hymba's attention mask always admits them). Their embedding
 * matrix belongs to the model, not to a layer, so `params` leaves it out.
 *
 * Under tensor parallelism the attention heads and the Mamba channels split
 * across GPUs: `x_proj` is then row-parallel and its small dt/B/C output needs
 * an all-reduce (as in vLLM's Mamba mixer), and `out_proj` needs the usual one.
 */
import { attendedTokens, causalPairs } from './attention.ts'
import type { BlockModel } from './block-model.ts'
import { allReduce, elementwise, residualAdd, rmsNorm, weightGemm } from './kernels.ts'
import { bytesPerElement, mathPrecision, recurrentStatePrecision, scanPrecision, type PrecisionConfig } from './precision.ts'
import type { HybridHeadsSpec } from './spec.ts'
import { firstError, headsPerGpu, kvHeadsPerGpu, positiveIntegerError, splitError } from './tensor-parallel.ts'
import type { Kernel, PhaseShape } from './work.ts'

/** Per-GPU widths of a hybrid-head mixer. */
export function hybridHeadsDims(s: HybridHeadsSpec, tp: number) {
  const heads = headsPerGpu(s.heads, tp)
  const kvHeads = kvHeadsPerGpu(s.kvHeads, tp)
  const projectedKvHeads = s.sharesKv ? 0 : kvHeads
  const inner = s.ssmInner / tp
  const ssmParams = s.dtRank + 2 * s.stateDim
  return {
    heads,
    kvHeads,
    inner,
    ssmParams,
    /** Outputs of `in_proj`: Mamba x and z, queries, and keys and values unless shared. */
    inProj: 2 * inner + heads * s.qkHeadDim + projectedKvHeads * (s.qkHeadDim + s.vHeadDim),
    /** K and V elements one token adds to this GPU's cache. */
    kvPerToken: projectedKvHeads * (s.qkHeadDim + s.vHeadDim),
  }
}

/** Key positions one sequence's queries attend to in a prefill of `seqLen` prompt tokens after `meta` meta tokens. */
export function hybridPrefillPairs(seqLen: number, window: number | undefined, meta: number): number {
  // Meta tokens attend causally among themselves; every prompt token sees all of them plus its causal (windowed) past.
  return (meta * (meta + 1)) / 2 + seqLen * meta + causalPairs(seqLen, window)
}

/** Cached positions a decode query attends to at `contextLen` real tokens. */
export function hybridAttendedTokens(contextLen: number, window: number | undefined, meta: number): number {
  return attendedTokens(contextLen, window) + meta
}

function metaOf(s: HybridHeadsSpec): number {
  return s.metaTokens ?? 0
}

/** The selective scan of one phase: the recurrence over d_inner × d_state per token, gated output. */
function selectiveScan(s: HybridHeadsSpec, shape: PhaseShape, inner: number, precision: PrecisionConfig): Kernel {
  // The scan computes and exchanges tensors at bf16 or wider, and the state is kept in the model dtype, whatever the GEMMs and KV cache use.
  const math = scanPrecision(precision)
  const a = bytesPerElement[math]
  const kv = bytesPerElement[recurrentStatePrecision(precision)]
  const stateElems = shape.batch * inner * s.stateDim
  // Per (token, channel, state): exp(Δ·A), Δ·B·x, h = dA·h + dBx, y += C·h ≈ 9 FLOPs; per channel D·x and the SiLU gate ≈ 5.
  const perToken = 9 * inner * s.stateDim + 5 * inner
  // Reads x, Δ and z, and B and C; writes y.
  const perTokenBytes = (4 * inner + 2 * s.stateDim) * a
  if (shape.phase === 'prefill') {
    const tokens = shape.batch * (shape.seqLen + metaOf(s))
    return {
      name: 'selective_scan',
      kind: 'scan',
      flops: tokens * perToken,
      // The last state is written once for the decode cache.
      bytes: tokens * perTokenBytes + stateElems * kv,
      math,
      // Mamba-1-style channels: one "head" as wide as the inner dimension, for the calibration's shape terms.
      scan: { batch: shape.batch, queries: shape.seqLen + metaOf(s), heads: 1, headDim: inner, stateDim: s.stateDim },
    }
  }
  return {
    name: 'ssm_state_update',
    kind: 'scan',
    flops: shape.batch * perToken,
    // Decode reads and writes the whole state once.
    bytes: shape.batch * perTokenBytes + 2 * stateElems * kv,
    math,
    scan: { batch: shape.batch, queries: 1, heads: 1, headDim: inner, stateDim: s.stateDim },
  }
}

function sdpa(s: HybridHeadsSpec, shape: PhaseShape, d: ReturnType<typeof hybridHeadsDims>, precision: PrecisionConfig): Kernel {
  const a = bytesPerElement[precision.activations]
  const kvb = bytesPerElement[precision.kv]
  const meta = metaOf(s)
  const math = mathPrecision(precision.activations, precision.kv)
  // QKᵀ costs 2·qkHeadDim per (query, key) pair and head, P·V 2·vHeadDim.
  const flopsPerPair = 2 * d.heads * (s.qkHeadDim + s.vHeadDim)
  const qo = d.heads * (s.qkHeadDim + s.vHeadDim)
  if (shape.phase === 'prefill') {
    const tokens = shape.batch * (shape.seqLen + meta)
    return {
      name: 'sdpa',
      kind: 'attention',
      flops: flopsPerPair * shape.batch * hybridPrefillPairs(shape.seqLen, s.window, meta),
      // Flash attention reads Q, K, V once and writes O; new K/V also go to the cache.
      bytes: tokens * ((qo + d.kvHeads * (s.qkHeadDim + s.vHeadDim)) * a + d.kvPerToken * kvb),
      math,
      attention: { batch: shape.batch, queries: shape.seqLen + meta, keys: hybridAttendedTokens(shape.seqLen, s.window, meta), heads: d.heads, kvHeads: d.kvHeads, headDim: s.qkHeadDim },
    }
  }
  const attended = hybridAttendedTokens(shape.contextLen, s.window, meta)
  return {
    name: 'sdpa',
    kind: 'attention',
    flops: flopsPerPair * shape.batch * attended,
    // Decode streams the cached K and V; Q in, O out and the new K/V written are small.
    bytes: shape.batch * (attended * d.kvHeads * (s.qkHeadDim + s.vHeadDim) * kvb + qo * a + d.kvPerToken * kvb),
    math,
    attention: { batch: shape.batch, queries: 1, keys: attended, heads: d.heads, kvHeads: d.kvHeads, headDim: s.qkHeadDim },
  }
}

export const hybridHeads: BlockModel<HybridHeadsSpec> = {
  params: (s) => {
    const d = hybridHeadsDims(s, 1)
    const conv = s.ssmInner * s.convKernel + s.ssmInner // depthwise weights + bias
    const xProj = s.ssmInner * d.ssmParams
    const dtProj = s.dtRank * s.ssmInner + s.ssmInner // weights + bias
    const ssm = s.ssmInner * s.stateDim + s.ssmInner // A_log and D
    const innerNorms = d.ssmParams // RMSNorm gains on dt, B and C
    const preAverageNorms = 2 * s.ssmInner
    return s.hidden + s.hidden * d.inProj + conv + xProj + dtProj + ssm + innerNorms + preAverageNorms + s.ssmInner * s.hidden
  },

  work: (s, shape, { precision, tp }) => {
    const d = hybridHeadsDims(s, tp)
    const act = precision.activations
    // Meta tokens run through the mixer with the prompt in prefill.
    const tokens = shape.phase === 'prefill' ? shape.batch * (shape.seqLen + metaOf(s)) : shape.batch
    const conv: Kernel =
      shape.phase === 'prefill'
        ? elementwise('conv1d', tokens * d.inner, 1, 1, 2 * s.convKernel, act)
        : {
            name: 'conv1d_update',
            kind: 'elementwise',
            flops: 2 * tokens * d.inner * s.convKernel,
            bytes: shape.batch * d.inner * (2 * (s.convKernel - 1) * bytesPerElement[recurrentStatePrecision(precision)] + 2 * bytesPerElement[act]),
            math: act,
          }
    const kernels: Kernel[] = [
      rmsNorm('mixer_norm', tokens, s.hidden, act),
      weightGemm('in_proj', tokens, d.inProj, s.hidden, precision),
      conv,
      weightGemm('x_proj', tokens, d.ssmParams, d.inner, precision),
    ]
    if (tp > 1) kernels.push({ ...allReduce(tokens, d.ssmParams, act, tp), name: 'x_proj_allreduce' })
    kernels.push(
      elementwise('dt_b_c_norms', tokens * d.ssmParams, 1, 1, 4, act),
      weightGemm('dt_proj', tokens, d.inner, s.dtRank, precision),
      selectiveScan(s, shape, d.inner, precision),
      sdpa(s, shape, d, precision),
      // Two RMSNorms over the branch outputs and their mean.
      elementwise('pre_average_norms', tokens * d.inner, 2, 1, 9, act),
      weightGemm('out_proj', tokens, s.hidden, d.inner, precision),
      residualAdd(tokens, s.hidden, act),
    )
    if (tp > 1) kernels.push(allReduce(tokens, s.hidden, act, tp))
    return kernels
  },

  kvCacheBytes: (s, { precision, tp }, tokens) =>
    hybridHeadsDims(s, tp).kvPerToken * bytesPerElement[precision.kv] * hybridAttendedTokens(tokens, s.window, metaOf(s)),

  stateBytes: (s, { precision, tp }) => {
    const inner = s.ssmInner / tp
    return (inner * s.stateDim + (s.convKernel - 1) * inner) * bytesPerElement[recurrentStatePrecision(precision)]
  },

  validate: (s, tp) =>
    firstError(
      positiveIntegerError('hidden', s.hidden),
      positiveIntegerError('heads', s.heads),
      positiveIntegerError('kvHeads', s.kvHeads),
      positiveIntegerError('qkHeadDim', s.qkHeadDim),
      positiveIntegerError('vHeadDim', s.vHeadDim),
      positiveIntegerError('ssmInner', s.ssmInner),
      positiveIntegerError('stateDim', s.stateDim),
      positiveIntegerError('dtRank', s.dtRank),
      positiveIntegerError('convKernel', s.convKernel),
      s.window === undefined ? undefined : positiveIntegerError('window', s.window),
      s.metaTokens === undefined || (Number.isInteger(s.metaTokens) && s.metaTokens >= 0)
        ? undefined
        : `metaTokens: ${s.metaTokens} (must be a non-negative integer)`,
      s.heads % s.kvHeads === 0 ? undefined : `kvHeads: ${s.kvHeads} (must divide heads = ${s.heads})`,
      s.heads * s.vHeadDim === s.ssmInner
        ? undefined
        : `vHeadDim: ${s.vHeadDim} (heads × vHeadDim must equal ssmInner = ${s.ssmInner}, so that the two branches can be averaged)`,
      splitError('heads', s.heads, tp, false),
      splitError('kvHeads', s.kvHeads, tp, true),
      splitError('ssmInner', s.ssmInner, tp, false),
    ),
}
