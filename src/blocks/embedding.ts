/**
 * The model's ends: token embedding, final norm, LM head and sampling. Serving
 * engines compute logits only for the last position of each sequence, so
 * prefill and decode both run the final norm and the LM head on `batch` rows.
 * The vocabulary splits over tensor-parallel GPUs; the gather of logits
 * (batch × vocab) is small and left out, and every GPU samples over the whole
 * vocabulary.
 */
import type { EmbeddingSpec } from './architecture.ts'
import { elementwise, rmsNorm, weightGemm } from './kernels.ts'
import { bytesPerElement, type Precision, type PrecisionConfig } from './precision.ts'
import type { ExecutionConfig, Kernel, PhaseShape } from './work.ts'
import { tokensPerSequence } from './work.ts'

/** Embedding matrix, LM head (unless tied) and the final norm. */
export function embeddingParams(e: EmbeddingSpec): number {
  const matrix = e.vocabSize * e.hidden
  return (e.tied ? matrix : 2 * matrix) + e.hidden
}

/** Sampling runs on fp32 probabilities (4 bytes), whatever the model precision, as vLLM's and PyTorch samplers do. */
const probabilityBytes = 4

/** A sampling kernel over `elements` values: `read` and `written` bytes per element. */
function samplingKernel(name: string, elements: number, read: number, written: number, flopsPerElement: number, math: Precision): Kernel {
  return { name, kind: 'elementwise', flops: flopsPerElement * elements, bytes: elements * (read + written), math }
}

/**
 * Drawing the next token of each sequence from its logits: cast to fp32,
 * softmax, then the exponential race (the argmax of p / q with q drawn from
 * Exp(1) draws from p; vLLM's sampler does the same), and the token written to
 * the next step's input. Each is one kernel over batch × vocab values, as
 * experiments/profiling/model_impl.py runs them.
 */
export function samplingWork(batch: number, vocab: number, activations: Precision): readonly Kernel[] {
  const n = batch * vocab
  const a = probabilityBytes
  return [
    samplingKernel('logits_fp32', n, 2, a, 1, activations),
    samplingKernel('softmax', n, a, a, 5, activations),
    samplingKernel('exponential_noise', n, 0, a, 10, activations),
    samplingKernel('race_divide', n, 2 * a, a, 1, activations),
    samplingKernel('argmax', n, a, 0, 1, activations),
    samplingKernel('token_write', batch, 8, 8, 0, activations),
  ]
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
    ...samplingWork(shape.batch, e.vocabSize, precision.activations),
  ]
}
