import type { Architecture, EmbeddingSpec } from '../blocks/architecture.ts'
import { embeddingParams, embeddingWork } from '../blocks/embedding.ts'
import { bytesPerElement } from '../blocks/precision.ts'
import type { BlockKind } from '../blocks/spec.ts'
import { timeKernels } from './block-cost.ts'
import { blockScenarioCost, memoTable, scenarioCostTable, type BlockScenarioCost, type CostCache } from './block-scenario-cost.ts'
import { executionOf, type Deployment } from './deployment.ts'
import { decodeSegments, scenarioKey, type Scenario } from './scenario.ts'
import { stepOverheadSeconds } from './step-overhead.ts'

/** Where time goes: categories of the cost breakdown. */
export type TimeCategory = 'attention' | 'ffn' | 'mamba' | 'linear' | 'communication' | 'embeddings'

const categoryOf: Readonly<Record<BlockKind, TimeCategory | undefined>> = {
  attention: 'attention',
  ffn: 'ffn',
  mamba2: 'mamba',
  linear: 'linear',
  noop: undefined,
  // Hymba's attention and SSM heads share one block (and one out_proj); its time is counted with attention.
  'hybrid-heads': 'attention',
}

export interface MemoryUse {
  /** Bytes on one GPU. */
  readonly weights: number
  readonly kvCache: number
  readonly ssmState: number
  readonly activations: number
  readonly total: number
  /** Usable bytes per GPU (capacity × memory utilisation). */
  readonly capacity: number
  readonly fits: boolean
  /** Largest batch whose memory fits, at this scenario's lengths (0 when the weights alone do not fit). */
  readonly maxBatch: number
}

export interface ScenarioMetrics {
  /** Time to first token: the prefill of the batch, seconds. */
  readonly ttftSeconds: number
  /** Time per output token after the first, seconds; undefined when output = 1. */
  readonly tpotSeconds: number | undefined
  readonly decodeSeconds: number
  /** End-to-end latency of the batch, seconds. */
  readonly e2eSeconds: number
  /** Generated tokens per second for the whole system. */
  readonly outputTokensPerSecond: number
  /** Generated tokens per second per GPU (÷ TP). */
  readonly outputTokensPerSecondPerGpu: number
  /** One sequence's decode rate, tokens/s (1 / TPOT; output / e2e when output = 1). */
  readonly tokensPerSecondPerUser: number
}

export interface LayerCost {
  readonly mixer: BlockScenarioCost
  readonly ffn: BlockScenarioCost
}

export interface ArchitectureCost {
  readonly scenario: Scenario
  readonly metrics: ScenarioMetrics
  readonly memory: MemoryUse
  readonly params: number
  /** Seconds by category, prefill and decode (decode summed over all steps). */
  readonly breakdown: { readonly prefill: Readonly<Record<TimeCategory, number>>; readonly decode: Readonly<Record<TimeCategory, number>> }
  readonly layers: readonly LayerCost[]
  /** Which efficiency model produced the times. */
  readonly efficiency: { readonly name: string; readonly source: 'datasheet' | 'calibrated'; readonly derivedFrom?: string }
  /** Launch latency of each step's CUDA graph (step-overhead.ts), seconds, in the metrics but not in `breakdown`: the prefill's, and all decode steps' together. */
  readonly launch: { readonly prefill: number; readonly decode: number }
}

const timeCategories: readonly TimeCategory[] = ['attention', 'ffn', 'mamba', 'linear', 'communication', 'embeddings']
const categoryCount = timeCategories.length

/** Each block kind's index in `timeCategories`, −1 for a no-op. */
const categoryIndex = Object.fromEntries(
  Object.entries(categoryOf).map(([kind, category]) => [kind, category === undefined ? -1 : timeCategories.indexOf(category)]),
) as Readonly<Record<BlockKind, number>>

/** Each category's index in `timeCategories`. */
const at = Object.fromEntries(timeCategories.map((c, i) => [c, i])) as Readonly<Record<TimeCategory, number>>

/** The accumulated seconds as a record; spelled out because it runs once per evaluation. */
function breakdownOf(by: Float64Array): Record<TimeCategory, number> {
  return {
    attention: by[at.attention]!,
    ffn: by[at.ffn]!,
    mamba: by[at.mamba]!,
    linear: by[at.linear]!,
    communication: by[at.communication]!,
    embeddings: by[at.embeddings]!,
  }
}

interface EmbeddingCost {
  readonly prefillSeconds: number
  readonly decodeSeconds: number
  readonly weightBytes: number
  readonly logitsBytes: number
  readonly params: number
}

const embeddingCache: CostCache<EmbeddingSpec, EmbeddingCost> = new WeakMap()

/** The embedding's cost, memoised like the blocks'. */
function embeddingCost(arch: Architecture, s: Scenario, d: Deployment, key: string): EmbeddingCost {
  const table = memoTable(embeddingCache, d, key)
  let cost = table.get(arch.embedding)
  if (cost === undefined) table.set(arch.embedding, (cost = computeEmbeddingCost(arch, s, d)))
  return cost
}

function computeEmbeddingCost(arch: Architecture, s: Scenario, d: Deployment): EmbeddingCost {
  const exec = executionOf(d)
  const prefillSeconds = timeKernels(embeddingWork(arch.embedding, { phase: 'prefill', batch: s.batch, seqLen: s.input }, exec), d).seconds
  let decodeSeconds = 0
  for (const seg of decodeSegments(s))
    decodeSeconds += seg.steps * timeKernels(embeddingWork(arch.embedding, { phase: 'decode', batch: s.batch, contextLen: seg.contextLen }, exec), d).seconds
  const params = embeddingParams(arch.embedding)
  return {
    prefillSeconds,
    decodeSeconds,
    params,
    weightBytes: (params * bytesPerElement[d.precision.weights]) / d.tp,
    // fp32 logits of the last position per sequence, split by vocabulary.
    logitsBytes: (4 * arch.embedding.vocabSize) / d.tp,
  }
}

/**
 * Predicted latency, throughput and memory of an architecture in a scenario on
 * a deployment. Blocks are costed once per distinct spec object and scenario
 * (memoised), so re-evaluating a child that differs in a few layers is cheap.
 */
export function architectureCost(arch: Architecture, s: Scenario, d: Deployment): ArchitectureCost {
  const key = scenarioKey(s)
  const table = scenarioCostTable(d, key)
  // Accumulated in typed arrays indexed by category (the inner loop of every whole-architecture evaluation).
  const prefillBy = new Float64Array(categoryCount)
  const decodeBy = new Float64Array(categoryCount)
  let weights = 0
  let kvPerSeq = 0
  let statePerSeq = 0
  let workspacePerSeq = 0
  let params = 0
  const n = arch.layers.length
  const layers: LayerCost[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const layer = arch.layers[i]!
    const mixer = blockScenarioCost(layer.mixer, s, d, table)
    const ffn = blockScenarioCost(layer.ffn, s, d, table)
    layers[i] = { mixer, ffn }
    for (let slot = 0; slot < 2; slot++) {
      const c = slot === 0 ? mixer : ffn
      const category = categoryIndex[(slot === 0 ? layer.mixer : layer.ffn).type]
      if (category >= 0) {
        prefillBy[category]! += c.prefillSeconds - c.prefillCommunicationSeconds
        decodeBy[category]! += c.decodeSeconds - c.decodeCommunicationSeconds
        prefillBy[at.communication]! += c.prefillCommunicationSeconds
        decodeBy[at.communication]! += c.decodeCommunicationSeconds
      }
      weights += c.weightBytes
      kvPerSeq += c.kvBytesPerSequence
      statePerSeq += c.stateBytesPerSequence
      if (c.workspaceBytesPerSequence > workspacePerSeq) workspacePerSeq = c.workspaceBytesPerSequence
      params += c.params
    }
  }
  const prefill = breakdownOf(prefillBy)
  const decode = breakdownOf(decodeBy)
  const emb = embeddingCost(arch, s, d, key)
  prefill.embeddings += emb.prefillSeconds
  decode.embeddings += emb.decodeSeconds
  weights += emb.weightBytes
  params += emb.params

  // Serving engines launch each step as a CUDA graph: one launch latency per step.
  const launchPerStep = stepOverheadSeconds(true, 0, 0, d.efficiency.step)
  const launch = { prefill: launchPerStep, decode: Math.max(0, s.output - 1) * launchPerStep }
  const ttftSeconds = sum(prefill) + launch.prefill
  const decodeSeconds = sum(decode) + launch.decode
  const e2eSeconds = ttftSeconds + decodeSeconds
  const tpotSeconds = s.output > 1 ? decodeSeconds / (s.output - 1) : undefined
  const outputTokensPerSecond = (s.batch * s.output) / e2eSeconds

  const perSequence = kvPerSeq + statePerSeq + workspacePerSeq + emb.logitsBytes
  const capacity = d.system.gpu.memoryBytes * d.memoryUtilization
  const total = weights + s.batch * perSequence
  return {
    scenario: s,
    metrics: {
      ttftSeconds,
      tpotSeconds,
      decodeSeconds,
      e2eSeconds,
      outputTokensPerSecond,
      outputTokensPerSecondPerGpu: outputTokensPerSecond / d.tp,
      tokensPerSecondPerUser: tpotSeconds === undefined ? s.output / e2eSeconds : 1 / tpotSeconds,
    },
    memory: {
      weights,
      kvCache: s.batch * kvPerSeq,
      ssmState: s.batch * statePerSeq,
      activations: s.batch * (workspacePerSeq + emb.logitsBytes),
      total,
      capacity,
      fits: total <= capacity,
      maxBatch: weights > capacity ? 0 : Math.floor((capacity - weights) / perSequence),
    },
    params,
    breakdown: { prefill, decode },
    layers,
    efficiency: { name: d.efficiency.name, source: d.efficiency.source, ...(d.efficiency.derivedFrom === undefined ? {} : { derivedFrom: d.efficiency.derivedFrom }) },
    launch,
  }
}

function sum(r: Readonly<Record<TimeCategory, number>>): number {
  return r.attention + r.ffn + r.mamba + r.linear + r.communication + r.embeddings
}
