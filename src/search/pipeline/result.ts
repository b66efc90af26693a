import type { Architecture } from '../../blocks/architecture.ts'
import type { PrecisionConfig } from '../../blocks/precision.ts'
import type { FfnSlotSpec, MixerSpec } from '../../blocks/spec.ts'
import type { MemoryUse, ScenarioMetrics } from '../../serving/architecture-cost.ts'
import type { OptimalityProof } from '../solution.ts'
import type { Metrics, QualitySourceInfo } from '../quality/types.ts'
import type { WidthSetting } from '../space/minitron.ts'
import type { EngineId } from '../../serving/engine.ts'
import type { Batching } from '../../serving/serving-deployment.ts'
import type { MetricLimit, ServiceLevel, StructureOptions, Target } from './request.ts'
import type { FusionReport } from '../fusion/fuse-child.ts'

/** How a model serves one scenario. */
export interface ServingOutcome {
  readonly batch: number
  readonly metrics: ScenarioMetrics
  readonly memory: MemoryUse
}

export interface ScenarioOutcome {
  readonly input: number
  readonly output: number
  readonly child: ServingOutcome
  /** The parent at its own best batch that fits (same TP), or undefined when it does not fit at all. */
  readonly parent: ServingOutcome | undefined
  /** Child tokens/s per GPU over the parent's; undefined when the parent does not fit. */
  readonly speedup: number | undefined
  /** The throughput the child had to reach, tokens/s per GPU, when the target is one. */
  readonly requiredTokensPerSecondPerGpu?: number
}

export interface ChildLayer {
  readonly layer: number
  readonly variant: string
  readonly mixer: MixerSpec
  readonly ffn: FfnSlotSpec
}

/** One solution of a search, as written to result.json. */
export interface ChildArchitecture {
  readonly architecture: Architecture
  readonly layers: readonly ChildLayer[]
  readonly params: number
  /** Every quality metric's total, by name (e.g. `kl_div`). */
  readonly metrics: Readonly<Record<string, number>>
  readonly objective: number
  readonly scenarios: readonly ScenarioOutcome[]
  /** With `--fuse-ffn`, when the child has runs to fuse: the runs and the solver's unfused child; the fields above are the fused child's. */
  readonly fusion?: FusionReport
}

/** What every result file records of the request it answers: parent, where it ran, the space and objective. */
export interface RequestSummary {
  readonly parent: string
  readonly system: string
  readonly tp: number
  readonly precision: PrecisionConfig
  readonly space: string
  /** The serving engine whose memory policy and scheduler the costs assume. */
  readonly engine: EngineId
  readonly batching: Batching
  readonly objective: Readonly<Record<string, number>>
  readonly efficiency: { readonly name: string; readonly source: 'datasheet' | 'calibrated'; readonly derivedFrom?: string }
}

/** The document `nas-sim search` writes; `kind` and `version` make it a file format. */
export interface SearchResult {
  readonly kind: 'nas-sim/search-result'
  readonly version: 2
  readonly createdAt: string
  readonly request: RequestSummary & {
    readonly scenarios: readonly { readonly input: number; readonly output: number; readonly batch: number | 'auto' }[]
    readonly target: Target
    readonly maxParams?: number
    readonly sla?: ServiceLevel
    readonly metricLimits: readonly MetricLimit[]
    readonly structure: StructureOptions
  }
  readonly parent: { readonly name: string; readonly params: number; readonly architecture: Architecture }
  readonly child: ChildArchitecture
  /** The child's speedup in the first scenario. */
  readonly speedup: number | undefined
  readonly quality: { readonly metrics: readonly string[]; readonly source: QualitySourceInfo }
  readonly proof: OptimalityProof
  /** Each batch tried (for `batch: auto`) and what it gave: an objective, infeasibility, or no answer in time. */
  readonly batchesTried: readonly {
    readonly batches: readonly number[]
    readonly objective?: number
    /** The plan's Lagrangian lower bound on the objective, when it was computed. */
    readonly bound?: number
    /** Why the plan needs no search: no child there can beat the best (its bound, or a search below the best's objective, says so). */
    readonly pruned?: string
    readonly infeasible?: string
    readonly unsolved?: string
  }[]
  /** What limits the result's claims (batches left unsolved, alternatives not found); empty when none. */
  readonly notes: readonly string[]
  /** Diverse alternatives after the best, when asked for (`--top`). */
  readonly alternatives: readonly ChildArchitecture[]
  /** In the Minitron space: the width setting the child has, and how the grid was settled. */
  readonly minitron?: MinitronOutcome
  readonly searchSeconds: number
}

/** What a Minitron search chose: the model-wide widths, the layers dropped, and the losses of each. */
export interface MinitronOutcome {
  readonly widths: WidthSetting
  /** e.g. `hidden 3072, FFN 12288, Mamba 8 groups × 14 heads (112) × 64 channels`. */
  readonly description: string
  /** The widths' own loss; the child's metrics are this plus `depthLoss`. */
  readonly widthLoss: Metrics
  readonly depthLoss: Metrics
  /** Indices (in the parent) of the layers dropped whole (every block they held). */
  readonly droppedLayers: readonly number[]
  readonly keptLayers: number
  /** How every setting of the grid was settled: solved exactly, infeasible, over a metric limit by its width loss, skipped by its bound, or not a valid block. */
  readonly settings: {
    readonly total: number
    readonly solved: number
    readonly infeasible: number
    readonly overLimit: number
    readonly skipped: number
    readonly invalid: number
  }
}
