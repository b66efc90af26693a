/**
 * A deployment as an engine serves it: the hardware, TP and precisions of the
 * cost model's `Deployment`, plus the engine whose memory policy and scheduler
 * apply, and whether sequences are batched in flight or in one static batch.
 */
import type { Deployment } from '../cost-model/deployment.ts'
import { defaultEngine, type EngineProfile } from './engine.ts'

/**
 * - `inflight`: continuous batching with chunked prefill and a paged KV cache, as every engine serves (the default).
 * - `static`: one batch prefilled together and decoded together, each sequence's cache reserved at its final length;
 *   the setting of Puzzle's MIP table (arXiv:2411.19146 §4).
 */
export type Batching = 'inflight' | 'static'

export const batchingModes: readonly Batching[] = ['inflight', 'static']

export interface ServingDeployment extends Deployment {
  readonly engine: EngineProfile
  readonly batching: Batching
}

export interface ServingOptions {
  readonly engine?: EngineProfile
  readonly batching?: Batching
}

/** The deployment served by an engine (vLLM and in-flight batching unless told otherwise). */
export function servingDeployment(d: Deployment, options: ServingOptions = {}): ServingDeployment {
  return { ...d, engine: options.engine ?? defaultEngine, batching: options.batching ?? 'inflight' }
}
