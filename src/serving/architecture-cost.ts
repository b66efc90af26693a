import type { Architecture, EmbeddingSpec } from '../blocks/architecture.ts'
import { embeddingParams, embeddingPrecision, embeddingWork } from '../blocks/embedding.ts'
import { bytesPerElement } from '../blocks/precision.ts'
import type { BlockKind } from '../blocks/spec.ts'
import { executionOf } from '../cost-model/deployment.ts'
import {
  blockScenarioCost,
  inflightTimes,
  memoTable,
  scenarioCostTable,
  staticTimes,
  type BlockScenarioCost,
  type CostCache,
} from './block-scenario-cost.ts'
import { kvPoolBytes, memorySettingLabel, type EngineId } from './engine.ts'
import type { PhaseWork } from './engine-step.ts'
import { scenarioKey, type Scenario } from './scenario.ts'
import type { Batching, ServingDeployment } from './serving-deployment.ts'
import { largestBatchWhere } from './largest-batch.ts'
import { steadyState } from './steady-state.ts'

/** Where time goes: categories of the cost breakdown. */
/** `host`: the engine's per-step host time the GPU waits for. */
export type TimeCategory = 'attention' | 'ffn' | 'mamba' | 'linear' | 'communication' | 'embeddings' | 'host'

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
  /** What the engine holds on one GPU under its memory policy: weights, activations and its KV pool. */
  readonly capacity: number
  /** The engine's KV-cache pool on one GPU (for KV cache and recurrent state); negative when weights and activations do not fit. */
  readonly kvPool: number
  /** The engine's memory setting, e.g. `gpu_memory_utilization 0.9`. */
  readonly policy: string
  readonly fits: boolean
  /**
   * Largest batch (static) or concurrency (in flight) whose memory fits, at this scenario's lengths, and that the
   * engine's scheduler admits (0 when the weights alone do not fit).
   */
  readonly maxBatch: number
}

export interface ScenarioMetrics {
  /** Time to first token, seconds: the batch's prefill (static), or a newcomer's chunked prefill (in flight). */
  readonly ttftSeconds: number
  /** Time per output token after the first, seconds; undefined when output = 1. */
  readonly tpotSeconds: number | undefined
  /** Seconds spent generating the tokens after the first: (output − 1) × TPOT. */
  readonly decodeSeconds: number
  /** End-to-end latency of one request, seconds: TTFT + (output − 1) × TPOT. */
  readonly e2eSeconds: number
  /**
   * Seconds the scenario's `batch` requests take together: the static batch end to end, or one cycle of in-flight
   * batching (engine steps × step time). Throughput is batch × output over it.
   */
  readonly runSeconds: number
  /** In-flight batching: engine steps per cycle and the mean step time; undefined for a static batch. */
  readonly steps?: { readonly perCycle: number; readonly seconds: number }
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
  /** The engine and batching mode the figures assume. */
  readonly serving: { readonly engine: EngineId; readonly batching: Batching }
}

const timeCategories: readonly TimeCategory[] = ['attention', 'ffn', 'mamba', 'linear', 'communication', 'embeddings', 'host']
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
    host: by[at.host]!,
  }
}

interface EmbeddingCost {
  readonly times: BlockTimes
  readonly weightBytes: number
  /** fp32 logits of one sequence's sampled position, bytes on one GPU (the vocabulary splits over TP). */
  readonly logitsBytes: number
  readonly params: number
}

/** The times every cost record carries, for blocks and the embedding alike. */
type BlockTimes = Pick<
  BlockScenarioCost,
  'runSeconds' | 'ttftSeconds' | 'prefillSeconds' | 'decodeSeconds' | 'prefillCommunicationSeconds' | 'decodeCommunicationSeconds'
>

const embeddingCache: CostCache<EmbeddingSpec, EmbeddingCost> = new WeakMap()

/** The embedding's cost, memoised like the blocks'. */
function embeddingCost(arch: Architecture, s: Scenario, d: ServingDeployment, key: string): EmbeddingCost {
  const table = memoTable(embeddingCache, d, key)
  let cost = table.get(arch.embedding)
  if (cost === undefined) table.set(arch.embedding, (cost = computeEmbeddingCost(arch, s, d)))
  return cost
}

function computeEmbeddingCost(arch: Architecture, s: Scenario, d: ServingDeployment): EmbeddingCost {
  const exec = { ...executionOf(d), precision: embeddingPrecision(d.precision) }
  const work: PhaseWork = (shape) => embeddingWork(arch.embedding, shape, exec)
  const params = embeddingParams(arch.embedding)
  const common = { params, weightBytes: (params * bytesPerElement[exec.precision.weights]) / d.tp, logitsBytes: (4 * arch.embedding.vocabSize) / d.tp }
  if (d.batching === 'static') {
    const t = staticTimes(work, s, d)
    return { ...common, times: { runSeconds: t.seconds, ttftSeconds: t.prefill, ...phaseTimes(t) } }
  }
  const { run, ttftSeconds } = inflightTimes(work, steadyState(s, d.engine.limits(d.system.gpu), d.engine.chunkedPrefill), d, exec)
  return { ...common, times: { runSeconds: run.seconds, ttftSeconds, ...phaseTimes(run) } }
}

function phaseTimes(t: { prefill: number; decode: number; prefillCommunication: number; decodeCommunication: number }) {
  return { prefillSeconds: t.prefill, decodeSeconds: t.decode, prefillCommunicationSeconds: t.prefillCommunication, decodeCommunicationSeconds: t.decodeCommunication }
}

/**
 * Host time the GPU waits for in one scenario: the engine's per-step overhead, once per engine step. A static batch
 * runs one prefill step and output − 1 decode steps; in flight, a cycle has `steps` steps and a newcomer waits
 * through its prefill steps and half of the step under way.
 */
export function hostOverhead(s: Scenario, d: ServingDeployment): HostOverhead {
  let byScenario = hostCache.get(d)
  if (byScenario === undefined) hostCache.set(d, (byScenario = new Map()))
  const key = scenarioKey(s)
  let host = byScenario.get(key)
  if (host === undefined) byScenario.set(key, (host = computeHostOverhead(s, d)))
  return host
}

interface HostOverhead {
  readonly runSeconds: number
  readonly ttftSeconds: number
  readonly steps: number
}

/** Host overheads per deployment and scenario: the steady state behind them is the same for every architecture. */
const hostCache = new WeakMap<ServingDeployment, Map<string, HostOverhead>>()

function computeHostOverhead(s: Scenario, d: ServingDeployment): HostOverhead {
  const o = d.engine.stepOverheadSeconds
  if (d.batching === 'static') return { runSeconds: o * s.output, ttftSeconds: o, steps: s.output }
  const st = steadyState(s, d.engine.limits(d.system.gpu), d.engine.chunkedPrefill)
  const newcomerSteps = st.newcomerWeights.reduce((a, b) => a + b, 0)
  return { runSeconds: o * st.steps, ttftSeconds: o * (newcomerSteps + 0.5), steps: st.steps }
}

/** Per-sequence and fixed activation bytes: a static batch's prefill buffers grow with the batch; an engine's step buffers do not. */
function activationBytes(d: ServingDeployment, batch: number, workspace: number, logitsPerSequence: number): number {
  return d.batching === 'static' ? batch * (workspace + logitsPerSequence) : workspace + batch * logitsPerSequence
}

/**
 * Predicted latency, throughput and memory of an architecture in a scenario,
 * as the deployment's engine serves it. Blocks are costed once per distinct
 * spec object and scenario (memoised), so re-evaluating a child that differs
 * in a few layers is cheap.
 */
export function architectureCost(arch: Architecture, s: Scenario, d: ServingDeployment): ArchitectureCost {
  const key = scenarioKey(s)
  const table = scenarioCostTable(d, key)
  // Accumulated in typed arrays indexed by category (the inner loop of every whole-architecture evaluation).
  const prefillBy = new Float64Array(categoryCount)
  const decodeBy = new Float64Array(categoryCount)
  let runSeconds = 0
  let ttftSeconds = 0
  let weights = 0
  let kvPerSeq = 0
  let statePerSeq = 0
  let workspace = 0
  let params = 0
  const n = arch.layers.length
  const layers: LayerCost[] = new Array(n)
  const add = (c: BlockTimes, category: number) => {
    runSeconds += c.runSeconds
    ttftSeconds += c.ttftSeconds
    prefillBy[category]! += c.prefillSeconds - c.prefillCommunicationSeconds
    decodeBy[category]! += c.decodeSeconds - c.decodeCommunicationSeconds
    prefillBy[at.communication]! += c.prefillCommunicationSeconds
    decodeBy[at.communication]! += c.decodeCommunicationSeconds
  }
  for (let i = 0; i < n; i++) {
    const layer = arch.layers[i]!
    const mixer = blockScenarioCost(layer.mixer, s, d, table)
    const ffn = blockScenarioCost(layer.ffn, s, d, table)
    layers[i] = { mixer, ffn }
    for (let slot = 0; slot < 2; slot++) {
      const c = slot === 0 ? mixer : ffn
      const category = categoryIndex[(slot === 0 ? layer.mixer : layer.ffn).type]
      if (category >= 0) add(c, category)
      weights += c.weightBytes
      kvPerSeq += c.kvBytesPerSequence
      statePerSeq += c.stateBytesPerSequence
      if (c.workspaceBytes > workspace) workspace = c.workspaceBytes
      params += c.params
    }
  }
  const emb = embeddingCost(arch, s, d, key)
  add(emb.times, at.embeddings)
  const host = hostOverhead(s, d)
  runSeconds += host.runSeconds
  ttftSeconds += host.ttftSeconds
  decodeBy[at.host]! += host.runSeconds
  weights += emb.weightBytes
  params += emb.params

  const decodeSteps = s.output - 1
  const inflight = d.batching === 'inflight'
  // Static: decode is what follows the batch's prefill. In flight: a sequence emits its tokens over the cycle.
  const decodeSeconds = inflight ? runSeconds : runSeconds - ttftSeconds
  const tpotSeconds = decodeSteps > 0 ? decodeSeconds / decodeSteps : undefined
  const e2eSeconds = inflight ? ttftSeconds + (tpotSeconds === undefined ? 0 : decodeSeconds) : runSeconds
  const outputTokensPerSecond = (s.batch * s.output) / runSeconds

  const activations = activationBytes(d, s.batch, workspace, emb.logitsBytes)
  const kvPool = kvPoolBytes(d.engine, d.system.gpu.memoryBytes, d.tp, weights, activations)
  const kvCache = s.batch * kvPerSeq
  const ssmState = s.batch * statePerSeq
  const maxBatch = largestBatch(d, weights, workspace, emb.logitsBytes, kvPerSeq + statePerSeq)
  return {
    scenario: s,
    metrics: {
      ttftSeconds,
      tpotSeconds,
      decodeSeconds,
      e2eSeconds,
      runSeconds,
      outputTokensPerSecond,
      outputTokensPerSecondPerGpu: outputTokensPerSecond / d.tp,
      tokensPerSecondPerUser: tpotSeconds === undefined ? s.output / e2eSeconds : 1 / tpotSeconds,
      ...(inflight ? { steps: { perCycle: host.steps, seconds: runSeconds / host.steps } } : {}),
    },
    memory: {
      weights,
      kvCache,
      ssmState,
      activations,
      total: weights + kvCache + ssmState + activations,
      capacity: weights + activations + kvPool,
      kvPool,
      policy: memorySettingLabel(d.engine, d.tp),
      fits: kvPool >= 0 && kvCache + ssmState <= kvPool && s.batch <= maxBatch,
      maxBatch,
    },
    params,
    breakdown: { prefill: breakdownOf(prefillBy), decode: breakdownOf(decodeBy) },
    layers,
    efficiency: { name: d.efficiency.name, source: d.efficiency.source, ...(d.efficiency.derivedFrom === undefined ? {} : { derivedFrom: d.efficiency.derivedFrom }) },
    serving: { engine: d.engine.id, batching: d.batching },
  }
}

/**
 * The largest batch (concurrency) whose cache fits the engine's pool, found by bisection because the pool can
 * shrink with the batch (activations grow with it); capped by the engine's `maxSequences` when in flight.
 */
function largestBatch(d: ServingDeployment, weights: number, workspace: number, logits: number, perSequence: number): number {
  const fitsAt = (b: number) => {
    const pool = kvPoolBytes(d.engine, d.system.gpu.memoryBytes, d.tp, weights, activationBytes(d, b, workspace, logits))
    return pool >= 0 && b * perSequence <= pool
  }
  return largestBatchWhere(d.batching === 'inflight' ? d.engine.limits(d.system.gpu).maxSequences : maxStaticBatch, fitsAt)
}

/** The largest static batch considered: 2²⁰ sequences, beyond any GPU's memory at one token each. */
const maxStaticBatch = 2 ** 20
