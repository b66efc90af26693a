/** Adapters from search and cost results to the plot inputs of viz/. */
import { searchMapInput } from './fusion-lines.ts'
import type { ArchitectureCost, TimeCategory } from '../serving/architecture-cost.ts'
import { architectureCost } from '../serving/architecture-cost.ts'
import type { ServingDeployment } from '../serving/serving-deployment.ts'
import type { FrontierResult } from '../search/pipeline/run-frontier.ts'
import type { ChildArchitecture, SearchResult } from '../search/pipeline/result.ts'
import type { FrontierPlotInput, FrontierPoint, ModelCost, ReportInput, ReportTable, ThroughputBudget } from '../../viz/types.ts'
import { layerChoiceTable } from '../../viz/index.ts'
import * as fmt from './format.ts'
import { servingTitle } from './plot-title.ts'

/** Readable names of quality metrics on a plot's axis; Puzzle scores each block by the KL of the parent with that block alone replaced. */
const metricNames: Readonly<Record<string, string>> = { kl_div: 'replace-1-block KL' }

function scaled(r: Readonly<Record<TimeCategory, number>>, by: number): Record<TimeCategory, number> {
  return {
    attention: r.attention * by,
    ffn: r.ffn * by,
    mamba: r.mamba * by,
    linear: r.linear * by,
    communication: r.communication * by,
    embeddings: r.embeddings * by,
    host: r.host * by,
  }
}

/**
 * One model's row of the cost breakdown: prefill as one step of the whole batch,
 * decode as the average step; memory per GPU, activations only during prefill.
 */
export function modelCostOf(name: string, role: 'parent' | 'child', cost: ArchitectureCost, batching?: ServingDeployment['batching']): ModelCost {
  const steps = cost.metrics.steps?.perCycle ?? Math.max(cost.scenario.output - 1, 1)
  const held = { weights: cost.memory.weights, kvCache: cost.memory.kvCache, ssmState: cost.memory.ssmState }
  return {
    name,
    role,
    batch: `${batching === 'inflight' ? 'concurrency' : 'batch'} ${cost.scenario.batch}`,
    prefill: { time: scaled(cost.breakdown.prefill, 1), memory: { ...held, activations: cost.memory.activations } },
    decode: { time: scaled(cost.breakdown.decode, 1 / steps), memory: held },
    capacity: cost.memory.capacity,
  }
}

/** At most this many frontier points are drawn; the rest are thinned evenly in throughput (the CSV keeps all). */
export const maxPlottedPoints = 400

export function thinned<T extends { readonly tokensPerSecondPerGpu: number }>(points: readonly T[], max = maxPlottedPoints): T[] {
  if (points.length <= max) return [...points]
  const lo = points[0]!.tokensPerSecondPerGpu
  const hi = points.at(-1)!.tokensPerSecondPerGpu
  const out: T[] = []
  let next = lo
  const step = (hi - lo) / (max - 1)
  for (const p of points) {
    if (p.tokensPerSecondPerGpu >= next || p === points.at(-1)) {
      out.push(p)
      next = p.tokensPerSecondPerGpu + step
    }
  }
  return out
}

function chosenPoint(c: ChildArchitecture, label: string): FrontierPoint {
  const s = c.scenarios[0]!
  return { throughput: s.child.metrics.outputTokensPerSecondPerGpu, ...(s.speedup === undefined ? {} : { speedup: s.speedup }), quality: c.objective, label }
}

export function frontierPlot(frontier: FrontierResult | undefined, result: SearchResult | undefined, seriesName: string): FrontierPlotInput {
  const source = (frontier ?? result)!.quality.source
  const parentServing = frontier?.parent.serving ?? result?.child.scenarios[0]?.parent
  const parentName = frontier?.parent.name ?? result!.parent.name
  const budgets: ThroughputBudget[] = []
  const required = result?.child.scenarios[0]?.requiredTokensPerSecondPerGpu
  if (required !== undefined) budgets.push({ throughput: required })
  const points: FrontierPoint[] = frontier
    ? thinned(frontier.points).map((p, i) => ({ throughput: p.tokensPerSecondPerGpu, ...(p.speedup === undefined ? {} : { speedup: p.speedup }), quality: p.objective, label: `frontier point ${i + 1}, batch ${p.batch}` }))
    : [result!.child, ...result!.alternatives].map((c, i) => chosenPoint(c, i === 0 ? 'chosen' : `alternative ${i}`))
  return {
    series: [{ name: frontier?.completeness === 'sampled' ? `${seriesName} (exact optima at sampled targets)` : seriesName, points }],
    references: parentServing === undefined ? [] : [{ role: 'parent', label: parentName, throughput: parentServing.metrics.outputTokensPerSecondPerGpu, quality: 0 }],
    ...(result === undefined ? {} : { chosen: chosenPoint(result.child, 'chosen child') }),
    budgets,
    x: parentServing === undefined ? 'throughput' : 'speedup',
    // The prior's caption is viz's own wording; measured sources name their file.
    qualitySource: source.kind === 'prior' ? { kind: 'prior' } : { kind: source.kind, description: source.description },
    qualityMetric: `summed ${Object.keys((frontier ?? result)!.request.objective).map((m) => metricNames[m] ?? m).join(' + ')}`,
    title: plotTitle(frontier, result),
  }
}

/** Model, GPU, engine, scenario and batch of the frontier (or else the search) being drawn. */
function plotTitle(frontier: FrontierResult | undefined, result: SearchResult | undefined): string {
  const req = (frontier ?? result)!.request
  const scenario = frontier?.request.scenario ?? result!.request.scenarios[0]!
  return servingTitle({
    parent: frontier?.parent.name ?? result!.parent.name,
    system: req.system,
    tp: req.tp,
    weights: req.precision.weights,
    kv: req.precision.kv,
    engine: req.engine,
    batching: req.batching,
    input: scenario.input,
    output: scenario.output,
    batch: scenario.batch,
  })
}

/** The child-and-parent table of a search's report. */
export function resultTable(r: SearchResult): ReportTable {
  const s = r.child.scenarios[0]!
  const p = s.parent
  const row = (label: string, child: string, parent: string) => ({ label, values: [child, parent] })
  return {
    title: 'Child and parent',
    columns: ['', 'child', 'parent'],
    rows: [
      row('parameters', fmt.count(r.child.params), fmt.count(r.parent.params)),
      row('batch', String(s.child.batch), p ? String(p.batch) : '–'),
      row('tokens/s per GPU', fmt.rate(s.child.metrics.outputTokensPerSecondPerGpu), p ? fmt.rate(p.metrics.outputTokensPerSecondPerGpu) : 'does not fit'),
      row('speedup', s.speedup === undefined ? '–' : `${s.speedup.toFixed(2)}×`, '1×'),
      row('time to first token', fmt.seconds(s.child.metrics.ttftSeconds), p ? fmt.seconds(p.metrics.ttftSeconds) : '–'),
      row('time per output token', s.child.metrics.tpotSeconds === undefined ? '–' : fmt.seconds(s.child.metrics.tpotSeconds), p?.metrics.tpotSeconds === undefined ? '–' : fmt.seconds(p.metrics.tpotSeconds)),
      row('memory per GPU', fmt.bytes(s.child.memory.total), p ? fmt.bytes(p.memory.total) : '–'),
      ...Object.entries(r.child.metrics).map(([m, v]) => row(m, v.toFixed(4), '0')),
    ],
    note: `Quality: ${r.quality.source.description}. Solver: ${r.proof.method}, gap ${r.proof.gap}, ${fmt.seconds(r.proof.seconds)}. Times: ${r.request.efficiency.source === 'datasheet' ? 'datasheet roofline (uncalibrated)' : `calibration ${r.request.efficiency.name}${r.request.efficiency.derivedFrom === undefined ? '' : ` (${r.request.efficiency.derivedFrom})`}`}.`,
  }
}

/** The HTML report of a search: frontier (when traced), architecture map, cost breakdown and tables. */
export function searchReport(result: SearchResult, d: ServingDeployment, frontier: FrontierResult | undefined): ReportInput {
  const s = result.child.scenarios[0]!
  const scenario = { input: s.input, output: s.output }
  const childCost = architectureCost(result.child.architecture, { ...scenario, batch: s.child.batch }, d)
  const models: ModelCost[] = []
  if (s.parent !== undefined) models.push(modelCostOf(result.parent.name, 'parent', architectureCost(result.parent.architecture, { ...scenario, batch: s.parent.batch }, d), d.batching))
  models.push(modelCostOf('child', 'child', childCost, d.batching))
  const map = searchMapInput(result)
  const system = `${d.system.name}${d.tp > 1 ? `, TP ${d.tp}` : ''}, ${d.precision.weights} weights, ${d.engine.name} ${d.batching === 'inflight' ? 'in flight' : 'static batch'}`
  return {
    title: `${result.parent.name} → child on ${d.system.name}`,
    subtitle: `${system}; ${s.input} input / ${s.output} output tokens; ${result.createdAt}`,
    frontier: frontierPlot(frontier, result, system),
    architectureMap: map,
    breakdown: {
      models,
      scenario: `${system}; each at its own batch; prefill = the whole batch's prefill, decode = one average step`,
      memoryCapacity: { bytes: childCost.memory.capacity, label: `${fmt.bytes(childCost.memory.capacity)} the engine holds (${childCost.memory.policy})` },
    },
    tables: [resultTable(result), layerChoiceTable(map)],
  }
}
