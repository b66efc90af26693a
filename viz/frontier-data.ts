/**
 * Frontier input resolved to plot coordinates in data units: validated, with
 * the x value chosen by the axis mode (throughput or speedup over the parent).
 */
import { formatSpeedup, formatThroughput } from './formats.ts'
import { VizInputError, requireFinite, requirePositive } from './errors.ts'
import type { FrontierPlotInput, FrontierPoint, FrontierXAxis, ReferencePoint, ThroughputBudget } from './types.ts'

export interface ResolvedPoint {
  /** Throughput (tokens/s per GPU) or speedup (×), per the axis mode. */
  readonly x: number
  /** Quality loss. */
  readonly y: number
  readonly throughput: number
  /** Speedup over the parent when known. */
  readonly speedup?: number
  readonly source: FrontierPoint
}

export interface ResolvedSeries {
  readonly name: string
  readonly points: readonly ResolvedPoint[]
  /** The non-dominated points (highest x for lowest y), by increasing x. */
  readonly front: readonly ResolvedPoint[]
}

export interface ResolvedBudget {
  readonly x: number
  readonly label: string
}

export interface ResolvedFrontier {
  readonly mode: FrontierXAxis
  readonly series: readonly ResolvedSeries[]
  readonly parent?: ResolvedPoint & { readonly label: string }
  readonly references: readonly (ResolvedPoint & { readonly label: string })[]
  readonly chosen?: ResolvedPoint
  readonly budgets: readonly ResolvedBudget[]
}

/** Points no other point beats on both axes: more x (throughput) and less y (loss). */
export function paretoFront(points: readonly ResolvedPoint[]): readonly ResolvedPoint[] {
  const byXDescending = [...points].sort((a, b) => b.x - a.x || a.y - b.y)
  const front: ResolvedPoint[] = []
  let bestY = Number.POSITIVE_INFINITY
  for (const p of byXDescending) {
    if (p.y < bestY) {
      front.push(p)
      bestY = p.y
    }
  }
  return front.reverse()
}

function parentOf(references: readonly ReferencePoint[]): ReferencePoint | undefined {
  const parents = references.filter((r) => r.role === 'parent')
  if (parents.length > 1) {
    throw new VizInputError({ field: 'references', problem: `${parents.length} points have role 'parent' (at most one may)` })
  }
  return parents[0]
}

function resolvePoint(point: FrontierPoint, field: string, mode: FrontierXAxis, parent: ReferencePoint | undefined): ResolvedPoint {
  const throughput = requirePositive(`${field}.throughput`, point.throughput)
  const y = requireFinite(`${field}.quality`, point.quality)
  const speedup =
    point.speedup !== undefined
      ? requirePositive(`${field}.speedup`, point.speedup)
      : parent === undefined
        ? undefined
        : throughput / requirePositive('parent throughput', parent.throughput)
  if (mode === 'speedup' && speedup === undefined) {
    throw new VizInputError({ field: `${field}.speedup`, problem: "missing (give each point a speedup, or add a reference with role 'parent')" })
  }
  const x = mode === 'speedup' && speedup !== undefined ? speedup : throughput
  return speedup === undefined ? { x, y, throughput, source: point } : { x, y, throughput, speedup, source: point }
}

function resolveBudget(budget: ThroughputBudget, field: string, mode: FrontierXAxis, parent: ReferencePoint | undefined): ResolvedBudget {
  const parentThroughput = parent === undefined ? undefined : parent.throughput
  const throughput =
    budget.throughput !== undefined
      ? requirePositive(`${field}.throughput`, budget.throughput)
      : budget.speedup !== undefined && parentThroughput !== undefined
        ? requirePositive(`${field}.speedup`, budget.speedup) * parentThroughput
        : undefined
  const speedup =
    budget.speedup !== undefined
      ? requirePositive(`${field}.speedup`, budget.speedup)
      : throughput !== undefined && parentThroughput !== undefined
        ? throughput / parentThroughput
        : undefined
  const x = mode === 'speedup' ? speedup : throughput
  if (x === undefined) {
    const missing = mode === 'speedup' ? 'speedup' : 'throughput'
    throw new VizInputError({ field: `${field}.${missing}`, problem: "missing (give it, or the other target plus a reference with role 'parent')" })
  }
  const inAxisUnit = mode === 'speedup' ? `${formatSpeedup(x)} parent` : `${formatThroughput(x)} tokens/s per GPU`
  const other =
    mode === 'speedup'
      ? throughput === undefined ? '' : ` (${formatThroughput(throughput)} tokens/s per GPU)`
      : speedup === undefined ? '' : ` (${formatSpeedup(speedup)} parent)`
  const label = budget.label ?? `≥ ${inAxisUnit}${other}`
  return { x, label }
}

export function resolveFrontier(input: FrontierPlotInput): ResolvedFrontier {
  const mode = input.x ?? 'throughput'
  const references = input.references ?? []
  const parent = parentOf(references)
  const series = input.series.map((s, i) => {
    const points = s.points.map((p, j) => resolvePoint(p, `series[${i}].points[${j}]`, mode, parent))
    return { name: s.name, points, front: paretoFront(points) }
  })
  const resolvedReferences = references.map((r, i) => ({ ...resolvePoint(r, `references[${i}]`, mode, parent), label: r.label, role: r.role }))
  const resolvedParent = resolvedReferences.find((r) => r.role === 'parent')
  const chosen = input.chosen === undefined ? undefined : resolvePoint(input.chosen, 'chosen', mode, parent)
  const budgets = (input.budgets ?? []).map((b, i) => resolveBudget(b, `budgets[${i}]`, mode, parent))
  const pointCount = series.reduce((n, s) => n + s.points.length, 0) + resolvedReferences.length + (chosen === undefined ? 0 : 1)
  if (pointCount === 0) throw new VizInputError({ field: 'series', problem: 'no points to plot (series, references and chosen are all empty)' })
  return {
    mode,
    series,
    references: resolvedReferences.filter((r) => r.role !== 'parent'),
    budgets,
    ...(resolvedParent === undefined ? {} : { parent: resolvedParent }),
    ...(chosen === undefined ? {} : { chosen }),
  }
}
