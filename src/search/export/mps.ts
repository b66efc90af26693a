/**
 * A search problem as a 0-1 program in free MPS, the format HiGHS, CBC,
 * Gurobi and CPLEX all read. One binary column `x<l>_<v>` per layer and
 * variant (in the problem's order); rows:
 * - `obj`: minimise `Σ_m weight_m · metric_m` (the objective);
 * - `pick<l>`: `Σ_v x<l>_<v> = 1` (one variant per layer);
 * - `budget<i>`: `Σ value · x ≤ max − base` (base costs moved to the right-hand side);
 * - `fixed<k>`, `allowed<k>`: `Σ x over the allowed variants of the layer = 1`;
 * - `tagged<k>`: `Σ x over tagged variants ≥ count`.
 * Values keep their units (seconds, bytes, nats): the solver's own scaling
 * copes, and a reader can check a row against the JSON export.
 */
import { budgetValue, objectiveOf, type SearchProblem } from '../problem.ts'

export const mpsColumn = (layer: number, variant: number) => `x${layer}_${variant}`

/** Parses `x<l>_<v>` back to its layer and variant index. */
export function parseMpsColumn(name: string): { layer: number; variant: number } | undefined {
  const m = /^x(\d+)_(\d+)$/.exec(name)
  return m === null ? undefined : { layer: Number(m[1]), variant: Number(m[2]) }
}

/** Shortest round-trip decimal; MPS readers take exponents. */
const num = (x: number) => String(x)

/** Names are free-MPS tokens: no spaces. */
const token = (s: string) => s.replace(/[^A-Za-z0-9_@.%:+|-]/g, '_')

interface Row {
  readonly name: string
  readonly sense: 'E' | 'L' | 'G'
  readonly rhs: number
  /** Coefficient of column (l, v), or 0. */
  readonly coefficient: (l: number, v: number) => number
  readonly comment: string
}

function rowsOf(problem: SearchProblem): Row[] {
  const rows: Row[] = problem.layers.map((_, layer) => ({
    name: `pick${layer}`,
    sense: 'E' as const,
    rhs: 1,
    coefficient: (l: number) => (l === layer ? 1 : 0),
    comment: `layer ${layer} uses exactly one variant`,
  }))
  problem.budgets.forEach((b, i) => {
    const base = b.kind === 'cost' ? (problem.baseCosts?.[b.name] ?? 0) : 0
    rows.push({
      name: `budget${i}_${token(b.name)}`,
      sense: 'L',
      rhs: b.max - base,
      coefficient: (l, v) => budgetValue(b, problem.layers[l]!.variants[v]!),
      comment: `${b.kind} ${b.name} <= ${num(b.max)}${base === 0 ? '' : ` minus base ${num(base)}`}`,
    })
  })
  problem.constraints.forEach((c, k) => {
    if (c.type === 'atLeastTagged') {
      rows.push({
        name: `tagged${k}_${token(c.tag)}`,
        sense: 'G',
        rhs: c.count,
        coefficient: (l, v) => ((problem.layers[l]!.variants[v]!.tags ?? []).includes(c.tag) ? 1 : 0),
        comment: `at least ${c.count} layers use a variant tagged ${c.tag}`,
      })
      return
    }
    const allowed = new Set(c.type === 'fixed' ? [c.variant] : c.variants)
    rows.push({
      name: `${c.type}${k}`,
      sense: 'E',
      rhs: 1,
      coefficient: (l, v) => (l === c.layer && allowed.has(problem.layers[l]!.variants[v]!.id) ? 1 : 0),
      comment: `layer ${c.layer} ${c.type === 'fixed' ? `is fixed to ${c.variant}` : `uses one of ${c.variants.join(', ')}`}`,
    })
  })
  return rows
}

/** The free-MPS text of `problem`; `name` goes on the NAME line (spaces become underscores). */
export function problemMps(problem: SearchProblem, name: string): string {
  const rows = rowsOf(problem)
  const out: string[] = [
    '* nas-sim search problem as a 0-1 program (free MPS); minimise the objective row obj',
    `* objective: ${Object.entries(problem.objective).map(([m, w]) => `${num(w)}·${m}`).join(' + ') || '0'}`,
    ...rows.filter((r) => !r.name.startsWith('pick')).map((r) => `* ${r.name}: ${r.comment}`),
    `NAME ${token(name)}`,
    'ROWS',
    ' N obj',
    ...rows.map((r) => ` ${r.sense} ${r.name}`),
    'COLUMNS',
    "    MARKER 'MARKER' 'INTORG'",
  ]
  problem.layers.forEach((layer, l) => {
    layer.variants.forEach((variant, v) => {
      const column = mpsColumn(l, v)
      out.push(`* ${column} = layer ${l} variant ${variant.id}`)
      const q = objectiveOf(problem.objective, variant.metrics)
      if (q !== 0) out.push(`    ${column} obj ${num(q)}`)
      for (const r of rows) {
        const a = r.coefficient(l, v)
        if (a !== 0) out.push(`    ${column} ${r.name} ${num(a)}`)
      }
    })
  })
  out.push("    MARKER 'MARKER' 'INTEND'", 'RHS')
  for (const r of rows) if (r.rhs !== 0) out.push(`    RHS ${r.name} ${num(r.rhs)}`)
  out.push('BOUNDS')
  problem.layers.forEach((layer, l) => layer.variants.forEach((_, v) => out.push(` UP BND ${mpsColumn(l, v)} 1`)))
  out.push('ENDATA')
  return `${out.join('\n')}\n`
}
