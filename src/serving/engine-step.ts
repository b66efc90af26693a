/**
 * One engine step (iteration) of in-flight batching: the running sequences each
 * decode one token while prompt chunks are prefilled alongside, all under one
 * token budget. The step's kernels come from the blocks' own work; what an
 * engine shares between the two kinds of work is merged here:
 * - every weight GEMM runs once over all the step's tokens, so its weights are
 *   read once (this is why prefill rides almost free on a memory-bound decode);
 * - element-wise kernels and the all-reduce run once over all tokens;
 * - attention and scans stay per phase: one launch for the decode sequences and
 *   one (variable-length) launch for all prefill chunks.
 */
import { gemmWithRows } from '../blocks/kernels.ts'
import type { ExecutionConfig, Kernel, PhaseShape } from '../blocks/work.ts'

/** What a block (or the embedding) runs for one phase shape: the blocks' `work`, bound to a spec and an execution. */
export type PhaseWork = (shape: PhaseShape) => readonly Kernel[]

/** Prompt tokens prefilled in one step: `count` chunks of `tokens` each, after `prefix` tokens already cached. */
export interface PrefillChunk {
  readonly tokens: number
  readonly prefix: number
  /** How many such chunks (a mean may be fractional in the steady-state model). */
  readonly count: number
}

/** The work of one engine step. */
export interface StepMix {
  /** Sequences decoding one token each (may be fractional as a mean). */
  readonly decodeSequences: number
  /** Their mean context: the tokens a new token attends over, itself included. */
  readonly decodeContext: number
  readonly prefill: readonly PrefillChunk[]
  /**
   * For an average step: the share of steps that carry any prefill, so that the prefill-only kernels' launch
   * overheads are paid that often, not in every step. Default 1 (a real step that carries its chunks).
   */
  readonly prefillStepShare?: number
}

/** Tokens the step processes: one per decoding sequence plus every prefilled prompt token. */
export function stepTokens(mix: StepMix): number {
  let t = mix.decodeSequences
  for (const c of mix.prefill) t += c.tokens * c.count
  return t
}

function isPerPhase(k: Kernel): boolean {
  return k.kind === 'attention' || k.kind === 'scan'
}

/**
 * `by` chunks' worth of a chunk's kernel. A weight GEMM is rebuilt over `by` times the tokens, so that its weights
 * are read once and its shape (which the merge and shape-dependent efficiencies read) has the tokens it really runs.
 */
function scaled(k: Kernel, by: number, exec: ExecutionConfig): Kernel {
  if (k.gemm !== undefined) return gemmWithRows(k, k.gemm.m * by, exec.precision)
  return { ...k, flops: k.flops * by, bytes: k.bytes * by }
}

/**
 * The attention and scan work of a prompt chunk after `prefix` cached tokens:
 * a prefill of prefix + tokens minus a prefill of prefix, which is exact for
 * the causal pairs and the scanned tokens. The GEMM and element-wise work of
 * the chunk is that of its own tokens.
 */
function chunkKernels(work: PhaseWork, chunk: PrefillChunk, exec: ExecutionConfig): Kernel[] {
  const own = work({ phase: 'prefill', batch: 1, seqLen: chunk.tokens })
  if (chunk.prefix === 0) return own.map((k) => scaled(k, chunk.count, exec))
  const whole = work({ phase: 'prefill', batch: 1, seqLen: chunk.prefix + chunk.tokens })
  const before = work({ phase: 'prefill', batch: 1, seqLen: chunk.prefix })
  return own.map((k, i) => {
    if (!isPerPhase(k)) return scaled(k, chunk.count, exec)
    const w = whole[i]!
    const b = before[i]!
    // Reading the cached prefix's K/V once more is what the difference leaves out; it is added back as bytes.
    return { ...w, flops: (w.flops - b.flops) * chunk.count, bytes: (w.bytes - b.bytes + prefixReadBytes(b)) * chunk.count }
  })
}

/**
 * Bytes a chunk re-reads from its cached prefix, approximated as half the prefix prefill's attention traffic (its
 * K and V, against Q, O and the cache writes). Chunk attention is compute-bound at useful chunk sizes, so the
 * approximation moves little time.
 */
function prefixReadBytes(prefixKernel: Kernel): number {
  return prefixKernel.kind === 'attention' ? prefixKernel.bytes / 2 : 0
}

/** A step kernel and the phase its work belongs to (`mixed` for GEMMs and others shared by both). */
export interface StepKernel {
  readonly kernel: Kernel
  readonly phase: 'decode' | 'prefill' | 'mixed'
  /** The share of its work that is prefill (1 for prefill attention, 0 for decode attention). */
  readonly prefillShare: number
}

/**
 * The kernels one GPU runs for one block (or the embedding) in an engine step.
 * Kernels are merged by name (GEMMs, element-wise, communication) or by name and
 * phase (attention, scan), in the block's own order.
 */
export function stepKernels(work: PhaseWork, mix: StepMix, exec: ExecutionConfig): StepKernel[] {
  const parts: { readonly phase: 'decode' | 'prefill'; readonly kernels: readonly Kernel[] }[] = []
  if (mix.decodeSequences > 0) parts.push({ phase: 'decode', kernels: work({ phase: 'decode', batch: mix.decodeSequences, contextLen: mix.decodeContext }) })
  for (const chunk of mix.prefill) if (chunk.count > 0 && chunk.tokens > 0) parts.push({ phase: 'prefill', kernels: chunkKernels(work, chunk, exec) })

  const decodeTokens = mix.decodeSequences
  const total = stepTokens(mix)
  const prefillShare = total > 0 ? (total - decodeTokens) / total : 0

  const merged = new Map<string, StepKernel>()
  for (const { phase, kernels } of parts) {
    for (const k of kernels) {
      const perPhase = isPerPhase(k)
      const key = perPhase ? `${k.name}|${phase}` : k.name
      const seen = merged.get(key)
      if (seen === undefined)
        merged.set(key, perPhase ? { kernel: k, phase, prefillShare: phase === 'prefill' ? 1 : 0 } : { kernel: k, phase: 'mixed', prefillShare })
      else merged.set(key, { ...seen, kernel: mergeKernels(seen.kernel, k, exec) })
    }
  }
  return [...merged.values()]
}

function mergeKernels(a: Kernel, b: Kernel, exec: ExecutionConfig): Kernel {
  if (a.gemm !== undefined && b.gemm !== undefined) {
    // One GEMM over both token sets: the weights are read once.
    return gemmWithRows(a, a.gemm.m + b.gemm.m, exec.precision)
  }
  // Element-wise, all-reduce and same-phase attention/scan launches: one launch doing both shares of work.
  return { ...a, flops: a.flops + b.flops, bytes: a.bytes + b.bytes }
}
