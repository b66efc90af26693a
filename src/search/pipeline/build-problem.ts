/** A SearchRequest at concrete batches, as the abstract problem the solvers take. */
import type { Scenario } from '../../serving/scenario.ts'
import type { Budget, LayerConstraint, SearchLayer, SearchProblem } from '../problem.ts'
import { variantId, type SearchSpace } from '../space/types.ts'
import { baseCosts, bytesDim, costedLayers, decodeDim, e2eDim, memoryDim, memoryRuleOf, paramsDim, runtimeDim, ttftDim, type LayerOptions } from './candidates.ts'
import type { SearchRequest } from './request.ts'
import { groupProblem, type GroupedProblem } from './layer-groups.ts'
import type { RequestSummary, ServingOutcome } from './result.ts'
import type { FrontierResult } from './run-frontier.ts'

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
    engine: d.engine.id,
    batching: d.batching,
    objective: objectiveOf(req),
    efficiency: { name: d.efficiency.name, source: d.efficiency.source, ...(d.efficiency.derivedFrom === undefined ? {} : { derivedFrom: d.efficiency.derivedFrom }) },
  }
}

/** What every frontier result file opens with: its kind and version, when it was made, the request and the parent. */
export function frontierHeader(
  req: SearchRequest,
  scenario: FrontierResult['request']['scenario'],
  parent: ServingOutcome | undefined,
): Pick<FrontierResult, 'kind' | 'version' | 'createdAt' | 'request' | 'parent'> {
  return {
    kind: 'nas-sim/frontier',
    version: 2,
    createdAt: new Date().toISOString(),
    request: { ...requestSummary(req), scenario },
    parent: { name: req.parent.name, serving: parent },
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
 * Budgets per scenario: the child must fit the engine's memory, and meet the
 * target and the SLA. A throughput of T tokens/s per GPU at batch b is
 * Σ runtime ≤ b · output / (T · tp). In flight, TPOT is the cycle over
 * output − 1 tokens, so a TPOT budget bounds the same row; a static batch's
 * TPOT bounds its decode phase.
 */
export function budgetsFor(req: SearchRequest, scenarios: readonly Scenario[], throughputTargets: readonly (number | undefined)[]): Budget[] {
  const d = req.deployment
  const rule = memoryRuleOf(d)
  const inflight = d.batching === 'inflight'
  const budgets: Budget[] = []
  scenarios.forEach((s, i) => {
    const t = req.target
    budgets.push({ kind: 'cost', name: memoryDim(i), max: rule.capacity })
    if (t.kind === 'memory') budgets.push({ kind: 'cost', name: bytesDim(i), max: t.bytes })
    const runtimeCaps: number[] = []
    const target = throughputTargets[i]
    if (target !== undefined) runtimeCaps.push((s.batch * s.output) / (target * d.tp))
    if (t.kind === 'latency') {
      if (inflight) budgets.push({ kind: 'cost', name: e2eDim(i), max: t.seconds })
      else runtimeCaps.push(t.seconds)
    }
    const sla = req.sla ?? {}
    if (sla.tpotSeconds !== undefined && s.output > 1) {
      if (inflight) runtimeCaps.push(sla.tpotSeconds * (s.output - 1))
      else budgets.push({ kind: 'cost', name: decodeDim(i), max: sla.tpotSeconds * (s.output - 1) })
    }
    if (sla.ttftSeconds !== undefined) budgets.push({ kind: 'cost', name: ttftDim(i), max: sla.ttftSeconds })
    if (runtimeCaps.length > 0) budgets.push({ kind: 'cost', name: runtimeDim(i), max: Math.min(...runtimeCaps) })
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

/**
 * The problem the solvers take for one batch plan: `buildProblem`'s, with the
 * space's groups of interdependent layers folded into units (none for most
 * spaces), and the way back to one variant per layer.
 */
export function buildPlan(
  req: SearchRequest,
  scored: readonly LayerOptions[],
  scenarios: readonly Scenario[],
  throughputTargets: readonly (number | undefined)[],
): GroupedProblem {
  const problem = buildProblem(req, scored, scenarios, throughputTargets)
  return groupProblem(problem, req.space.groups ?? [], (l, v) => scored[l]!.options[v]!)
}
