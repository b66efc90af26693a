/**
 * Several result and frontier files combined into one plot's input: one
 * frontier series per file, one map of the children of a common parent, one
 * cost breakdown of parents and children. Pure functions over decoded files;
 * a combination that would mislead (two quality objectives on one axis, two
 * parents on one map) is a one-line error naming the file.
 */
import { architectureCost } from '../serving/architecture-cost.ts'
import type { ServingDeployment } from '../serving/serving-deployment.ts'
import { InvalidInput } from '../errors.ts'
import type { Target } from '../search/pipeline/request.ts'
import type { FrontierResult } from '../search/pipeline/run-frontier.ts'
import type { SearchResult } from '../search/pipeline/result.ts'
import type { PrecisionConfig } from '../blocks/precision.ts'
import type {
  ArchitectureMapInput,
  BreakdownInput,
  FrontierPlotInput,
  FrontierXAxis,
  ModelCost,
  QualitySource,
  ReferencePoint,
  ReportTable,
  ThroughputBudget,
} from '../../viz/types.ts'
import * as fmt from './format.ts'
import { frontierPlot, modelCostOf, thinned } from './report-data.ts'
import type { ResultFile } from './result-files.ts'

/** Two throughputs computed by the same code for the same setup agree to rounding; this tells them apart from different setups. */
const sameValueTolerance = 1e-9

function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= sameValueTolerance * Math.max(Math.abs(a), Math.abs(b))
}

type ScenarioRequest = { readonly input: number; readonly output: number; readonly batch: number | 'auto' }

function precisionLabel(p: PrecisionConfig): string {
  return [p.weights, ...(p.activations === p.weights ? [] : [`activations ${p.activations}`]), ...(p.kv === p.weights ? [] : [`KV ${p.kv}`])].join(' ')
}

function scenarioLabel(s: ScenarioRequest): string {
  return `${s.input}/${s.output}${s.batch === 'auto' ? '' : `@${s.batch}`}`
}

/** System, precision and scenario: what sets the parent's serving. */
function setupName(r: { readonly system: string; readonly tp: number; readonly precision: PrecisionConfig }, scenarios: readonly ScenarioRequest[]): string {
  const more = scenarios.length > 1 ? ` +${scenarios.length - 1} scenarios` : ''
  return `${r.system}${r.tp > 1 ? ` TP${r.tp}` : ''}, ${precisionLabel(r.precision)}, ${scenarios[0] === undefined ? 'no scenario' : scenarioLabel(scenarios[0])}${more}`
}

/** A file's series name before de-duplication: its setup. */
function baseName(f: ResultFile): string {
  return f.kind === 'search' ? setupName(f.doc.request, f.doc.request.scenarios) : setupName(f.doc.request, [f.doc.request.scenario])
}

export function targetLabel(t: Target): string {
  switch (t.kind) {
    case 'speedup':
      return `≥ ${t.factor}× parent`
    case 'throughput':
      return `≥ ${fmt.rate(t.tokensPerSecondPerGpu)} per GPU`
    case 'latency':
      return `latency ≤ ${fmt.seconds(t.seconds)}`
    case 'memory':
      return `memory ≤ ${fmt.bytes(t.bytes)}`
    case 'none':
      return 'no budget'
  }
}

/** What can tell two files of the same system, precision and scenario apart, in the order a reader looks for it. */
function qualifiers(f: ResultFile): readonly string[] {
  return [f.doc.parent.name, f.kind === 'search' ? targetLabel(f.doc.request.target) : 'frontier', `space ${f.doc.request.space}`, f.doc.quality.source.kind]
}

/**
 * One series name per file: system, precision and scenario (after the parent
 * when the files have several); where files share that, the qualifiers that
 * differ among them are added, and a counter last.
 */
export function seriesNames(files: readonly ResultFile[]): string[] {
  const severalParents = new Set(files.map((f) => f.doc.parent.name)).size > 1
  const bases = files.map((f) => (severalParents ? `${f.doc.parent.name}, ${baseName(f)}` : baseName(f)))
  const named = files.map((f, i) => {
    const group = files.filter((_, j) => bases[j] === bases[i])
    if (group.length === 1) return bases[i]!
    const varying = qualifiers(f).filter((_, q) => new Set(group.map((g) => qualifiers(g)[q])).size > 1)
    return varying.length === 0 ? bases[i]! : `${bases[i]}, ${varying.join(', ')}`
  })
  return named.map((n, i) => (named.filter((m) => m === n).length === 1 ? n : `${n} (${named.slice(0, i + 1).filter((m) => m === n).length})`))
}

interface ParentServing {
  readonly name: string
  /** Tokens/s per GPU at the parent's best batch that fits; undefined when it does not fit. */
  readonly throughput: number | undefined
}

function parentServingOf(f: ResultFile): ParentServing {
  const serving = f.kind === 'search' ? f.doc.child.scenarios[0]!.parent : f.doc.parent.serving
  return { name: f.doc.parent.name, throughput: serving?.metrics.outputTokensPerSecondPerGpu }
}

function objectiveLabel(f: ResultFile): string {
  return Object.entries(f.doc.request.objective)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([m, w]) => (w === 1 ? m : `${w}×${m}`))
    .join(' + ')
}

/** One quality source for the caption: the prior only if every file used it; measured descriptions kept. */
export function combinedQualitySource(files: readonly ResultFile[]): QualitySource {
  const sources = files.map((f) => f.doc.quality.source)
  if (sources.every((s) => s.kind === 'prior')) return { kind: 'prior' }
  const descriptions = [...new Set(sources.filter((s) => s.kind !== 'prior').map((s) => s.description))]
  return { kind: sources.every((s) => s.kind === 'measured') ? 'measured' : 'mixed', description: descriptions.join('; ') }
}

export interface FrontierOptions {
  /** Horizontal axis; default speedup when every file has the same parent and it fits, throughput otherwise. */
  readonly x?: FrontierXAxis
  readonly title?: string
}

/**
 * The frontier plot of several files: one series per file (a frontier's points,
 * or a search's child and alternatives), the parent as a reference point (each
 * parent, when the files have several), the chosen children highlighted and a
 * budget line at each search's required throughput.
 */
export function combinedFrontierPlot(files: readonly ResultFile[], names: readonly string[], options: FrontierOptions = {}): FrontierPlotInput {
  const first = files[0]!
  for (const f of files)
    if (objectiveLabel(f) !== objectiveLabel(first))
      throw new InvalidInput({
        field: `${f.path}: request.objective`,
        problem: `${objectiveLabel(f)} differs from ${first.path}'s ${objectiveLabel(first)} (one quality axis needs one objective; plot them separately)`,
      })
  const parents = files.map(parentServingOf)
  const distinct: (ParentServing & { readonly throughput: number; readonly series: string })[] = []
  for (const [i, p] of parents.entries())
    if (p.throughput !== undefined && !distinct.some((d) => d.name === p.name && same(d.throughput, p.throughput!)))
      distinct.push({ name: p.name, throughput: p.throughput, series: baseName(files[i]!) })
  const x = options.x ?? (distinct.length === 1 && parents.every((p) => p.throughput !== undefined) ? 'speedup' : 'throughput')
  if (x === 'speedup') {
    const unfit = parents.findIndex((p) => p.throughput === undefined)
    if (unfit >= 0)
      throw new InvalidInput({ field: '--x', problem: `speedup needs the parent's throughput, but ${parents[unfit]!.name} does not fit in ${files[unfit]!.path} (use --x throughput)` })
  }
  // One parent is the base of the speedup axis; several are each 1× of themselves, so all are plain labelled references.
  const references: ReferencePoint[] =
    distinct.length === 1
      ? [{ role: 'parent', label: distinct[0]!.name, throughput: distinct[0]!.throughput, quality: 0 }]
      : distinct.map((d) => ({ role: 'reference', label: `${d.name}, ${d.series}`, throughput: d.throughput, speedup: 1, quality: 0 }))

  const perFile = files.map((f, i) => (f.kind === 'frontier' ? frontierPlot(f.doc, undefined, names[i]!) : frontierPlot(undefined, f.doc, names[i]!)))
  const chosen = perFile.flatMap((p, i) => (p.chosen === undefined ? [] : [{ point: p.chosen, name: names[i]! }]))
  const budgets: ThroughputBudget[] = []
  for (const f of files) {
    const required = f.kind === 'search' ? f.doc.child.scenarios[0]!.requiredTokensPerSecondPerGpu : undefined
    if (required === undefined || budgets.some((b) => same(b.throughput!, required))) continue
    const parent = parentServingOf(f).throughput
    budgets.push(parent === undefined ? { throughput: required } : { throughput: required, speedup: required / parent })
  }
  // The plot rings one choice; several are labelled instead, each with its series.
  const chosenReferences: ReferencePoint[] = chosen.length > 1 ? chosen.map((c) => ({ ...c.point, role: 'reference', label: `chosen: ${c.name}` })) : []
  return {
    series: perFile.map((p) => p.series[0]!),
    references: [...references, ...chosenReferences],
    ...(chosen.length === 1 ? { chosen: chosen[0]!.point } : {}),
    budgets,
    x,
    qualitySource: combinedQualitySource(files),
    qualityMetric: perFile[0]!.qualityMetric!,
    // One setting keeps its title; files of different settings are told apart by their series names.
    ...(options.title !== undefined ? { title: options.title } : new Set(perFile.map((p) => p.title)).size === 1 && perFile[0]!.title !== undefined ? { title: perFile[0]!.title } : {}),
  }
}

/** The search results among the files, with their series names; an error naming the plot when there are none. */
export function searchesAmong(files: readonly ResultFile[], names: readonly string[], plot: string): NamedSearch[] {
  const searches = files.flatMap((f, i) => (f.kind === 'search' ? [{ doc: f.doc, path: f.path, name: names[i]! }] : []))
  if (searches.length === 0)
    throw new InvalidInput({ field: '--kind', problem: `${plot} needs a result.json from \`nas-sim search --out\` (a frontier.json holds no architectures)` })
  return searches
}

/** A search result with its file and series name. */
export interface NamedSearch {
  readonly doc: SearchResult
  readonly path: string
  readonly name: string
}

/** Why the searches cannot share one architecture map (their parents differ), or undefined. */
export function mapMismatch(searches: readonly NamedSearch[]): InvalidInput | undefined {
  const first = searches[0]!
  const parentKey = JSON.stringify(first.doc.parent.architecture)
  const other = searches.find((s) => JSON.stringify(s.doc.parent.architecture) !== parentKey)
  return other === undefined
    ? undefined
    : new InvalidInput({
        field: `${other.path}: parent`,
        problem: `${other.doc.parent.name} differs from ${first.path}'s ${first.doc.parent.name} (an architecture map compares children of one parent)`,
      })
}

/** The children of one parent, stacked under it: each search's child and alternatives, named by series when there are several. */
export function combinedMap(searches: readonly NamedSearch[], title?: string): ArchitectureMapInput {
  const mismatch = mapMismatch(searches)
  if (mismatch !== undefined) throw mismatch
  const first = searches[0]!
  // A search names every child alike, so alternatives get their rank.
  const children = searches.flatMap((s) => {
    const name = searches.length === 1 ? s.doc.child.architecture.name : s.name
    return [{ ...s.doc.child.architecture, name }, ...s.doc.alternatives.map((a, i) => ({ ...a.architecture, name: `${name}, alternative ${i + 1}` }))]
  })
  return { parent: first.doc.parent.architecture, children, ...(title === undefined ? {} : { title }) }
}

/** A search result with the deployment its costs are recomputed on. */
export interface DeployedSearch extends NamedSearch {
  readonly deployment: ServingDeployment
}

/** Relative difference past which a recomputed throughput no longer matches the file's (the cost model or its inputs changed). */
const staleTolerance = 1e-6

/**
 * The breakdown recomputes costs with today's cost model; when that no longer
 * gives the child's recorded throughput, a reader should know. Undefined when it matches.
 */
export function staleCostNote(s: DeployedSearch): string | undefined {
  const o = s.doc.child.scenarios[0]!
  const recorded = o.child.metrics.outputTokensPerSecondPerGpu
  const now = architectureCost(s.doc.child.architecture, { input: o.input, output: o.output, batch: o.child.batch }, s.deployment).metrics.outputTokensPerSecondPerGpu
  return Math.abs(now - recorded) <= staleTolerance * recorded
    ? undefined
    : `${s.path}: the cost model now gives the child ${fmt.rate(now)} per GPU where the file records ${fmt.rate(recorded)}; the breakdown shows today's costs`
}

function systemLabel(d: ServingDeployment): string {
  return `${d.system.name}${d.tp > 1 ? `, TP ${d.tp}` : ''}, ${precisionLabel(d.precision)}, ${d.engine.name} ${d.batching === 'inflight' ? 'in flight' : 'static batch'}`
}

/** What a cost depends on besides the architecture and the scenario. */
function deploymentKey(d: ServingDeployment): string {
  return JSON.stringify([d.system.id, d.tp, d.precision, d.efficiency.name, d.engine.id, d.batching])
}

/**
 * Where time and memory go, parent and child, each at its own batch in the
 * first scenario; a parent shared by several searches is drawn once.
 */
export function combinedBreakdown(searches: readonly DeployedSearch[], title?: string): BreakdownInput {
  const models: ModelCost[] = []
  const parentsDrawn = new Set<string>()
  const parentNames = new Set(searches.map((s) => s.doc.parent.name))
  const deployments = new Set(searches.map((s) => deploymentKey(s.deployment)))
  for (const s of searches) {
    const o = s.doc.child.scenarios[0]!
    const scenario = { input: o.input, output: o.output }
    const d = s.deployment
    if (o.parent !== undefined) {
      const key = JSON.stringify([s.doc.parent.architecture, deploymentKey(d), scenario, o.parent.batch])
      if (!parentsDrawn.has(key)) {
        parentsDrawn.add(key)
        const name = parentNames.size === 1 && deployments.size === 1 ? s.doc.parent.name : `${s.doc.parent.name}, ${setupName(s.doc.request, s.doc.request.scenarios)}`
        models.push(modelCostOf(name, 'parent', architectureCost(s.doc.parent.architecture, { ...scenario, batch: o.parent.batch }, d), d.batching))
      }
    }
    models.push(modelCostOf(searches.length === 1 ? 'child' : s.name, 'child', architectureCost(s.doc.child.architecture, { ...scenario, batch: o.child.batch }, d), d.batching))
  }
  const capacities = new Set(models.map((m) => m.capacity))
  const capacity = capacities.size === 1 ? [...capacities][0]! : undefined
  const steps = 'each at its own batch; prefill = the whole batch’s prefill (static) or its share of an engine step (in flight), decode = one average step'
  return {
    models,
    scenario: deployments.size === 1 ? `${systemLabel(searches[0]!.deployment)}; ${steps}` : `each row on its own system (see its name); ${steps}`,
    ...(capacity === undefined ? {} : { memoryCapacity: { bytes: capacity, label: `${fmt.bytes(capacity)} the engine holds` } }),
    ...(title === undefined ? {} : { title }),
  }
}

/** Rows a frontier table shows; the CSV from `pareto --out` keeps every point. */
const frontierTableRows = 12

/** A frontier's points, thinned evenly in throughput, as a report table. */
export function frontierTable(f: FrontierResult, name: string): ReportTable {
  const shown = thinned(f.points, frontierTableRows)
  return {
    title: `Frontier: ${name}`,
    columns: ['tokens/s per GPU', 'speedup', 'objective', 'batch', 'parameters'],
    rows: shown.map((p) => ({
      label: fmt.rate(p.tokensPerSecondPerGpu),
      values: [p.speedup === undefined ? '–' : `${p.speedup.toFixed(2)}×`, p.objective.toFixed(4), String(p.batch), fmt.count(p.params)],
    })),
    note: `${shown.length} of ${f.points.length} points (${f.completeness === 'exact' ? 'the exact frontier' : `sampled: ${f.note ?? 'exact optima at sampled targets'}`}). Quality: ${f.quality.source.description}.`,
  }
}
