/** Number formats a tensor can be stored in or computed at. */
export type Precision = 'bf16' | 'fp16' | 'fp8' | 'fp4'

export const precisions: readonly Precision[] = ['bf16', 'fp16', 'fp8', 'fp4']

/**
 * Bytes per element. fp4 is counted at half a byte; the per-block scale factors of
 * NVFP4/MXFP4 (one fp8 scale per 16 or 32 values, about 3-6% extra) are left out.
 */
export const bytesPerElement: Readonly<Record<Precision, number>> = {
  bf16: 2,
  fp16: 2,
  fp8: 1,
  fp4: 0.5,
}

/** How weights, activations and the KV cache are stored, each chosen separately (an SSM's recurrent state follows the model dtype: see recurrentStatePrecision). */
export interface PrecisionConfig {
  readonly weights: Precision
  readonly activations: Precision
  readonly kv: Precision
}

export const bf16Everywhere: PrecisionConfig = { weights: 'bf16', activations: 'bf16', kv: 'bf16' }

/** The format a kernel multiplies in: the wider of its two operands (an fp8 weight times a bf16 activation runs at the bf16 rate). */
export function mathPrecision(a: Precision, b: Precision): Precision {
  if (bytesPerElement[a] !== bytesPerElement[b]) return bytesPerElement[a] > bytesPerElement[b] ? a : b
  return a === 'fp16' || b === 'fp16' ? 'fp16' : a
}

/**
 * The format an SSM's recurrent state (SSM state and conv state) is stored in:
 * the model dtype, whatever the KV cache's format. Engines size and type the
 * Mamba cache apart from the attention KV cache:
 * - vLLM: `CacheConfig.mamba_cache_dtype` and `mamba_ssm_cache_dtype`
 *   (`--mamba-cache-dtype`, `--mamba-ssm-cache-dtype`), both default "auto",
 *   separate from `cache_dtype` (`--kv-cache-dtype`); "auto" resolves through
 *   `MambaStateDtypeCalculator._mamba_state_dtype`
 *   (vllm/model_executor/layers/mamba/mamba_utils.py, v0.10.2 on) to the model
 *   dtype via `get_kv_cache_torch_dtype("auto", model_dtype)`
 *   (docs.vllm.ai vllm/config/cache.py, v0.10 and later). An fp8 KV cache does
 *   not touch it. (vLLM's NemotronH config hook then sets the SSM state alone to
 *   the checkpoint's `mamba_ssm_cache_dtype`, float32 when absent in recent
 *   versions: wider still, not modelled here.)
 * - TensorRT-LLM: `KvCacheConfig.mamba_ssm_cache_dtype`, bf16 by default on
 *   Hopper (NVIDIA/TensorRT-LLM PR 14448 sets float32 for Nemotron-Nano-9B-v2 only).
 * - SGLang: conv state bf16 (`SGLANG_MAMBA_CONV_DTYPE`, default "bfloat16", and
 *   older releases' `CONV_DTYPE = torch.bfloat16` in mamba2 cache params); the
 *   SSM state from `SGLANG_MAMBA_SSM_DTYPE` (python/sglang/srt/environ.py; its
 *   default when unset not pinned down here). Neither follows `--kv-cache-dtype`.
 * The model dtype is the activations' when they are 2-byte, else bf16 (an fp8
 * deployment quantises a bf16 checkpoint).
 */
export function recurrentStatePrecision(precision: PrecisionConfig): Precision {
  return mathPrecision('bf16', precision.activations)
}

/**
 * The format the SSM scan kernels (chunked SSD, the decode state update, the
 * selective scan, and the SSD's element-wise pieces) compute and exchange
 * tensors in: bf16 or wider, whatever the GEMMs run at. The Mamba kernels
 * (mamba_ssm's and vLLM's Triton SSD and selective_state_update) take bf16/fp16
 * inputs and accumulate in fp32; none has an fp8 path, and our profiler runs
 * them in bf16 next to fp8 GEMMs (experiments/profiling, "everything else bf16").
 */
export function scanPrecision(precision: PrecisionConfig): Precision {
  return mathPrecision('bf16', precision.activations)
}
