/**
 * Work a layer does next to its blocks, which the blocks as profiled alone do
 * not hold: an attention layer applies rotary position embeddings (RoPE) to
 * its new queries and keys, and in prefill writes its new keys and values into
 * the KV cache (a decode step's cache write is part of the attention block, as
 * experiments/profiling/block_impls.py times it). Pre-norms and residual adds
 * are already in every block.
 *
 * RoPE is one kernel over the query and key heads, in place, as serving
 * engines run it (vLLM's rotary_embedding kernel; experiments/profiling/
 * model_impl.py's `_rope`): it reads and writes each rotated element and reads
 * the cosine and sine of its position in fp32. Every attention block gets RoPE;
 * models without it (Nemotron-H's attention layers) are slightly
 * over-counted.
 */
import { bytesPerElement } from './precision.ts'
import type { BlockSpec } from './spec.ts'
import { headsPerGpu, kvHeadsPerGpu } from './tensor-parallel.ts'
import { tokensPerSequence, type ExecutionConfig, type Kernel, type PhaseShape } from './work.ts'

/** RoPE's cos/sin tables are fp32. */
const tableBytes = 4

export function layerGlueWork(spec: BlockSpec, shape: PhaseShape, { precision, tp }: ExecutionConfig): readonly Kernel[] {
  if (spec.type !== 'attention') return []
  const tokens = shape.batch * tokensPerSequence(shape)
  const a = bytesPerElement[precision.activations]
  const kvb = bytesPerElement[precision.kv]
  const hq = headsPerGpu(spec.heads, tp)
  const hkv = spec.sharesKv ? 0 : kvHeadsPerGpu(spec.kvHeads, tp)
  const rotated = tokens * (hq + hkv) * spec.headDim
  const kernels: Kernel[] = [
    { name: 'rope', kind: 'elementwise', flops: 3 * rotated, bytes: 2 * rotated * a + tokens * (hq + hkv) * spec.headDim * tableBytes, math: precision.activations },
  ]
  if (shape.phase === 'prefill' && hkv > 0) {
    const kv = tokens * hkv * spec.headDim
    kernels.push(
      { name: 'k_cache_write', kind: 'elementwise', flops: 0, bytes: kv * (a + kvb), math: precision.activations },
      { name: 'v_cache_write', kind: 'elementwise', flops: 0, bytes: kv * (a + kvb), math: precision.activations },
    )
  }
  return kernels
}
