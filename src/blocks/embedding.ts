/**
 * Token embedding, final norm and LM head. Serving engines compute logits only
 * for the last position of each sequence, so prefill and decode both run the LM
 * head on `batch` rows. The vocabulary splits over tensor-parallel GPUs; the
 * gather of logits (batch × vocab) is small and left out.
 */
import type { EmbeddingSpec } from './architecture.ts'
import { elementwise, rmsNorm, weightGemm } from './kernels.ts'
import { bytesPerElement, type PrecisionConfig } from './precision.ts'
import type { ExecutionConfig, Kernel, PhaseShape } from './work.ts'
import { tokensPerSequence } from './work.ts'

/** Embedding matrix, LM head (unless tied) and the final norm. */
export function embeddingParams(e: EmbeddingSpec): number {
  const matrix = e.vocabSize * e.hidden
  return (e.tied ? matrix : 2 * matrix) + e.hidden
}

/**
 * The formats of the embedding table and LM head. A quantised checkpoint (fp8, fp4 weights) quantises the blocks'
 * linear layers and keeps these two in bf16, and the LM head multiplies bf16 hidden states:
 * - TensorRT-LLM excludes `*lm_head` and `*vocab_embedding` from quantisation by default
 *   (tensorrt_llm/quantization/quantize.py, `exclude_modules`, as discussed in NVIDIA/TensorRT-LLM PR #3567);
 * - ModelOpt disables LM-head quantisation when it exports for TensorRT-LLM (NVIDIA/TensorRT-LLM issue #2550);
 * - vLLM's Fp8Config leaves `ParallelLMHead` unquantised (vllm-project/vllm issue #40999).
 * 16-bit weights are kept as they are.
 */
export function embeddingPrecision(p: PrecisionConfig): PrecisionConfig {
  if (bytesPerElement[p.weights] >= 2) return p
  return { ...p, weights: 'bf16', activations: bytesPerElement[p.activations] >= 2 ? p.activations : 'bf16' }
}

export function embeddingWork(e: EmbeddingSpec, shape: PhaseShape, exec: ExecutionConfig): readonly Kernel[] {
  const { tp } = exec
  const precision = embeddingPrecision(exec.precision)
  const tokens = shape.batch * tokensPerSequence(shape)
  return [
    elementwise('embed_lookup', tokens * e.hidden, 1, 1, 0, precision.activations),
    rmsNorm('final_norm', shape.batch, e.hidden, precision.activations),
    weightGemm('lm_head', shape.batch, Math.ceil(e.vocabSize / tp), e.hidden, precision),
  ]
}
