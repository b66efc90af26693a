/**
 * The GPU time of one engine step of a whole architecture: the sum over its
 * blocks and the embedding of `stepTime` (block-scenario-cost.ts), the very
 * kernels of `stepKernels` (engine-step.ts). A simulation runs hundreds of
 * thousands of steps, so the predictor evaluates the same sum in parts that
 * repeat:
 * - the kernels shared by decode and prefill (GEMMs over all the step's
 *   tokens, element-wise kernels, the all-reduce) depend only on the decode
 *   count, the prefill token count and the number of prefill chunks; their
 *   time is memoised on those three integers;
 * - each prompt chunk's attention/scan work is memoised per (tokens, prefix)
 *   and summed into the step's one prefill launch, then timed;
 * - decode attention/scan, which depends on the mean context, is built and
 *   timed each step, once per distinct block spec.
 * The memo is exact as long as a chunk's shared work is affine in its tokens,
 * which every block's is (see step-time.test.ts, which checks the predictor
 * against the direct sum on random mixes).
 */
import type { Architecture } from '../../blocks/architecture.ts'
import { embeddingWork } from '../../blocks/embedding.ts'
import type { BlockSpec } from '../../blocks/spec.ts'
import type { Kernel } from '../../blocks/work.ts'
import { executionOf, type Deployment } from '../../cost-model/deployment.ts'
import { kernelTiming } from '../../cost-model/roofline.ts'
import { blockPhaseWork, stepTime } from '../block-scenario-cost.ts'
import { stepKernels, type PhaseWork, type PrefillChunk, type StepMix } from '../engine-step.ts'

/** A block's (or the embedding's) work, and how many layers run it. */
interface WorkGroup {
  readonly work: PhaseWork
  readonly count: number
}

/** The architecture's distinct blocks (by spec content) and the embedding, each with its multiplicity. */
export function workGroups(arch: Architecture, d: Deployment): readonly WorkGroup[] {
  const exec = executionOf(d)
  const bySpec = new Map<string, { spec: BlockSpec; count: number }>()
  for (const layer of arch.layers) {
    for (const spec of [layer.mixer, layer.ffn]) {
      const key = JSON.stringify(spec)
      const seen = bySpec.get(key)
      if (seen === undefined) bySpec.set(key, { spec, count: 1 })
      else seen.count++
    }
  }
  const groups: WorkGroup[] = [...bySpec.values()].map(({ spec, count }) => ({ work: blockPhaseWork(spec, exec), count }))
  groups.push({ work: (shape) => embeddingWork(arch.embedding, shape, exec), count: 1 })
  return groups
}

/** The step's GPU seconds by the direct route: `stepTime` of every block and the embedding, summed. The reference for the predictor. */
export function directStepSeconds(arch: Architecture, mix: StepMix, d: Deployment): number {
  let seconds = 0
  for (const g of workGroups(arch, d)) seconds += g.count * stepTime(g.work, mix, d).seconds
  return seconds
}

function isPerPhase(k: Kernel): boolean {
  return k.kind === 'attention' || k.kind === 'scan'
}

/** A group whose work has attention or scan kernels, with where they sit in its decode kernel list. */
interface PhasedGroup {
  readonly work: PhaseWork
  readonly count: number
  /** Per chunk (tokens, prefix): its prefill attention/scan kernels, in order, at count 1. */
  readonly chunks: Map<number, readonly Kernel[]>
}

export interface StepTimePredictor {
  /** GPU seconds of one engine step (no host overhead), equal to `directStepSeconds` up to rounding. */
  readonly seconds: (mix: StepMix) => number
}

/**
 * A predictor for one architecture on one deployment. `maxDecode` and `maxChunkTokens` bound the memo keys (the
 * engine's sequence and step-token limits); larger values are still exact, through a slower string key.
 */
export function stepTimePredictor(arch: Architecture, d: Deployment, maxDecode: number, maxChunkTokens: number): StepTimePredictor {
  const exec = executionOf(d)
  const groups = workGroups(arch, d)
  const probe = (g: WorkGroup) =>
    g.work({ phase: 'decode', batch: 1, contextLen: 2 }).some(isPerPhase) || g.work({ phase: 'prefill', batch: 1, seqLen: 2 }).some(isPerPhase)
  const phased: PhasedGroup[] = groups.filter(probe).map((g) => ({ work: g.work, count: g.count, chunks: new Map() }))

  const shared = new Map<number | string, number>()
  const decodeSpan = maxDecode + 1
  const tokenSpan = maxChunkTokens + 1
  const sharedKey = (n: number, tokens: number, parts: number): number | string =>
    Number.isInteger(n) && n < decodeSpan && tokens < tokenSpan && Number.isInteger(parts) && parts < tokenSpan
      ? n + decodeSpan * (tokens + tokenSpan * parts)
      : `${n}|${tokens}|${parts}`

  /** Seconds of the kernels decode and prefill share, for this mix (exact for any mix with the same key). */
  const sharedSeconds = (mix: StepMix): number => {
    let s = 0
    for (const g of groups) {
      let t = 0
      for (const sk of stepKernels(g.work, mix, exec)) if (sk.phase === 'mixed') t += kernelTiming(sk.kernel, d).seconds
      s += g.count * t
    }
    return s
  }

  const chunkKernels = (g: PhasedGroup, c: PrefillChunk): readonly Kernel[] => {
    const key = c.tokens + tokenSpan * c.prefix
    let ks = g.chunks.get(key)
    if (ks === undefined) {
      const one: StepMix = { decodeSequences: 0, decodeContext: 0, prefill: [{ tokens: c.tokens, prefix: c.prefix, count: 1 }] }
      ks = stepKernels(g.work, one, exec)
        .filter((sk) => sk.phase === 'prefill')
        .map((sk) => sk.kernel)
      g.chunks.set(key, ks)
    }
    return ks
  }

  const seconds = (mix: StepMix): number => {
    const n = mix.decodeSequences
    let prefillTokens = 0
    let parts = 0
    for (const c of mix.prefill) {
      if (c.count > 0 && c.tokens > 0) {
        prefillTokens += c.tokens * c.count
        parts += c.count
      }
    }
    const key = sharedKey(n, prefillTokens, parts)
    let total = shared.get(key)
    if (total === undefined) shared.set(key, (total = sharedSeconds(mix)))

    for (const g of phased) {
      let t = 0
      if (n > 0) {
        for (const k of g.work({ phase: 'decode', batch: n, contextLen: mix.decodeContext })) if (isPerPhase(k)) t += kernelTiming(k, d).seconds
      }
      if (parts > 0) t += prefillPhaseSeconds(g, mix.prefill, chunkKernels, d)
      total += g.count * t
    }
    return total
  }
  return { seconds }
}

/**
 * The step's prefill attention/scan launches: per kernel name, the first chunk's kernel carrying the summed work of
 * every chunk, as `stepKernels` merges them.
 */
function prefillPhaseSeconds(
  g: PhasedGroup,
  chunks: readonly PrefillChunk[],
  kernelsOf: (g: PhasedGroup, c: PrefillChunk) => readonly Kernel[],
  d: Deployment,
): number {
  let first: readonly Kernel[] | undefined
  let flops: number[] = []
  let bytes: number[] = []
  for (const c of chunks) {
    if (!(c.count > 0 && c.tokens > 0)) continue
    const ks = kernelsOf(g, c)
    if (first === undefined) {
      first = ks
      flops = ks.map((k) => k.flops * c.count)
      bytes = ks.map((k) => k.bytes * c.count)
    } else {
      for (let i = 0; i < ks.length; i++) {
        flops[i]! += ks[i]!.flops * c.count
        bytes[i]! += ks[i]!.bytes * c.count
      }
    }
  }
  if (first === undefined) return 0
  let t = 0
  for (let i = 0; i < first.length; i++) t += kernelTiming({ ...first[i]!, flops: flops[i]!, bytes: bytes[i]! }, d).seconds
  return t
}
