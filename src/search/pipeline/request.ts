import type { Architecture } from '../../blocks/architecture.ts'
import type { ServingDeployment } from '../../serving/serving-deployment.ts'
import type { QualityModel } from '../quality/types.ts'
import type { SearchSpace } from '../space/types.ts'
import type { ServingOutcome } from './result.ts'

/** A serving scenario to budget against; `batch: 'auto'` tries the batches that fit and keeps the best. */
export interface ScenarioSpec {
  readonly input: number
  readonly output: number
  readonly batch: number | 'auto'
}

/** What the child must achieve, in every scenario. */
export type Target =
  | { readonly kind: 'speedup'; readonly factor: number }
  /** Generated tokens/s per GPU. */
  | { readonly kind: 'throughput'; readonly tokensPerSecondPerGpu: number }
  /** End-to-end latency, seconds: of the static batch, or of one request in flight (TTFT + decode). */
  | { readonly kind: 'latency'; readonly seconds: number }
  /** Bytes per GPU: weights plus the batch's KV cache, Mamba state and activations. */
  | { readonly kind: 'memory'; readonly bytes: number }
  /** No budget beyond fitting in memory: the frontier command's default. */
  | { readonly kind: 'none' }

/** Latency limits as users state them, seconds (mean in the steady-state model). */
export interface ServiceLevel {
  /** Time to first token. */
  readonly ttftSeconds?: number
  /** Time per output token after the first. */
  readonly tpotSeconds?: number
}

/** A limit on a quality metric's total ("tool-calling loss may grow by at most X"). */
export interface MetricLimit {
  readonly metric: string
  readonly max: number
}

export interface StructureOptions {
  /** Keep the first k layers as the parent's. */
  readonly keepFirst?: number
  /** Keep the last k layers as the parent's. */
  readonly keepLast?: number
  /** At least this many layers keep an attention mixer (any KV heads). */
  readonly minAttention?: number
  /** Only these variant ids in these layers. */
  readonly allowed?: readonly { readonly layer: number; readonly variants: readonly string[] }[]
}

export interface SearchRequest {
  readonly parent: Architecture
  readonly deployment: ServingDeployment
  readonly scenarios: readonly ScenarioSpec[]
  readonly target: Target
  /** Upper bound on the child's parameter count. */
  readonly maxParams?: number
  /** Service-level limits every scenario must meet beside the target. */
  readonly sla?: ServiceLevel
  readonly space: SearchSpace
  readonly quality: QualityModel
  /** Weights of the metrics summed into the objective; default `{ kl_div: 1 }` or the first metric. */
  readonly objective?: Readonly<Record<string, number>>
  readonly metricLimits?: readonly MetricLimit[]
  readonly structure?: StructureOptions
  /** Diverse top-k: how many children, and the share of layers each must differ in. */
  readonly top?: { readonly k: number; readonly minDifference: number }
  /**
   * FFN Fusion: fuse every maximal run of attention-free FFN layers of each child, cut into runs of at most `maxFfns`
   * FFNs when given, and re-evaluate the child exactly (search/fusion).
   */
  readonly fuseFfn?: {
    readonly maxFfns?: number
    /** The budget binds the fused child: relax the solver's budget while the fused child still meets it (fusion/fused-budget.ts). */
    readonly fusedBudget?: boolean
  }
  /**
   * The parent's serving per scenario, when the speedup compares with another model than `parent`: the Minitron
   * search solves each width setting with its pruned copy as `parent`, against the real parent's throughput.
   */
  readonly parentServing?: readonly (ServingOutcome | undefined)[]
  /**
   * Concurrencies a single `batch: 'auto'` scenario tries besides the powers of two: the Minitron search gives each
   * width setting its own pruned parent's best concurrency, so that the setting with every layer kept is tried there.
   */
  readonly batchHints?: readonly number[]
}
