/** A SearchRequest at concrete batches, as the abstract problem the solvers take. */
import type { Scenario } from '../../cost-model/scenario.ts'
import type { Budget, LayerConstraint, SearchLayer, SearchProblem } from '../problem.ts'
import { variantId, type SearchSpace } from '../space/types.ts'
import { baseCosts, costedLayers, memoryDim, paramsDim, runtimeDim, type LayerOptions } from './candidates.ts'
import type { SearchRequest } from './request.ts'
import type { RequestSummary } from './result.ts'

/** The objective: the request's weights, else `kl_div` alone, else the first metric. */
export function objectiveOf(req: SearchRequest): Readonly<Record<string, number>> {
  if (req.objective !== undefined) return req.objective
  const metric = req.quality.metrics.includes('kl_div') ? 'kl_div' : req.quality.metrics[0]!
  return { [metric]: 1 }
}

/** The part of a request every result file records. */
export function requestSummary(req: SearchRequest): RequestSummary {
  const d = req.deployment
  return {
    parent: req.parent.name,
    system: d.system.id,
    tp: d.tp,
    precision: d.precision,
    space: req.space.name,
    objective: objectiveOf(req),
    efficiency: { name: d.efficiency.name, source: d.efficiency.source, ...(d.efficiency.derivedFrom === undefined ? {} : { derivedFrom: d.efficiency.derivedFrom }) },
  }
}

export function structuralConstraints(req: SearchRequest, space: SearchSpace): LayerConstraint[] {
  const s = req.structure ?? {}
  const n = space.layers.length
  const out: LayerConstraint[] = []
  const keep = new Set<number>()
  for (let l = 0; l < Math.min(s.keepFirst ?? 0, n); l++) keep.add(l)
  for (let l = Math.max(0, n - (s.keepLast ?? 0)); l < n; l++) keep.add(l)
  for (const l of [...keep].sort((a, b) => a - b)) {
    const p = space.layers[l]!.parent
    out.push({ type: 'fixed', layer: l, variant: variantId(p.mixer, p.ffn) })
  }
  if (s.minAttention !== undefined && s.minAttention > 0) out.push({ type: 'atLeastTagged', tag: 'attention', count: s.minAttention })
  for (const a of s.allowed ?? []) out.push({ type: 'allowed', layer: a.layer, variants: a.variants })
  return out
}

/**
 * Budgets per scenario: the child must fit in memory, and meet the target:
 * a throughput of T tokens/s per GPU at batch b is Σ runtime ≤ b · output / (T · tp).
 */
export function budgetsFor(req: SearchRequest, scenarios: readonly Scenario[], throughputTargets: readonly (number | undefined)[]): Budget[] {
  const d = req.deployment
  const capacity = d.system.gpu.memoryBytes * d.memoryUtilization
  const budgets: Budget[] = []
  scenarios.forEach((s, i) => {
    const t = req.target
    const memoryLimit = t.kind === 'memory' ? Math.min(t.bytes, capacity) : capacity
    budgets.push({ kind: 'cost', name: memoryDim(i), max: memoryLimit })
    const target = throughputTargets[i]
    if (target !== undefined) budgets.push({ kind: 'cost', name: runtimeDim(i), max: (s.batch * s.output) / (target * d.tp) })
    if (t.kind === 'latency') budgets.push({ kind: 'cost', name: runtimeDim(i), max: t.seconds })
  })
  if (req.maxParams !== undefined) budgets.push({ kind: 'cost', name: paramsDim, max: req.maxParams })
  for (const m of req.metricLimits ?? []) budgets.push({ kind: 'metric', name: m.metric, max: m.max })
  return budgets
}

export function buildProblem(
  req: SearchRequest,
  scored: readonly LayerOptions[],
  scenarios: readonly Scenario[],
  throughputTargets: readonly (number | undefined)[],
): SearchProblem {
  const layers: SearchLayer[] = costedLayers(scored, scenarios, req.deployment)
  return {
    layers,
    objective: objectiveOf(req),
    budgets: budgetsFor(req, scenarios, throughputTargets),
    constraints: structuralConstraints(req, req.space),
    baseCosts: baseCosts(req.parent, scenarios, req.deployment),
  }
}
