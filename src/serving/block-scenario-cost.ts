import { layerGlueWork } from '../blocks/layer-glue.ts'
import { blockModel } from '../blocks/registry.ts'
import type { BlockSpec } from '../blocks/spec.ts'
import { bytesPerElement } from '../blocks/precision.ts'
import type { ExecutionConfig, PhaseShape } from '../blocks/work.ts'
import { timeKernels } from '../cost-model/block-cost.ts'
import { executionOf, type Deployment } from '../cost-model/deployment.ts'
import { kernelTiming } from '../cost-model/roofline.ts'
import { stepKernels, type PhaseWork, type StepMix } from './engine-step.ts'
import { decodeSegments, scenarioKey, type Scenario } from './scenario.ts'
import type { ServingDeployment } from './serving-deployment.ts'
import { heldKvTokens, steadyState, type SteadyState } from './steady-state.ts'

/**
 * Everything a search needs about one block in one scenario, on one GPU of the
 * deployment. Every time is linear in the block's own kernels, so an
 * architecture's times are sums over its blocks (plus the embedding's and the
 * engine's per-step host time, see architecture-cost.ts).
 */
export interface BlockScenarioCost {
  /**
   * Seconds the block takes to serve the scenario's `batch` requests from first prompt token to last output token:
   * the whole static batch, or one cycle of in-flight batching. Throughput is batch × output / Σ runSeconds.
   */
  readonly runSeconds: number
  /** The block's share of the time to first token. */
  readonly ttftSeconds: number
  /** Of `runSeconds`, what is prefill work (the prefill phase, or prefill's share of mixed steps). */
  readonly prefillSeconds: number
  /** Of `runSeconds`, what is decode work. */
  readonly decodeSeconds: number
  /** Of prefill and decode, communication (all-reduce), seconds. */
  readonly prefillCommunicationSeconds: number
  readonly decodeCommunicationSeconds: number
  /** Parameters of the whole block (all GPUs). */
  readonly params: number
  /** Weight bytes on one GPU. */
  readonly weightBytes: number
  /** KV cache one sequence holds on one GPU: at its final length (static), or what the engine's admission rule holds in flight. */
  readonly kvBytesPerSequence: number
  /** Recurrent state of one sequence, bytes on one GPU. */
  readonly stateBytesPerSequence: number
  /** Largest transient activation buffer: per sequence (static prefill), or for one full step budget (in flight, per step). */
  readonly workspaceBytes: number
}

/** The transient activation of the widest GEMM output of a prefill of `tokens` tokens. */
function widestGemmBytes(work: PhaseWork, tokens: number, activationBytes: number): number {
  let workspace = 0
  for (const k of work({ phase: 'prefill', batch: 1, seqLen: tokens })) if (k.gemm) workspace = Math.max(workspace, k.gemm.m * (k.gemm.n + k.gemm.k) * activationBytes)
  return workspace
}

/** A step's time split into prefill and decode shares and their communication. */
interface StepTime {
  readonly seconds: number
  readonly prefill: number
  readonly decode: number
  readonly prefillCommunication: number
  readonly decodeCommunication: number
}

/**
 * Time of one engine step's kernels for one block (or the embedding). `exec` gives the formats in which merged GEMMs
 * are rebuilt: the deployment's, except for the embedding and LM head (see `embeddingPrecision`).
 */
export function stepTime(work: PhaseWork, mix: StepMix, d: Deployment, exec: ExecutionConfig = executionOf(d)): StepTime {
  let prefill = 0
  let decode = 0
  let prefillCommunication = 0
  let decodeCommunication = 0
  const launchShare = mix.prefillStepShare ?? 1
  for (const sk of stepKernels(work, mix, exec)) {
    const timing = kernelTiming(sk.kernel, d)
    // A prefill-only kernel of an average step is launched only in the steps that carry prefill.
    const t = sk.phase === 'prefill' ? timing.seconds - (1 - launchShare) * timing.overheadSeconds : timing.seconds
    const p = t * sk.prefillShare
    prefill += p
    decode += t - p
    if (sk.kernel.kind === 'communication') {
      prefillCommunication += p
      decodeCommunication += t - p
    }
  }
  return { seconds: prefill + decode, prefill, decode, prefillCommunication, decodeCommunication }
}

/** The per-phase times of a static batch: prefill of all prompts together, then every decode step integrated over context. */
export function staticTimes(work: PhaseWork, s: Scenario, d: Deployment): StepTime {
  const prefill = timeKernels(work({ phase: 'prefill', batch: s.batch, seqLen: s.input }), d)
  let decode = 0
  let decodeCommunication = 0
  for (const seg of decodeSegments(s)) {
    const t = timeKernels(work({ phase: 'decode', batch: s.batch, contextLen: seg.contextLen }), d)
    decode += seg.steps * t.seconds
    decodeCommunication += seg.steps * t.communicationSeconds
  }
  return { seconds: prefill.seconds + decode, prefill: prefill.seconds, decode, prefillCommunication: prefill.communicationSeconds, decodeCommunication }
}

/** Cycle and TTFT times of in-flight batching in steady state. */
export function inflightTimes(
  work: PhaseWork,
  st: SteadyState,
  d: Deployment,
  exec: ExecutionConfig = executionOf(d),
): { readonly run: StepTime; readonly ttftSeconds: number } {
  // The cycle's prefill steps are the newcomer's own (the same mix objects): each is timed once.
  const timed = new Map<StepMix, StepTime>()
  const timeOf = (mix: StepMix) => {
    let t = timed.get(mix)
    if (t === undefined) timed.set(mix, (t = stepTime(work, mix, d, exec)))
    return t
  }
  const run = { seconds: 0, prefill: 0, decode: 0, prefillCommunication: 0, decodeCommunication: 0 }
  for (const { mix, steps: n } of st.cycle) {
    const step = timeOf(mix)
    run.seconds += n * step.seconds
    run.prefill += n * step.prefill
    run.decode += n * step.decode
    run.prefillCommunication += n * step.prefillCommunication
    run.decodeCommunication += n * step.decodeCommunication
  }
  let ttftSeconds = run.seconds / st.steps / 2 // a newcomer waits on average half a (mean) step for the next to start
  st.newcomerSteps.forEach((mix, i) => (ttftSeconds += st.newcomerWeights[i]! * timeOf(mix).seconds))
  return { run, ttftSeconds }
}

/** A block's work inside a model: its own kernels, plus its layer's RoPE and prefill cache writes (layer-glue.ts). */
export function blockPhaseWork(spec: BlockSpec, exec: ExecutionConfig): PhaseWork {
  const model = blockModel(spec)
  return (shape: PhaseShape) => [...model.work(spec, shape, exec), ...layerGlueWork(spec, shape, exec)]
}

function computeBlockScenarioCost(spec: BlockSpec, s: Scenario, d: ServingDeployment): BlockScenarioCost {
  const model = blockModel(spec)
  const exec = executionOf(d)
  const work = blockPhaseWork(spec, exec)
  const a = bytesPerElement[d.precision.activations]
  const params = model.params(spec)
  const common = {
    params,
    weightBytes: (params * bytesPerElement[d.precision.weights]) / d.tp,
    stateBytesPerSequence: model.stateBytes(spec, exec),
  }
  if (d.batching === 'static') {
    const t = staticTimes(work, s, d)
    return {
      ...common,
      runSeconds: t.seconds,
      ttftSeconds: t.prefill,
      prefillSeconds: t.prefill,
      decodeSeconds: t.decode,
      prefillCommunicationSeconds: t.prefillCommunication,
      decodeCommunicationSeconds: t.decodeCommunication,
      kvBytesPerSequence: model.kvCacheBytes(spec, exec, s.input + s.output),
      workspaceBytes: widestGemmBytes(work, s.input, a),
    }
  }
  const limits = d.engine.limits(d.system.gpu)
  const { run, ttftSeconds } = inflightTimes(work, steadyState(s, limits, d.engine.chunkedPrefill), d)
  return {
    ...common,
    runSeconds: run.seconds,
    ttftSeconds,
    prefillSeconds: run.prefill,
    decodeSeconds: run.decode,
    prefillCommunicationSeconds: run.prefillCommunication,
    decodeCommunicationSeconds: run.decodeCommunication,
    kvBytesPerSequence: model.kvCacheBytes(spec, exec, heldKvTokens(s.input, s.output, d.engine)),
    workspaceBytes: widestGemmBytes(work, limits.stepTokens, a),
  }
}

/**
 * Memo tables keyed by deployment (held weakly) and scenario key; inside one, a
 * plain Map by spec identity is faster than a WeakMap in the hot loop.
 */
export type CostCache<S extends object, V> = WeakMap<Deployment, Map<string, Map<S, V>>>

/** The table of one (deployment, scenario) in a cost cache: spec object → cost. */
export function memoTable<S extends object, V>(cache: CostCache<S, V>, d: Deployment, key: string): Map<S, V> {
  let byScenario = cache.get(d)
  if (byScenario === undefined) cache.set(d, (byScenario = new Map()))
  let table = byScenario.get(key)
  if (table === undefined) byScenario.set(key, (table = new Map()))
  return table
}

const cache: CostCache<BlockSpec, BlockScenarioCost> = new WeakMap()

/** The memo table of one (deployment, scenario): spec object → cost. */
export function scenarioCostTable(d: ServingDeployment, key: string): Map<BlockSpec, BlockScenarioCost> {
  return memoTable(cache, d, key)
}

/**
 * The cost of a block in a scenario, memoised per (deployment, scenario, spec
 * object). Architectures share spec objects across layers, so an 80-layer
 * model costs a handful of distinct blocks.
 */
export function blockScenarioCost(
  spec: BlockSpec,
  s: Scenario,
  d: ServingDeployment,
  table: Map<BlockSpec, BlockScenarioCost> = scenarioCostTable(d, scenarioKey(s)),
): BlockScenarioCost {
  let cost = table.get(spec)
  if (cost === undefined) table.set(spec, (cost = computeBlockScenarioCost(spec, s, d)))
  return cost
}
