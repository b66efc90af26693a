/**
 * Token embedding, final norm and LM head. Serving engines compute logits only
 * for the last position of each sequence, so prefill and decode both run the LM
 * head on `batch` rows. The vocabulary splits over tensor-parallel GPUs; the
 * gather of logits (batch × vocab) is small and left out.
 */
import type { EmbeddingSpec } from './architecture.ts'
import { elementwise, rmsNorm, weightGemm } from './kernels.ts'
import type { ExecutionConfig, Kernel, PhaseShape } from './work.ts'
import { tokensPerSequence } from './work.ts'

/** Embedding matrix, LM head (unless tied) and the final norm. */
export function embeddingParams(e: EmbeddingSpec): number {
  const matrix = e.vocabSize * e.hidden
  return (e.tied ? matrix : 2 * matrix) + e.hidden
}

export function embeddingWork(e: EmbeddingSpec, shape: PhaseShape, { precision, tp }: ExecutionConfig): readonly Kernel[] {
  const tokens = shape.batch * tokensPerSequence(shape)
  return [
    elementwise('embed_lookup', tokens * e.hidden, 1, 1, 0, precision.activations),
    rmsNorm('final_norm', shape.batch, e.hidden, precision.activations),
    weightGemm('lm_head', shape.batch, Math.ceil(e.vocabSize / tp), e.hidden, precision),
  ]
}
