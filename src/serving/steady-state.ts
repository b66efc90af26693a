/**
 * In-flight batching in steady state: C sequences run at once; each step
 * decodes the running ones and prefills newcomers under the engine's token
 * budget. Over one cycle, C requests arrive, are prefilled, decode their
 * output and leave, so every per-cycle quantity is linear in the per-block
 * costs of two representative steps: the average step and a newcomer's.
 */
import type { SchedulerLimits } from './engine.ts'
import type { PrefillChunk, StepMix } from './engine-step.ts'
import type { Scenario } from './scenario.ts'

export interface SteadyState {
  /** Engine steps per cycle (one cycle serves `batch` requests from arrival to last token). */
  readonly steps: number
  /** The average step. */
  readonly step: StepMix
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
 * and more when the decode and prompt tokens of a cycle exceed the step budget.
 */
export function steadyState(s: Scenario, limits: SchedulerLimits): SteadyState {
  const C = s.batch
  const decodeSteps = s.output - 1
  const tokensPerCycle = C * decodeSteps + C * s.input
  const steps = Math.max(decodeSteps, tokensPerCycle / limits.stepTokens, 1)
  const decodeSequences = (C * decodeSteps) / steps
  // Contexts of running sequences are spread evenly over input + 1 … input + output − 1: their mean.
  const decodeContext = s.input + s.output / 2
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
  return { steps, step, newcomerSteps, newcomerWeights }
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
