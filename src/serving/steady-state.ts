/**
 * In-flight batching in steady state: C sequences run at once; each step
 * decodes the running ones and prefills newcomers under the engine's token
 * budget. Over one cycle, C requests arrive, are prefilled, decode their
 * output and leave, so every per-cycle quantity is linear in the per-block
 * costs of a few representative steps: the kinds of step in a cycle and a newcomer's.
 */
import type { EngineProfile, SchedulerLimits } from './engine.ts'
import type { PrefillChunk, StepMix } from './engine-step.ts'
import type { Scenario } from './scenario.ts'

export interface SteadyState {
  /** Engine steps per cycle (one cycle serves `batch` requests from arrival to last token). */
  readonly steps: number
  /** The average step. */
  readonly step: StepMix
  /**
   * The cycle's steps by kind, with how many of each (the counts add up to `steps`). With chunked prefill every step
   * is the average one; without it, prompts go whole into some steps and the others only decode, and because a
   * step's time is not linear in its tokens (a GEMM turns from weight-bound to compute-bound), the kinds are costed
   * apart.
   */
  readonly mixes: readonly { readonly mix: StepMix; readonly count: number }[]
  /** The steps that carry one newcomer's prompt, beside the running decodes; its TTFT is their sum plus half a step. */
  readonly newcomerSteps: readonly StepMix[]
  /** How many steps each entry of `newcomerSteps` stands for (chunks are grouped when a prompt needs many). */
  readonly newcomerWeights: readonly number[]
}

/** At most this many distinct chunk positions are evaluated for a newcomer's prefill (the rest are grouped). */
const maxNewcomerEvaluations = 8

/**
 * The steady state of `s.batch` concurrent sequences of `s.input` prompt and
 * `s.output` generated tokens. Each request needs output − 1 decode steps (the
 * first token comes from its prefill); a cycle has at least that many steps,
 * and more when the decode and prompt tokens of a cycle exceed the step budget
 * (chunked) or when its prompts need more steps than that (whole prompts, as
 * many per step as the budget holds beside the decodes, at least one).
 */
export function steadyState(s: Scenario, limits: SchedulerLimits, chunkedPrefill = true): SteadyState {
  const C = s.batch
  const decodeSteps = s.output - 1
  // Contexts of running sequences are spread evenly over input + 1 … input + output − 1: their mean.
  const decodeContext = s.input + s.output / 2
  if (!chunkedPrefill) return wholePromptState(s, limits, decodeSteps, decodeContext)
  const tokensPerCycle = C * decodeSteps + C * s.input
  const steps = Math.max(decodeSteps, tokensPerCycle / limits.stepTokens, 1)
  const decodeSequences = (C * decodeSteps) / steps
  // A newcomer's prompt gets what the step budget leaves beside the running decodes.
  const room = Math.max(1, limits.stepTokens - decodeSequences)
  const chunk = Math.min(s.input, room)
  const chunks = Math.ceil(s.input / chunk)
  // C prompts a cycle, each in `chunks` steps: the share of steps that carry a prefill (at most all of them).
  const prefillStepShare = Math.min(1, (C * chunks) / steps)
  const step: StepMix = { decodeSequences, decodeContext, prefill: [{ tokens: s.input, prefix: 0, count: C / steps }], prefillStepShare }

  const groups = Math.min(chunks, maxNewcomerEvaluations)
  const newcomerSteps: StepMix[] = []
  const newcomerWeights: number[] = []
  let done = 0
  for (let g = 0; g < groups; g++) {
    const end = Math.round(((g + 1) * chunks) / groups)
    const n = end - done
    // The group's middle chunk stands for all of it (midpoint rule over the prefix).
    const mid = done + Math.floor(n / 2)
    const prefix = mid * chunk
    const own: PrefillChunk = { tokens: Math.min(chunk, s.input - prefix), prefix, count: 1 }
    newcomerSteps.push({ decodeSequences, decodeContext, prefill: [own] })
    newcomerWeights.push(n)
    done = end
  }
  return { steps, step, mixes: [{ mix: step, count: steps }], newcomerSteps, newcomerWeights }
}

/**
 * Without chunked prefill each prompt is prefilled whole in one step, beside the running decodes. Arrivals are
 * spread over the cycle as in the chunked case, so a freed slot is refilled in the next step: while there are fewer
 * requests per cycle than steps, C steps carry one prompt each and the rest only decode; beyond that every step
 * carries C / steps prompts, up to as many whole prompts as the step budget holds beside the decodes (at least one,
 * however long), and the cycle stretches when even that is not enough.
 */
function wholePromptState(s: Scenario, limits: SchedulerLimits, decodeSteps: number, decodeContext: number): SteadyState {
  const C = s.batch
  // Whole prompts a step can hold beside its decodes; the decodes per step depend on the step count, so the count is
  // stretched from the decode-bound one until the prompts fit (a few rounds settle it).
  const perStep = (steps: number) => Math.max(1, Math.floor((limits.stepTokens - (C * decodeSteps) / steps) / s.input))
  let steps = Math.max(decodeSteps, 1)
  for (let round = 0; round < 4; round++) steps = Math.max(decodeSteps, 1, C / perStep(steps))
  const withPrompts = Math.min(steps, C)
  const decodeSequences = (C * decodeSteps) / steps
  const prompted: StepMix = { decodeSequences, decodeContext, prefill: [{ tokens: s.input, prefix: 0, count: C / withPrompts }] }
  const decodeOnly: StepMix = { decodeSequences, decodeContext, prefill: [] }
  const mixes = steps > withPrompts ? [{ mix: prompted, count: withPrompts }, { mix: decodeOnly, count: steps - withPrompts }] : [{ mix: prompted, count: steps }]
  const step: StepMix = { decodeSequences, decodeContext, prefill: [{ tokens: s.input, prefix: 0, count: C / steps }] }
  const own: StepMix = { decodeSequences, decodeContext, prefill: [{ tokens: s.input, prefix: 0, count: 1 }] }
  return { steps, step, mixes, newcomerSteps: [own], newcomerWeights: [1] }
}

/**
 * Mean paged KV-cache length of a running sequence, in tokens: its length is
 * spread evenly over input + 1 … input + output, and each is rounded up to
 * whole blocks of `blockTokens`.
 */
export function meanPagedTokens(input: number, output: number, blockTokens: number): number {
  return (roundedUpSum(input + output, blockTokens) - roundedUpSum(input, blockTokens)) / output
}

/** Σ ⌈L / b⌉ · b over L = 1 … n, in closed form: q whole blocks of lengths, then r lengths in block q + 1. */
function roundedUpSum(n: number, b: number): number {
  const q = Math.floor(n / b)
  const r = n - q * b
  return (b * b * q * (q + 1)) / 2 + r * (q + 1) * b
}

/**
 * KV-cache tokens one running sequence holds on average under the engine's admission rule: its mean paged length
 * (`current`), or its prompt plus output rounded up to whole blocks, reserved from admission to the end (`final`).
 */
export function heldKvTokens(input: number, output: number, engine: Pick<EngineProfile, 'kvAdmission' | 'kvBlockTokens'>): number {
  const block = engine.kvBlockTokens
  return engine.kvAdmission === 'final' ? Math.ceil((input + output) / block) * block : meanPagedTokens(input, output, block)
}
