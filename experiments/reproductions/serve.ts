import type { Architecture } from '../../src/blocks/architecture.ts'
import { bestServingSetting, type ServingEstimate, type ServingQuery } from '../../src/serving/best-setting.ts'
import type { EngineProfile } from '../../src/serving/engine.ts'

/** The best (or the fixed) setting, or the reasons none fits, joined into one line. */
export function serve(arch: Architecture, q: ServingQuery): { readonly best?: ServingEstimate; readonly why: string } {
  const { best, rejected } = bestServingSetting(arch, q)
  return best === undefined ? { why: rejected.join('; ') } : { best, why: '' }
}

/** `TP 2, batch 369` (a static batch) or `TP 2, 369 concurrent` (in flight). */
export function settingLabel(e: ServingEstimate): string {
  return e.deployment.batching === 'static' ? `TP ${e.tp}, batch ${e.batch}` : `TP ${e.tp}, ${e.batch} concurrent`
}

/** Bytes as GB with one decimal. */
export function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`
}

/**
 * The engine with a different cap on concurrent sequences, as a run sets it (TensorRT-LLM `max_batch_size`, vLLM
 * `max_num_seqs`): a setting of the published run, not a change to the engine's model.
 */
export function withMaxSequences(engine: EngineProfile, maxSequences: number): EngineProfile {
  return { ...engine, limits: (gpu) => ({ ...engine.limits(gpu), maxSequences }) }
}

/** Mean seconds of one engine step (in flight) or one decode step (static batch, prefill left out). */
export function meanStepSeconds(e: ServingEstimate): number {
  const m = e.cost.metrics
  return m.steps !== undefined ? m.steps.seconds : m.decodeSeconds / Math.max(1, e.cost.scenario.output - 1)
}

/** The mean step split by where its time goes, in ms: `step 21.2 ms: FFN 10.6, attention 7.1, …`. */
export function stepSummary(e: ServingEstimate): string {
  const steps = e.cost.metrics.steps?.perCycle ?? Math.max(1, e.cost.scenario.output - 1)
  const { prefill, decode } = e.cost.breakdown
  const inflight = e.cost.metrics.steps !== undefined
  // In flight every step mixes both phases; a static batch's prefill is not part of its decode step.
  const ms = (key: keyof typeof decode) => `${(((decode[key] + (inflight ? prefill[key] : 0)) / steps) * 1e3).toFixed(1)}`
  const parts = [`FFN ${ms('ffn')}`, `attention ${ms('attention')}`]
  if (decode.linear + prefill.linear > 0) parts.push(`linear ${ms('linear')}`)
  if (decode.mamba + prefill.mamba > 0) parts.push(`Mamba ${ms('mamba')}`)
  if (e.tp > 1) parts.push(`all-reduce ${ms('communication')}`)
  parts.push(`embeddings and LM head ${ms('embeddings')}`, `host ${ms('host')}`)
  return `step ${(meanStepSeconds(e) * 1e3).toFixed(1)} ms: ${parts.join(', ')}`
}
