/**
 * Lowers a SearchProblem to the form every solver shares: per layer the
 * allowed variants with their objective values, and a list of rows
 * `Σ_l a[l][v] ≤ bound`. Budgets become rows directly (base costs moved into
 * the bound); "at least N tagged layers" becomes `Σ −[tagged] ≤ −N`; callers
 * may add rows of their own (the diversity cuts of top-k).
 */
import { InvalidSearchProblem } from './errors.ts'
import { budgetCap } from './evaluate.ts'
import { budgetValue, objectiveOfEach, type AtLeastTagged, type Budget, type SearchProblem } from './problem.ts'

/** A row added by a caller, e.g. "share at most 60 layers with the previous solution". */
export interface ExtraRow {
  /** Label for reports, e.g. `diversity-1`. */
  readonly label: string
  readonly bound: number
  /** The row's coefficient for variant `variant` (an index into `layers[layer].variants`). */
  readonly coefficient: (layer: number, variant: number) => number
}

export interface Row {
  readonly source: Budget | AtLeastTagged | ExtraRow
  /** The row holds when the sum of its coefficients over the chosen variants is at most `bound`. */
  readonly bound: number
}

/** A row's name for messages: the budget's, the tag's or the caller's label. */
export function rowLabel(row: Row): string {
  const source = row.source
  return 'name' in source ? source.name : 'label' in source ? source.label : source.tag
}

export interface CompiledLayer {
  /** Indices into the problem layer's `variants` of the variants allowed here, ascending. */
  readonly options: Int32Array
  /** Objective value of each allowed variant. */
  readonly q: Float64Array
  /** Per row, the coefficient of each allowed variant. */
  readonly a: readonly Float64Array[]
}

export interface CompiledProblem {
  readonly layers: readonly CompiledLayer[]
  readonly rows: readonly Row[]
}

function requireFinite(field: string, value: number): void {
  if (!Number.isFinite(value)) throw new InvalidSearchProblem({ field, reason: `${value} (must be a finite number)` })
}

function validateNumbers(problem: SearchProblem): void {
  for (const [name, weight] of Object.entries(problem.objective)) requireFinite(`objective.${name}`, weight)
  for (const [name, value] of Object.entries(problem.baseCosts ?? {})) requireFinite(`baseCosts.${name}`, value)
  problem.budgets.forEach((b, i) => requireFinite(`budgets[${i}].max`, b.max))
  problem.layers.forEach((layer, l) => {
    if (layer.variants.length === 0) throw new InvalidSearchProblem({ field: `layers[${l}].variants`, reason: 'empty (give each layer at least one variant)' })
    const seen = new Set<string>()
    layer.variants.forEach((v, i) => {
      if (seen.has(v.id)) throw new InvalidSearchProblem({ field: `layers[${l}].variants[${i}].id`, reason: `${v.id} appears twice in the layer (ids must be unique per layer)` })
      seen.add(v.id)
      // This runs over every value of every variant of every layer: the field's name is built only for a bad value.
      for (const name in v.costs) if (!Number.isFinite(v.costs[name])) requireFinite(`layers[${l}].variants[${i}].costs.${name}`, v.costs[name]!)
      for (const name in v.metrics) if (!Number.isFinite(v.metrics[name])) requireFinite(`layers[${l}].variants[${i}].metrics.${name}`, v.metrics[name]!)
    })
  })
}

/** Per layer, which variants the fixed/allowed constraints leave. */
function allowedMasks(problem: SearchProblem): boolean[][] {
  const masks = problem.layers.map((layer) => layer.variants.map(() => true))
  problem.constraints.forEach((c, i) => {
    if (c.type === 'atLeastTagged') {
      if (!Number.isInteger(c.count) || c.count < 0) throw new InvalidSearchProblem({ field: `constraints[${i}].count`, reason: `${c.count} (must be a whole number ≥ 0)` })
      return
    }
    const layer = problem.layers[c.layer]
    const mask = masks[c.layer]
    if (layer === undefined || mask === undefined) {
      throw new InvalidSearchProblem({ field: `constraints[${i}].layer`, reason: `${c.layer} (must be 0…${problem.layers.length - 1})` })
    }
    const ids = c.type === 'fixed' ? [c.variant] : c.variants
    const known = new Set(layer.variants.map((v) => v.id))
    for (const id of ids) {
      if (!known.has(id)) throw new InvalidSearchProblem({ field: `constraints[${i}]`, reason: `layer ${c.layer} has no variant ${id}` })
    }
    const keep = new Set(ids)
    layer.variants.forEach((v, j) => {
      if (!keep.has(v.id)) mask[j] = false
    })
    if (!mask.includes(true)) {
      throw new InvalidSearchProblem({ field: `constraints[${i}]`, reason: `no variant of layer ${c.layer} is left by the fixed and allowed constraints on it` })
    }
  })
  return masks
}

/**
 * Problems whose numbers passed `validateNumbers`. Problems are immutable, and top-k and the batch plans compile the
 * same one several times (once per alternative, for the plan's bound and again for its search).
 */
const validated = new WeakSet<SearchProblem>()

/** Lowers `problem` (plus any extra rows) to the shared solver form, validating it on the way. */
export function compileProblem(problem: SearchProblem, extraRows: readonly ExtraRow[] = []): CompiledProblem {
  if (!validated.has(problem)) {
    validateNumbers(problem)
    validated.add(problem)
  }
  const masks = allowedMasks(problem)
  const tagged = problem.constraints.filter((c): c is AtLeastTagged => c.type === 'atLeastTagged')
  const rows: Row[] = [
    ...problem.budgets.map((b) => ({ source: b, bound: budgetCap(b.max) - (b.kind === 'cost' ? (problem.baseCosts?.[b.name] ?? 0) : 0) })),
    ...tagged.map((c) => ({ source: c, bound: -c.count })),
    ...extraRows.map((r) => ({ source: r, bound: r.bound })),
  ]
  const objectiveValue = objectiveOfEach(problem.objective)
  const layers = problem.layers.map((layer, l): CompiledLayer => {
    const mask = masks[l]!
    let allowed = 0
    for (const keep of mask) if (keep) allowed++
    const options = new Int32Array(allowed)
    for (let j = 0, k = 0; j < mask.length; j++) if (mask[j]) options[k++] = j
    const variantAt = (k: number) => layer.variants[options[k] ?? -1]!
    const q = Float64Array.from(options, (_, k) => objectiveValue(variantAt(k).metrics))
    const a = [
      ...problem.budgets.map((b) => Float64Array.from(options, (_, k) => budgetValue(b, variantAt(k)))),
      ...tagged.map((c) => Float64Array.from(options, (_, k) => ((variantAt(k).tags ?? []).includes(c.tag) ? -1 : 0))),
      ...extraRows.map((r) => Float64Array.from(options, (j) => r.coefficient(l, j))),
    ]
    return { options, q, a }
  })
  return { layers, rows }
}
