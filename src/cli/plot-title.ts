/** The title of a plot of one serving setting: what a reader needs to know which experiment they are looking at. */
import * as Result from 'effect/Result'
import { findSystem } from '../cost-model/hardware/lookup.ts'
import { engines, type EngineId } from '../serving/engine.ts'
import type { Batching } from '../serving/serving-deployment.ts'

export interface ServingSetting {
  /** The parent's display name (or its preset id). */
  readonly parent: string
  /** A GPU or system id, e.g. `h100-sxm`; shown by its catalogue name. */
  readonly system: string
  readonly tp: number
  readonly weights: string
  readonly kv: string
  readonly engine: EngineId
  readonly batching: Batching
  readonly input: number
  readonly output: number
  readonly batch: number | 'auto'
}

/** `Llama-3.3-70B on 1× NVIDIA H100 SXM5 80GB, fp8 weights and KV · vLLM (V1 engine), in flight · 128 → 1024 tokens · best concurrency per child`. */
export function servingTitle(s: ServingSetting): string {
  const system = Result.match(findSystem(s.system), { onSuccess: (spec) => spec.name, onFailure: () => s.system })
  const precision = s.weights === s.kv ? `${s.weights} weights and KV` : `${s.weights} weights, ${s.kv} KV`
  const inflight = s.batching === 'inflight'
  const batch = s.batch === 'auto' ? `best ${inflight ? 'concurrency' : 'batch'} per child` : `${inflight ? 'concurrency' : 'batch'} ${s.batch}`
  return [
    `${s.parent} on ${system}${s.tp > 1 ? `, TP ${s.tp}` : ''}, ${precision}`,
    `${engines[s.engine].name}, ${inflight ? 'in-flight batching' : 'static batch'}`,
    `${s.input} → ${s.output} tokens`,
    batch,
  ].join(' · ')
}
