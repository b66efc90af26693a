/**
 * Grouped-query attention: pre-norm, fused QKV projection, scaled-dot-product
 * attention (causal, optionally within a sliding window), output projection,
 * residual add; under tensor parallelism, heads split and one all-reduce.
 */
import type { BlockModel } from './block-model.ts'
import { allReduce, residualAdd, rmsNorm, weightGemm } from './kernels.ts'
import { bytesPerElement, mathPrecision } from './precision.ts'
import type { AttentionSpec } from './spec.ts'
import { firstError, headsPerGpu, kvHeadsPerGpu, positiveIntegerError, splitError } from './tensor-parallel.ts'
import { tokensPerSequence, type Kernel } from './work.ts'

/** Keys a sequence's queries attend to in total during a causal prefill of `seqLen` tokens, summed over query positions. */
export function causalPairs(seqLen: number, window: number | undefined): number {
  if (window === undefined || seqLen <= window) return (seqLen * (seqLen + 1)) / 2
  return (window * (window + 1)) / 2 + (seqLen - window) * window
}

/** Cached tokens a query attends to at context length `contextLen`. */
export function attendedTokens(contextLen: number, window: number | undefined): number {
  return window === undefined ? contextLen : Math.min(contextLen, window)
}

export const attention: BlockModel<AttentionSpec> = {
  params: (s) => {
    const q = s.hidden * s.heads * s.headDim
    const kv = s.sharesKv ? 0 : 2 * s.hidden * s.kvHeads * s.headDim
    const o = s.heads * s.headDim * s.hidden
    return s.hidden + q + kv + o
  },

  work: (s, shape, { precision, tp }) => {
    const tokens = shape.batch * tokensPerSequence(shape)
    const hq = headsPerGpu(s.heads, tp)
    const hkv = kvHeadsPerGpu(s.kvHeads, tp)
    const a = bytesPerElement[precision.activations]
    const kvb = bytesPerElement[precision.kv]
    const projectedKv = s.sharesKv ? 0 : hkv
    const math = mathPrecision(precision.activations, precision.kv)

    let sdpa: Kernel
    if (shape.phase === 'prefill') {
      const pairs = shape.batch * causalPairs(shape.seqLen, s.window)
      sdpa = {
        name: 'sdpa',
        kind: 'attention',
        flops: 4 * pairs * hq * s.headDim,
        // Flash attention reads Q, K, V once and writes O; new K/V are also stored in the cache.
        bytes: tokens * s.headDim * ((2 * hq + 2 * hkv) * a + 2 * projectedKv * kvb),
        math,
        attention: { batch: shape.batch, queries: shape.seqLen, keys: attendedTokens(shape.seqLen, s.window), heads: hq, kvHeads: hkv, headDim: s.headDim },
      }
    } else {
      const attended = attendedTokens(shape.contextLen, s.window)
      sdpa = {
        name: 'sdpa',
        kind: 'attention',
        flops: 4 * shape.batch * attended * hq * s.headDim,
        // Decode streams the whole cached K and V; Q in, O out and the new K/V written are small.
        bytes: shape.batch * s.headDim * (2 * attended * hkv * kvb + 2 * hq * a + 2 * projectedKv * kvb),
        math,
        attention: { batch: shape.batch, queries: 1, keys: attended, heads: hq, kvHeads: hkv, headDim: s.headDim },
      }
    }

    const kernels: Kernel[] = [
      rmsNorm('attn_norm', tokens, s.hidden, precision.activations),
      weightGemm('qkv_proj', tokens, (hq + 2 * projectedKv) * s.headDim, s.hidden, precision),
      sdpa,
      weightGemm('o_proj', tokens, s.hidden, hq * s.headDim, precision),
      residualAdd(tokens, s.hidden, precision.activations),
    ]
    if (tp > 1) kernels.push(allReduce(tokens, s.hidden, precision.activations, tp))
    return kernels
  },

  kvCacheBytes: (s, { precision, tp }, tokens) =>
    s.sharesKv ? 0 : 2 * kvHeadsPerGpu(s.kvHeads, tp) * s.headDim * bytesPerElement[precision.kv] * attendedTokens(tokens, s.window),

  stateBytes: () => 0,

  validate: (s, tp) =>
    firstError(
      positiveIntegerError('hidden', s.hidden),
      positiveIntegerError('heads', s.heads),
      positiveIntegerError('kvHeads', s.kvHeads),
      positiveIntegerError('headDim', s.headDim),
      s.window === undefined ? undefined : positiveIntegerError('window', s.window),
      s.heads % s.kvHeads === 0 ? undefined : `kvHeads: ${s.kvHeads} (must divide heads = ${s.heads})`,
      splitError('heads', s.heads, tp, false),
      splitError('kvHeads', s.kvHeads, tp, true),
    ),
}
