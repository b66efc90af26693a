/**
 * Per-layer candidates with their costs in one set of scenarios: the search's
 * view of the cost model. Block specs are interned so that the memoised block
 * costs are computed once per distinct block, not once per layer.
 */
import type { Architecture } from '../../blocks/architecture.ts'
import type { BlockSpec } from '../../blocks/spec.ts'
import { architectureCost } from '../../cost-model/architecture-cost.ts'
import { blockScenarioCost } from '../../cost-model/block-scenario-cost.ts'
import type { Deployment } from '../../cost-model/deployment.ts'
import type { Scenario } from '../../cost-model/scenario.ts'
import type { Quantities, SearchLayer } from '../problem.ts'
import type { ScoredBlock, QualityModel } from '../quality/types.ts'
import { variantId, type FfnOption, type MixerOption, type SearchSpace } from '../space/types.ts'

/** Cost dimension names: one runtime and one memory row per scenario, plus parameters. */
export const runtimeDim = (scenario: number) => `runtime@${scenario}`
export const memoryDim = (scenario: number) => `memory@${scenario}`
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

/** Per-GPU memory one layer's block adds at a batch: its weights and the batch's cache and state. */
function blockMemory(spec: BlockSpec, s: Scenario, d: Deployment): { runtime: number; memory: number; params: number } {
  const c = blockScenarioCost(spec, s, d)
  return {
    runtime: c.prefillSeconds + c.decodeSeconds,
    memory: c.weightBytes + s.batch * (c.kvBytesPerSequence + c.stateBytesPerSequence),
    params: c.params,
  }
}

/** The search layers for concrete scenarios (each with its batch). */
export function costedLayers(layers: readonly LayerOptions[], scenarios: readonly Scenario[], d: Deployment): SearchLayer[] {
  return layers.map(({ options, scores }) => ({
    variants: options.map(({ mixer, ffn }, v) => {
      const costs: Record<string, number> = {}
      scenarios.forEach((s, i) => {
        const a = blockMemory(mixer.spec, s, d)
        const b = blockMemory(ffn.spec, s, d)
        costs[runtimeDim(i)] = a.runtime + b.runtime
        costs[memoryDim(i)] = a.memory + b.memory
        costs[paramsDim] = a.params + b.params
      })
      const tags = mixer.spec.type === 'attention' ? ['attention'] : []
      return { id: variantId(mixer.id, ffn.id), costs, metrics: scores[v]!.metrics, tags }
    }),
  }))
}

/**
 * What every child pays besides its layers: the embeddings and LM head (time,
 * weights, logits) and the transient activations, taken at the parent's widest
 * block so that a child is never charged less than it needs.
 */
export function baseCosts(parent: Architecture, scenarios: readonly Scenario[], d: Deployment): Quantities {
  const empty: Architecture = { ...parent, layers: [] }
  const base: Record<string, number> = {}
  scenarios.forEach((s, i) => {
    const emb = architectureCost(empty, s, d)
    const parentCost = architectureCost(parent, s, d)
    base[runtimeDim(i)] = emb.metrics.e2eSeconds
    base[memoryDim(i)] = emb.memory.total + (parentCost.memory.activations - emb.memory.activations)
  })
  base[paramsDim] = architectureCost(empty, scenarios[0]!, d).params
  return base
}
