import { layerGlueWork } from '../blocks/layer-glue.ts'
import { blockModel } from '../blocks/registry.ts'
import type { PhaseShape } from '../blocks/work.ts'
import type { BlockSpec } from '../blocks/spec.ts'
import { bytesPerElement } from '../blocks/precision.ts'
import { blockTiming, timeKernels } from './block-cost.ts'
import { executionOf, type Deployment } from './deployment.ts'
import { decodeSegments, scenarioKey, type Scenario } from './scenario.ts'

/** A block's time in one phase inside a model: the block itself, plus the work its layer does next to it (RoPE, prefill cache writes). */
function inModelTiming(spec: BlockSpec, shape: PhaseShape, d: Deployment) {
  const block = blockTiming(spec, shape, d)
  const glue = layerGlueWork(spec, shape, executionOf(d))
  return glue.length === 0 ? block : { seconds: block.seconds + timeKernels(glue, d).seconds, communicationSeconds: block.communicationSeconds }
}

/** Everything a search needs about one block in one scenario, on one GPU of the deployment (its layer's RoPE and cache writes included). */
export interface BlockScenarioCost {
  /** Prefill of the whole batch, seconds. */
  readonly prefillSeconds: number
  /** All decode steps of the batch together, seconds. */
  readonly decodeSeconds: number
  /** Of which communication (all-reduce), seconds. */
  readonly prefillCommunicationSeconds: number
  readonly decodeCommunicationSeconds: number
  /** Parameters of the whole block (all GPUs). */
  readonly params: number
  /** Weight bytes on one GPU. */
  readonly weightBytes: number
  /** KV cache of one sequence at its final length, bytes on one GPU. */
  readonly kvBytesPerSequence: number
  /** Recurrent state of one sequence, bytes on one GPU. */
  readonly stateBytesPerSequence: number
  /** Largest transient activation buffer during prefill, per sequence, bytes on one GPU. */
  readonly workspaceBytesPerSequence: number
}

function computeBlockScenarioCost(spec: BlockSpec, s: Scenario, d: Deployment): BlockScenarioCost {
  const model = blockModel(spec)
  const exec = executionOf(d)
  const prefill = inModelTiming(spec, { phase: 'prefill', batch: s.batch, seqLen: s.input }, d)
  let decodeSeconds = 0
  let decodeCommunicationSeconds = 0
  for (const seg of decodeSegments(s)) {
    const t = inModelTiming(spec, { phase: 'decode', batch: s.batch, contextLen: seg.contextLen }, d)
    decodeSeconds += seg.steps * t.seconds
    decodeCommunicationSeconds += seg.steps * t.communicationSeconds
  }
  // The widest GEMM output of a one-sequence prefill is the block's transient activation.
  const a = bytesPerElement[d.precision.activations]
  let workspace = 0
  for (const k of model.work(spec, { phase: 'prefill', batch: 1, seqLen: s.input }, exec))
    if (k.gemm) workspace = Math.max(workspace, k.gemm.m * (k.gemm.n + k.gemm.k) * a)
  return {
    prefillSeconds: prefill.seconds,
    decodeSeconds,
    prefillCommunicationSeconds: prefill.communicationSeconds,
    decodeCommunicationSeconds,
    params: model.params(spec),
    weightBytes: (model.params(spec) * bytesPerElement[d.precision.weights]) / d.tp,
    kvBytesPerSequence: model.kvCacheBytes(spec, exec, s.input + s.output),
    stateBytesPerSequence: model.stateBytes(spec, exec),
    workspaceBytesPerSequence: workspace,
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
export function scenarioCostTable(d: Deployment, key: string): Map<BlockSpec, BlockScenarioCost> {
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
  d: Deployment,
  table: Map<BlockSpec, BlockScenarioCost> = scenarioCostTable(d, scenarioKey(s)),
): BlockScenarioCost {
  let cost = table.get(spec)
  if (cost === undefined) table.set(spec, (cost = computeBlockScenarioCost(spec, s, d)))
  return cost
}
