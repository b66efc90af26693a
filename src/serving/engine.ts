/**
 * Serving-engine profiles: how vLLM, TensorRT-LLM and SGLang, at their defaults,
 * split a GPU's memory, page the KV cache and batch work into engine steps.
 * These are data with sources; the models that use them are in this folder.
 */
import type { GpuSpec } from '../cost-model/hardware/gpu.ts'

export type EngineId = 'vllm' | 'trtllm' | 'sglang'

/**
 * How an engine sizes its KV-cache pool on one GPU. All three reserve the pool
 * at start-up; sequences then take whole blocks from it.
 */
export type MemoryPolicy =
  /** vLLM `gpu_memory_utilization`: weights, activations and the KV pool together take this share of the device. */
  | { readonly kind: 'share-of-total'; readonly fraction: number; readonly setting: string }
  /** TensorRT-LLM `kv_cache_free_gpu_mem_fraction`: the KV pool takes this share of what weights and activations leave. */
  | { readonly kind: 'share-of-free'; readonly fraction: number; readonly setting: string }
  /** SGLang `mem_fraction_static`: weights and the KV pool take this share; activations live in the rest. */
  | { readonly kind: 'static-share'; readonly fraction: (tp: number) => number; readonly setting: string }

/** The engine's scheduling limits on one GPU model. */
export interface SchedulerLimits {
  /** Most sequences running at once (vLLM `max_num_seqs`, TensorRT-LLM `max_batch_size`). */
  readonly maxSequences: number
  /** Most tokens one engine step processes, decode and prefill chunks together (chunked-prefill budget). */
  readonly stepTokens: number
}

export interface EngineProfile {
  readonly id: EngineId
  readonly name: string
  /** The release whose defaults these are. */
  readonly version: string
  readonly memory: MemoryPolicy
  /** Tokens per paged KV-cache block. */
  readonly kvBlockTokens: number
  /**
   * What a running sequence holds of the KV pool, which bounds how many run at once:
   * - `current`: the blocks of its tokens so far; when blocks run out the engine preempts (vLLM, SGLang);
   * - `final`: blocks for its prompt plus its maximum output, reserved when it is admitted, so that no running
   *   request is ever evicted (TensorRT-LLM's default capacity scheduler, GUARANTEED_NO_EVICT).
   */
  readonly kvAdmission: 'current' | 'final'
  /**
   * Whether prompts are split into chunks that fill each step's token budget beside the decodes (chunked prefill),
   * or prefilled whole in one step each.
   */
  readonly chunkedPrefill: boolean
  readonly limits: (gpu: GpuSpec) => SchedulerLimits
  /** Whether decode steps replay CUDA graphs, so that kernel launches cost no host time. */
  readonly cudaGraphsOnDecode: boolean
  /**
   * Host time per engine step that the GPU waits for (scheduling, input preparation, sampling bookkeeping),
   * seconds. No engine publishes this figure; see each profile for the reasoning behind it.
   */
  readonly stepOverheadSeconds: number
  readonly sources: readonly string[]
}

const GiB = 2 ** 30

/**
 * vLLM, V1 engine, OpenAI-compatible server (`vllm serve`).
 * - `gpu_memory_utilization` 0.9: vLLM engine arguments docs (v0.6–v0.11; v0.12's CacheConfig raised it to 0.92).
 * - Block size 16: `CacheConfig.DEFAULT_BLOCK_SIZE` (vllm/config/cache.py).
 * - Admission on current length: the scheduler allocates blocks as tokens are generated and preempts (recomputes)
 *   a request when none are left (vLLM docs, "Optimization and Tuning", preemption).
 * - On GPUs of 70 GiB or more other than the A100, the OpenAI-compatible server defaults to `max_num_seqs` 1024 and
 *   `max_num_batched_tokens` 8192; elsewhere to 256 and 2048 (`EngineArgs.get_batch_defaults`, vllm/engine/arg_utils.py;
 *   the A100 exception is vLLM PR #17885).
 * - Decode runs in captured CUDA graphs (V1 `cudagraph_capture_sizes`, on by default).
 * - Chunked prefill is always on in the V1 engine (vLLM blog, "vLLM V1", Jan 2025).
 * - Step overhead 0.3 ms: an assumption. V1 overlaps scheduling with the GPU (vLLM blog, "vLLM V1", Jan 2025), but its
 *   input preparation and sampler bookkeeping remain on the critical path; we take a few hundred microseconds.
 */
const vllm: EngineProfile = {
  id: 'vllm',
  name: 'vLLM (V1 engine)',
  version: '0.11',
  memory: { kind: 'share-of-total', fraction: 0.9, setting: 'gpu_memory_utilization' },
  kvBlockTokens: 16,
  kvAdmission: 'current',
  chunkedPrefill: true,
  limits: (gpu) =>
    gpu.memoryBytes >= 70 * GiB && !gpu.id.startsWith('a100') ? { maxSequences: 1024, stepTokens: 8192 } : { maxSequences: 256, stepTokens: 2048 },
  cudaGraphsOnDecode: true,
  stepOverheadSeconds: 0.3e-3,
  sources: ['docs.vllm.ai engine arguments', 'vllm/config/cache.py', 'vllm/engine/arg_utils.py'],
}

/**
 * TensorRT-LLM, LLM API / `trtllm-serve`.
 * - `free_gpu_memory_fraction` 0.9 of the memory left after weights and activations: KvCacheConfig reference and
 *   "How to Change KV Cache Behavior" (nvidia.github.io/TensorRT-LLM).
 * - `tokens_per_block` 32: KvCacheConfig reference.
 * - Admission on final length: the default capacity scheduler policy is GUARANTEED_NO_EVICT, which starts a request
 *   only when blocks for its prompt and maximum output can be guaranteed ("Useful Runtime Options", TensorRT-LLM
 *   performance tuning guide; `SchedulerConfig.capacity_scheduler_policy` in the LLM API reference).
 * - `max_batch_size` 2048 and `max_num_tokens` 8192: the LLM API's build defaults ("Tuning Max Batch Size and Max
 *   Num Tokens", TensorRT-LLM performance tuning guide).
 * - Chunked prefill ("chunked context") is off unless `enable_chunked_prefill` is set ("Long Sequences", TensorRT-LLM
 *   docs): each prompt is prefilled whole in one step, beside the running decodes.
 * - The runtime is C++ with in-flight batching and CUDA graphs; step overhead 0.2 ms is an assumption, below vLLM's
 *   because scheduling runs in C++ (TensorRT-LLM executor docs).
 */
const trtllm: EngineProfile = {
  id: 'trtllm',
  name: 'TensorRT-LLM',
  version: '1.0',
  memory: { kind: 'share-of-free', fraction: 0.9, setting: 'kv_cache_free_gpu_mem_fraction' },
  kvBlockTokens: 32,
  kvAdmission: 'final',
  chunkedPrefill: false,
  limits: () => ({ maxSequences: 2048, stepTokens: 8192 }),
  cudaGraphsOnDecode: true,
  stepOverheadSeconds: 0.2e-3,
  sources: ['nvidia.github.io/TensorRT-LLM KvCacheConfig', 'TensorRT-LLM performance tuning guide', 'TensorRT-LLM SchedulerConfig', 'TensorRT-LLM docs, Long Sequences'],
}

/**
 * SGLang, `sglang.launch_server`.
 * - `mem_fraction_static` by TP degree: 0.88 at TP1, 0.87 at TP2, 0.85 at TP4, 0.81 at TP8 (python/sglang/srt/server_args.py,
 *   v0.4 `__post_init__`).
 * - `page_size` 1 (server_args.py), `chunked_prefill_size` 8192 (server_args.py, GPUs of 80 GB and more): chunked
 *   prefill on.
 * - Admission on current length: the scheduler admits against an estimate of future tokens and retracts running
 *   requests when the pool runs out (`retract_decode`, python/sglang/srt/managers/schedule_batch.py), so the pool holds current lengths.
 * - `max_running_requests` has no fixed default: the KV token pool bounds it (server_args.py). We cap it at 4096,
 *   far above what a pool holds at useful lengths, so that memory is what binds.
 * - The overlap scheduler ("zero-overhead batch scheduler", SGLang v0.4 blog, Dec 2024) hides host work behind the
 *   GPU: step overhead 0.1 ms is an assumption for what remains.
 */
const sglang: EngineProfile = {
  id: 'sglang',
  name: 'SGLang',
  version: '0.4',
  memory: { kind: 'static-share', fraction: (tp) => (tp >= 8 ? 0.81 : tp >= 4 ? 0.85 : tp >= 2 ? 0.87 : 0.88), setting: 'mem_fraction_static' },
  kvBlockTokens: 1,
  kvAdmission: 'current',
  chunkedPrefill: true,
  limits: () => ({ maxSequences: 4096, stepTokens: 8192 }),
  cudaGraphsOnDecode: true,
  stepOverheadSeconds: 0.1e-3,
  sources: ['python/sglang/srt/server_args.py (v0.4)', 'SGLang v0.4 blog (overlap scheduler)'],
}

export const engines = { vllm, trtllm, sglang } as const satisfies Record<EngineId, EngineProfile>

/**
 * The default engine: vLLM, the open engine most deployments and papers serve with, and whose memory policy
 * (a share of the whole device) is the simplest to reason about. Puzzle's own table used TensorRT-LLM:
 * pass `--engine trtllm` to reproduce it.
 */
export const defaultEngine: EngineProfile = vllm

export const engineIds = Object.keys(engines) as EngineId[]

export function isEngineId(id: string): id is EngineId {
  return Object.hasOwn(engines, id)
}

/** What the engine's policy leaves for KV cache and recurrent state on one GPU, bytes (negative when the rest do not fit). */
export function kvPoolBytes(engine: EngineProfile, deviceBytes: number, tp: number, weights: number, activations: number): number {
  const m = engine.memory
  switch (m.kind) {
    case 'share-of-total':
      return m.fraction * deviceBytes - weights - activations
    case 'share-of-free':
      return m.fraction * (deviceBytes - weights - activations)
    case 'static-share':
      return m.fraction(tp) * deviceBytes - weights
  }
}

/**
 * The engine's memory rule in linear form, for budget rows:
 * weights + (activations if counted) + kvScale × (KV + state) ≤ capacity.
 */
export interface LinearMemoryRule {
  readonly capacity: number
  readonly kvScale: number
  readonly countsActivations: boolean
}

export function linearMemoryRule(engine: EngineProfile, deviceBytes: number, tp: number): LinearMemoryRule {
  const m = engine.memory
  switch (m.kind) {
    case 'share-of-total':
      return { capacity: m.fraction * deviceBytes, kvScale: 1, countsActivations: true }
    case 'share-of-free':
      return { capacity: deviceBytes, kvScale: 1 / m.fraction, countsActivations: true }
    case 'static-share':
      return { capacity: m.fraction(tp) * deviceBytes, kvScale: 1, countsActivations: false }
  }
}

/** The memory setting in words, e.g. `gpu_memory_utilization 0.9`. */
export function memorySettingLabel(engine: EngineProfile, tp: number): string {
  const m = engine.memory
  return `${m.setting} ${m.kind === 'static-share' ? m.fraction(tp) : m.fraction}`
}
