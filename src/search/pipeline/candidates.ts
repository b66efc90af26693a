/**
 * Per-layer candidates with their costs in one set of scenarios: the search's
 * view of the cost model. Block specs are interned so that the memoised block
 * costs are computed once per distinct block, not once per layer.
 */
import type { Architecture } from '../../blocks/architecture.ts'
import type { BlockSpec } from '../../blocks/spec.ts'
import { architectureCost } from '../../serving/architecture-cost.ts'
import { blockScenarioCost } from '../../serving/block-scenario-cost.ts'
import { linearMemoryRule, type LinearMemoryRule } from '../../serving/engine.ts'
import type { Scenario } from '../../serving/scenario.ts'
import type { ServingDeployment } from '../../serving/serving-deployment.ts'
import type { Quantities, SearchLayer } from '../problem.ts'
import type { ScoredBlock, QualityModel } from '../quality/types.ts'
import { variantId, type FfnOption, type MixerOption, type SearchSpace } from '../space/types.ts'

/**
 * Cost dimension names, per scenario unless said otherwise:
 * - `runtime@i`: seconds the scenario's batch takes (static batch end to end, or one in-flight cycle);
 * - `ttft@i`: time to first token; `e2e@i`: one request end to end (in flight: TTFT + cycle);
 * - `decode@i`: a static batch's decode phase (for TPOT budgets);
 * - `memory@i`: the engine's memory rule (weights + kvScale × cache ≤ capacity);
 * - `bytes@i`: bytes per GPU (for a user's --memory budget);
 * - `params`: parameters of the whole model.
 * Only rows a budget uses enter a problem.
 */
export const runtimeDim = (scenario: number) => `runtime@${scenario}`
export const ttftDim = (scenario: number) => `ttft@${scenario}`
export const e2eDim = (scenario: number) => `e2e@${scenario}`
export const decodeDim = (scenario: number) => `decode@${scenario}`
export const memoryDim = (scenario: number) => `memory@${scenario}`
export const bytesDim = (scenario: number) => `bytes@${scenario}`
export const paramsDim = 'params'

/** A layer's variants in the order the problem lists them. */
export interface LayerOptions {
  readonly options: readonly { readonly mixer: MixerOption; readonly ffn: FfnOption }[]
  readonly scores: readonly ScoredBlock[]
}

/** Every (mixer, ffn) pair of every layer, with its quality scores (independent of the scenario). */
export function scoreSpace(parent: Architecture, space: SearchSpace, quality: QualityModel): LayerOptions[] {
  const interned = new Map<string, BlockSpec>()
  const intern = <S extends BlockSpec>(spec: S): S => {
    const key = JSON.stringify(spec)
    const found = interned.get(key)
    if (found !== undefined) return found as S
    interned.set(key, spec)
    return spec
  }
  return space.layers.map((menu, l) => {
    const mixers = menu.mixers.map((m) => ({ ...m, spec: intern(m.spec) }))
    const ffns = menu.ffns.map((f) => ({ ...f, spec: intern(f.spec) }))
    const options = mixers.flatMap((mixer) => ffns.map((ffn) => ({ mixer, ffn })))
    const scores = options.map((o) => quality.score(l, parent.layers[l]!, o.mixer, o.ffn, parent.layers.length))
    return { options, scores }
  })
}

/** What a search says about score rows it ignored, or undefined when every row was used. */
export function unusedScoresNote(quality: QualityModel): string | undefined {
  const unused = quality.unusedRows?.() ?? []
  if (unused.length === 0) return undefined
  const shown = unused.slice(0, 3).join('; ')
  return `${unused.length} score row${unused.length === 1 ? '' : 's'} of ${quality.file} match no layer or variant of the parent's search space and ${unused.length === 1 ? 'was' : 'were'} ignored (${shown}${unused.length > 3 ? '; …' : ''})`
}

/** Whether a result note is the one `unusedScoresNote` writes. */
export function isUnusedScoresNote(note: string): boolean {
  return / score rows? of .* match no layer or variant of the parent's search space /.test(note)
}

/** One block's contribution to every cost row of one scenario. */
function blockRows(spec: BlockSpec, s: Scenario, d: ServingDeployment, rule: LinearMemoryRule): Record<string, number> {
  const c = blockScenarioCost(spec, s, d)
  const cache = s.batch * (c.kvBytesPerSequence + c.stateBytesPerSequence)
  return {
    runtime: c.runSeconds,
    ttft: c.ttftSeconds,
    e2e: c.ttftSeconds + c.runSeconds,
    decode: c.runSeconds - c.ttftSeconds,
    memory: c.weightBytes + rule.kvScale * cache,
    bytes: c.weightBytes + cache,
  }
}

const rowDims: Readonly<Record<string, (i: number) => string>> = {
  runtime: runtimeDim,
  ttft: ttftDim,
  e2e: e2eDim,
  decode: decodeDim,
  memory: memoryDim,
  bytes: bytesDim,
}

/** The engine's memory rule on this deployment, in linear form. */
export function memoryRuleOf(d: ServingDeployment): LinearMemoryRule {
  return linearMemoryRule(d.engine, d.system.gpu.memoryBytes, d.tp)
}

/** The search layers for concrete scenarios (each with its batch). */
export function costedLayers(layers: readonly LayerOptions[], scenarios: readonly Scenario[], d: ServingDeployment): SearchLayer[] {
  const rule = memoryRuleOf(d)
  // The same (mixer, ffn) pair of interned specs recurs in most layers: its costs are worked out once and copied.
  const known = new Map<BlockSpec, Map<BlockSpec, Readonly<Record<string, number>>>>()
  const pairCosts = (mixer: BlockSpec, ffn: BlockSpec): Readonly<Record<string, number>> => {
    let byFfn = known.get(mixer)
    if (byFfn === undefined) known.set(mixer, (byFfn = new Map()))
    const found = byFfn.get(ffn)
    if (found !== undefined) return found
    const costs: Record<string, number> = {}
    scenarios.forEach((s, i) => {
      const a = blockRows(mixer, s, d, rule)
      const b = blockRows(ffn, s, d, rule)
      for (const [row, dim] of Object.entries(rowDims)) costs[dim(i)] = a[row]! + b[row]!
    })
    costs[paramsDim] = blockScenarioCost(mixer, scenarios[0]!, d).params + blockScenarioCost(ffn, scenarios[0]!, d).params
    byFfn.set(ffn, costs)
    return costs
  }
  return layers.map(({ options, scores }) => ({
    variants: options.map(({ mixer, ffn }, v) => {
      const costs = { ...pairCosts(mixer.spec, ffn.spec) }
      const tags = mixer.spec.type === 'attention' ? ['attention'] : []
      return { id: variantId(mixer.id, ffn.id), costs, metrics: scores[v]!.metrics, tags }
    }),
  }))
}

/**
 * What every child pays besides its layers: the embeddings and LM head (time,
 * weights, logits), the engine's host time per step, and the transient
 * activations, taken at the parent's widest block so that a child is never
 * charged less than it needs.
 */
export function baseCosts(parent: Architecture, scenarios: readonly Scenario[], d: ServingDeployment): Quantities {
  const empty: Architecture = { ...parent, layers: [] }
  const rule = memoryRuleOf(d)
  const base: Record<string, number> = {}
  scenarios.forEach((s, i) => {
    const emb = architectureCost(empty, s, d)
    const parentCost = architectureCost(parent, s, d)
    const m = emb.metrics
    base[runtimeDim(i)] = m.runSeconds
    base[ttftDim(i)] = m.ttftSeconds
    base[e2eDim(i)] = m.ttftSeconds + m.runSeconds
    base[decodeDim(i)] = m.runSeconds - m.ttftSeconds
    // The parent's activations: the widest GEMM buffer of any block, and the logits.
    const activations = parentCost.memory.activations
    base[memoryDim(i)] = emb.memory.weights + (rule.countsActivations ? activations : 0)
    base[bytesDim(i)] = emb.memory.weights + activations
  })
  base[paramsDim] = architectureCost(empty, scenarios[0]!, d).params
  return base
}
