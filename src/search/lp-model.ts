/**
 * Writes a compiled problem as a 0-1 program in CPLEX LP format: one binary
 * `x<l>_<k>` per layer and allowed variant, one "choose exactly one" row per
 * layer, one row per budget, tag count or extra row. Rows and the objective
 * are scaled to a largest coefficient of 1 so that HiGHS's absolute
 * tolerances mean the same for seconds, bytes and KL divergences.
 */
import type { CompiledProblem } from './compile.ts'

/** Terms per line; the LP format allows continuation lines and short lines keep readers happy. */
const termsPerLine = 8

export const columnName = (layer: number, position: number) => `x${layer}_${position}`

/** Parses `x<l>_<k>` back to its layer and position. */
export function parseColumn(name: string): { layer: number; position: number } | undefined {
  const match = /^x(\d+)_(\d+)$/.exec(name)
  return match === null ? undefined : { layer: Number(match[1]), position: Number(match[2]) }
}

function terms(entries: readonly { readonly coefficient: number; readonly name: string }[]): string {
  const parts = entries.map(({ coefficient, name }) => `${coefficient < 0 ? '-' : '+'} ${Math.abs(coefficient)} ${name}`)
  const lines: string[] = []
  for (let i = 0; i < parts.length; i += termsPerLine) lines.push(parts.slice(i, i + termsPerLine).join(' '))
  return lines.join('\n   ')
}

function largest(values: Iterable<number>): number {
  let max = 0
  for (const v of values) max = Math.max(max, Math.abs(v))
  return max || 1
}

export interface LpModel {
  readonly text: string
  /** The objective's scale: the LP's objective times this is the problem's. */
  readonly objectiveScale: number
}

/** The LP text, or undefined when a row with no variable terms already has a negative bound (no choice can meet it). */
export function lpModel(problem: CompiledProblem): LpModel | undefined {
  const objectiveScale = largest(problem.layers.flatMap((layer) => Array.from(layer.q)))
  const objective = problem.layers.flatMap((layer, l) =>
    Array.from(layer.q, (q, k) => ({ coefficient: q / objectiveScale, name: columnName(l, k) })).filter((t) => t.coefficient !== 0),
  )
  const rows: string[] = problem.layers.map((layer, l) => ` c${l}: ${terms(Array.from(layer.q, (_, k) => ({ coefficient: 1, name: columnName(l, k) })))} = 1`)
  for (const [r, row] of problem.rows.entries()) {
    if (row.bound === Infinity) continue
    const scale = largest(problem.layers.flatMap((layer) => Array.from(layer.a[r]!)))
    const entries = problem.layers.flatMap((layer, l) =>
      Array.from(layer.a[r]!, (a, k) => ({ coefficient: a / scale, name: columnName(l, k) })).filter((t) => t.coefficient !== 0),
    )
    if (entries.length === 0) {
      if (row.bound < 0) return undefined
      continue
    }
    rows.push(` r${r}: ${terms(entries)} <= ${row.bound / scale}`)
  }
  const columns = problem.layers.flatMap((layer, l) => Array.from(layer.q, (_, k) => columnName(l, k)))
  const binaries: string[] = []
  for (let i = 0; i < columns.length; i += termsPerLine * 2) binaries.push(` ${columns.slice(i, i + termsPerLine * 2).join(' ')}`)
  const text = [
    'Minimize',
    ` obj: ${objective.length > 0 ? terms(objective) : `0 ${columns[0] ?? 'x0_0'}`}`,
    'Subject To',
    ...rows,
    'Binary',
    ...binaries,
    'End',
    '',
  ].join('\n')
  return { text, objectiveScale }
}
