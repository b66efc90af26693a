/**
 * What the plots draw: plain readonly data, independent of the search's
 * internals, so any result (a search run, an imported config, a hand-written
 * fixture) can be plotted. Units are part of every field's contract.
 */
import type { Architecture } from '../src/blocks/architecture.ts'
import type { FusedRun } from '../src/blocks/ffn-fusion.ts'
import type { TimelinePlotInput } from './timeline.ts'

// ---------------------------------------------------------------- frontier

/** One architecture on a quality/throughput plane. */
export interface FrontierPoint {
  /** Serving throughput in tokens/s per GPU. */
  readonly throughput: number
  /** Throughput divided by the parent's (×); derived from the parent point when absent. */
  readonly speedup?: number
  /** Quality loss, lower is better (e.g. summed KL divergence against the parent, in nats). */
  readonly quality: number
  /** Short name shown in tooltips (and beside the point for references and the choice). */
  readonly label?: string
  /** Identifier of the architecture in the result files, carried into the SVG as `data-architecture-id`. */
  readonly architectureId?: string
}

/** One search (a GPU, a budget or a scenario): its Pareto points. */
export interface FrontierSeries {
  /** Legend entry, e.g. `H100, TP1`. */
  readonly name: string
  /** Points in any order; the step line joins the non-dominated ones, dominated ones are drawn faded. */
  readonly points: readonly FrontierPoint[]
}

/** A labelled fixed point: the parent, or a named architecture such as an imported DeciLM config. */
export interface ReferencePoint extends FrontierPoint {
  readonly label: string
  /** `parent` is drawn as a star and is the base of the speedup axis; at most one parent. */
  readonly role: 'parent' | 'reference'
}

/** A vertical line at a throughput target. Give `throughput` (tokens/s per GPU) or `speedup` (×) or both. */
export interface ThroughputBudget {
  readonly throughput?: number
  readonly speedup?: number
  /** Text beside the line; defaults to the target's value with its unit. */
  readonly label?: string
}

/**
 * Where the quality scores came from. The caption must say so, because a
 * frontier drawn from the built-in prior is a guess, not a measurement.
 */
export interface QualitySource {
  /**
   * `prior`: every score from nas-sim's built-in prior;
   * `measured`: every score from supplied measurements;
   * `mixed`: measured where given, the prior elsewhere.
   */
  readonly kind: 'prior' | 'measured' | 'mixed'
  /** What was measured and where it came from, e.g. `replace-1-block KL from puzzle-scores.csv`. */
  readonly description?: string
}

export type FrontierXAxis = 'throughput' | 'speedup'

export interface FrontierPlotInput {
  readonly series: readonly FrontierSeries[]
  /** The parent and other named architectures, labelled on the plot. */
  readonly references?: readonly ReferencePoint[]
  /** The solution picked by the search, highlighted with a ring and a label. */
  readonly chosen?: FrontierPoint
  readonly budgets?: readonly ThroughputBudget[]
  /** Horizontal axis; default `throughput`. `speedup` needs each point's `speedup` or a parent reference. */
  readonly x?: FrontierXAxis
  /** Scale of the horizontal axis; default `auto`: logarithmic once the x values span more than 20×, else linear. */
  readonly xScale?: 'auto' | 'linear' | 'log'
  readonly qualitySource: QualitySource
  /** Name of the quality metric on the y axis; default `summed KL divergence`. */
  readonly qualityMetric?: string
  /** Unit of the quality metric; default `nats`. Ignored for the built-in prior, whose axis reads `arbitrary units`. */
  readonly qualityUnit?: string
  readonly title?: string
  /** Figure width in px (CSS pixels, 1/96 in); default 640. */
  readonly width?: number
  /** Figure height in px; default 440. */
  readonly height?: number
}

// ---------------------------------------------------------- architecture map

export interface ArchitectureMapInput {
  /** The parent: FFN fractions are measured against its FFN widths, layer by layer. */
  readonly parent: Architecture
  /** Children, stacked under the parent in this order; each must have the parent's layer count. */
  readonly children: readonly Architecture[]
  /** Draw the parent as the first row; default true. */
  readonly showParent?: boolean
  readonly title?: string
  /** Figure width in px; default 960. */
  readonly width?: number
  /**
   * Fused FFN runs per child, aligned with `children` (a search's `child.fusion.runs`); where absent, the layers an
   * imported config writes as fused (Ultra's layout) are found by their width.
   */
  readonly fusedRuns?: readonly (readonly FusedRun[] | undefined)[]
}

// ------------------------------------------------------------- breakdown

export type Phase = 'prefill' | 'decode'
export const phases = ['prefill', 'decode'] as const satisfies readonly Phase[]

/** Where time goes. `embeddings` covers the token embedding and the LM head; `host` the engine's per-step host time. */
export type TimeCategory = 'attention' | 'ffn' | 'mamba' | 'linear' | 'communication' | 'embeddings' | 'host'
export const timeCategories = [
  'attention',
  'ffn',
  'mamba',
  'linear',
  'communication',
  'embeddings',
  'host',
] as const satisfies readonly TimeCategory[]

/** Where memory goes. */
export type MemoryCategory = 'weights' | 'kvCache' | 'ssmState' | 'activations'
export const memoryCategories = [
  'weights',
  'kvCache',
  'ssmState',
  'activations',
] as const satisfies readonly MemoryCategory[]

export interface PhaseCost {
  /** Seconds per category for one step of this phase (the caption says what a step is); absent means 0. */
  readonly time: Readonly<Partial<Record<TimeCategory, number>>>
  /** Bytes per category held during this phase; absent means 0. */
  readonly memory: Readonly<Partial<Record<MemoryCategory, number>>>
}

/** One model's costs in both phases. */
export interface ModelCost {
  /** Row label, e.g. `Llama-3.3-70B`. */
  readonly name: string
  readonly role: 'parent' | 'child'
  /** The batch the row was costed at, shown beside its name, e.g. `batch 64` or `concurrency 256`. */
  readonly batch?: string
  readonly prefill: PhaseCost
  readonly decode: PhaseCost
  /** What the engine holds on one GPU (weights, activations and its KV pool), bytes; for the memory limit line. */
  readonly capacity?: number
}

export interface BreakdownInput {
  /** Rows top to bottom; the first parent is the base of the `×` ratios beside each bar. */
  readonly models: readonly ModelCost[]
  /** What a step is and on what hardware, e.g. `H100 SXM, TP1, batch 64, 1024 in / 1024 out; time per forward step`. */
  readonly scenario?: string
  /** A memory limit drawn as a dashed line on the memory panels, e.g. `{ bytes: 80e9, label: 'H100 80 GB' }`. */
  readonly memoryCapacity?: { readonly bytes: number; readonly label: string }
  readonly title?: string
  /** Figure width in px; default 760. */
  readonly width?: number
}

// ---------------------------------------------------------------- report

/** One table: a label column, then value columns. A two-column label/value table leaves `columns` out. */
export interface ReportTable {
  readonly title: string
  /** Header of the label column followed by the value columns' headers. */
  readonly columns?: readonly string[]
  readonly rows: readonly ReportRow[]
  /** A note under the table (units, sources). */
  readonly note?: string
}

export interface ReportRow {
  readonly label: string
  /** Already formatted with units, one per value column. */
  readonly values: readonly string[]
}

export interface ReportInput {
  readonly title: string
  /** One line under the title (scenario, date, command). */
  readonly subtitle?: string
  readonly frontier?: FrontierPlotInput
  readonly architectureMap?: ArchitectureMapInput
  readonly breakdown?: BreakdownInput
  /** A simulated engine run over time (`nas-sim simulate`). */
  readonly timeline?: TimelinePlotInput
  readonly tables: readonly ReportTable[]
}
