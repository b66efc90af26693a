/**
 * One engine step's schedule, in the manner of vLLM's V1 scheduler
 * (vllm/v1/core/sched/scheduler.py, `Scheduler.schedule`):
 * 1. Running sequences first, in the order they were admitted: each gets its
 *    pending tokens (one for a decode, a chunk of its prompt otherwise) up to
 *    what is left of the step's token budget. If the pool cannot hold their
 *    cache, the most recently admitted running sequence is preempted (its cache
 *    freed, to be recomputed later) until it can, or the sequence itself is.
 * 2. Then, if nothing was preempted, waiting sequences in arrival order
 *    (preempted ones first), while the budget, the sequence limit and the pool
 *    allow; a prompt longer than the remaining budget is chunked.
 * Engines differ in two ways the policy carries (src/serving/engine.ts):
 * - `kvAdmission: 'final'` (TensorRT-LLM's GUARANTEED_NO_EVICT): a sequence is
 *   admitted only with blocks for its prompt and its whole output, so the pool
 *   never runs short and nothing is preempted;
 * - `chunkedPrefill: false`: a prompt is taken whole, in a step whose budget it
 *   fits (or alone in an otherwise empty step when it is longer than a budget).
 */
import type { EngineProfile, SchedulerLimits } from '../engine.ts'
import type { PrefillChunk, StepMix } from '../engine-step.ts'
import { blocksFor, type KvPool } from './kv-cache.ts'
import type { Queue } from './queue.ts'
import { isDecode, pendingTokens, type Sequence } from './sequence.ts'

export interface StepPlan {
  /** Sequences that run in this step, each with its `scheduled` tokens set. */
  readonly scheduled: readonly Sequence[]
  /** Sequences preempted while scheduling this step. */
  readonly preempted: number
  readonly mix: StepMix
  readonly tokens: number
}

/** Schedules one step, moving sequences between `running` and `waiting` and taking or freeing KV blocks. */
/** How the engine admits sequences and splits prompts (vLLM's behaviour unless the engine says otherwise). */
export type SchedulingPolicy = Pick<EngineProfile, 'kvAdmission' | 'chunkedPrefill'>

const vllmPolicy: SchedulingPolicy = { kvAdmission: 'current', chunkedPrefill: true }

export function scheduleStep(running: Sequence[], waiting: Queue<Sequence>, pool: KvPool, limits: SchedulerLimits, policy: SchedulingPolicy = vllmPolicy): StepPlan {
  const blockTokens = pool.layout.blockTokens
  let budget = limits.stepTokens
  const scheduled: Sequence[] = []
  let preempted = 0

  let i = 0
  while (i < running.length && budget > 0) {
    const s = running[i]!
    const tokens = Math.min(pendingTokens(s), budget)
    // Under 'final' admission a running sequence already holds its whole cache.
    const blocks = Math.max(s.blocks, blocksFor(s.computed + tokens, blockTokens))
    let fits = pool.grow(s.blocks, blocks)
    while (!fits) {
      const victim = running.pop()!
      pool.release(victim.blocks)
      victim.blocks = 0
      victim.computed = 0
      victim.preemptions++
      preempted++
      waiting.pushFront(victim)
      if (victim === s) break
      fits = pool.grow(s.blocks, blocks)
    }
    if (!fits) break
    s.blocks = blocks
    s.scheduled = tokens
    scheduled.push(s)
    budget -= tokens
    i++
  }

  if (preempted === 0) {
    while (budget > 0 && running.length < limits.maxSequences) {
      const s = waiting.peek()
      if (s === undefined) break
      const pending = pendingTokens(s)
      // Without chunking a prompt waits for a step with room for all of it, unless nothing else runs in this one.
      if (!policy.chunkedPrefill && pending > budget && scheduled.length > 0) break
      const tokens = policy.chunkedPrefill ? Math.min(pending, budget) : pending
      const blocks = policy.kvAdmission === 'final' ? blocksFor(s.input + s.output, blockTokens) : blocksFor(tokens, blockTokens)
      if (!pool.grow(0, blocks)) break
      waiting.shift()
      s.blocks = blocks
      s.scheduled = tokens
      running.push(s)
      scheduled.push(s)
      budget -= tokens
    }
  }

  return { scheduled, preempted, mix: stepMix(scheduled), tokens: limits.stepTokens - budget }
}

/** The work of the scheduled sequences: decodes at their mean context, and one prefill chunk per other sequence. */
function stepMix(scheduled: readonly Sequence[]): StepMix {
  let decodes = 0
  let contexts = 0
  const prefill: PrefillChunk[] = []
  for (const s of scheduled) {
    if (isDecode(s)) {
      decodes++
      contexts += s.computed + 1
    } else prefill.push({ tokens: s.scheduled, prefix: s.computed, count: 1 })
  }
  return { decodeSequences: decodes, decodeContext: decodes > 0 ? contexts / decodes : 0, prefill }
}
