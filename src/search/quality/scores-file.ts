/**
 * Measured replace-1-block scores from a file: JSON (an array of rows, or
 * `{"rows": [...]}`) or CSV with a header, each row
 * `layer, variant, <metric>, <metric>, ...`, e.g. `3,attn:kv2|ffn:50%,0.0123,0.004`.
 *
 * `variant` is a full variant id (`<mixer>|<ffn>`) or one slot's option id
 * (`attn:noop`, `ffn:50%`); slot scores add up, as replace-1-block scores do in
 * Puzzle. A full-id score overrides the slot sum. The parent's own options
 * score 0. Where a `kl_div` score is missing the built-in prior fills it in,
 * and the source says `mixed`; any other metric must be complete.
 *
 * A fused FFN run (`--fuse-ffn`) is scored by a row whose variant is
 * `fuse:FIRST-LAST` and whose layer is FIRST, e.g. `117,fuse:117-125,0.004`:
 * the loss of fusing the FFNs of layers FIRST..LAST (inclusive) into one,
 * added to the child's per-layer scores. A fused run without a row gets the
 * prior's (fusion-prior.ts) for `kl_div`.
 */
import { csvParseRows } from 'd3'
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import { InvalidInput, invalidFromSchema } from '../../errors.ts'
import { decimal } from '../../io/decimal.ts'
import { variantId } from '../space/types.ts'
import { fusedRunId } from '../../blocks/ffn-fusion.ts'
import { priorFusionKl } from './fusion-prior.ts'
import { priorKl } from './prior.ts'
import type { Metrics, QualityModel } from './types.ts'

const Row = Schema.Record(Schema.String, Schema.Union([Schema.String, Schema.Number]))
const RowsJson = Schema.Union([Schema.Array(Row), Schema.Struct({ rows: Schema.Array(Row) })])

export interface ScoreTable {
  /** Metric names, in file order. */
  readonly metrics: readonly string[]
  /** `layer` → variant or option id → metrics. */
  readonly byLayer: ReadonlyMap<number, ReadonlyMap<string, Metrics>>
  /** `fuse:FIRST-LAST` → metrics of fusing that run. */
  readonly fusedRuns: ReadonlyMap<string, Metrics>
  readonly file: string
}

/** `fuse:FIRST-LAST` as written in a score row: its layers, or a one-line problem. */
function fusedRunOf(variant: string, layer: number): { first: number; last: number } | string {
  const m = /^fuse:(\d+)-(\d+)$/.exec(variant)
  if (m === null) return `${variant} (expected fuse:FIRST-LAST, e.g. fuse:117-125)`
  const first = Number(m[1])
  const last = Number(m[2])
  if (first !== layer) return `${variant} (its layer column must be its first layer, ${first}; got ${layer})`
  if (last <= first) return `${variant} (a fused run spans at least two layers: FIRST < LAST)`
  return { first, last }
}

/**
 * CSV text → rows of strings keyed by the header. d3-dsv (part of the pinned
 * d3) parses RFC 4180: quoted cells may hold commas, quotes and line breaks.
 * Lines starting with `#` are comments; blank lines are skipped; cells are trimmed.
 */
export function parseCsv(text: string): Record<string, string>[] {
  const uncommented = text
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('#'))
    .join('\n')
  const [header = [], ...rows] = csvParseRows(uncommented, (row) => (row.every((cell) => cell.trim() === '') ? undefined : row.map((cell) => cell.trim())))
  return rows.map((row) => Object.fromEntries(row.map((v, i) => [header[i] ?? `column${i + 1}`, v])))
}

/** Rows (from JSON or CSV) → a score table, with one-line errors naming the row and field. */
export function scoreTable(rows: readonly Readonly<Record<string, string | number>>[], file: string): Result.Result<ScoreTable, InvalidInput> {
  if (rows.length === 0) return Result.fail(new InvalidInput({ field: file, problem: 'no score rows' }))
  const metrics = Object.keys(rows[0]!).filter((k) => k !== 'layer' && k !== 'variant')
  if (metrics.length === 0) return Result.fail(new InvalidInput({ field: file, problem: 'no metric columns besides layer and variant (e.g. kl_div)' }))
  const byLayer = new Map<number, Map<string, Metrics>>()
  const fusedRuns = new Map<string, Metrics>()
  for (const [i, row] of rows.entries()) {
    const where = `${file}: row ${i + 1}`
    const layer = Number(row.layer)
    if (!Number.isInteger(layer) || layer < 0) return Result.fail(new InvalidInput({ field: `${where}: layer`, problem: `${String(row.layer)} (expected a layer index ≥ 0)` }))
    const variant = String(row.variant ?? '').trim()
    if (variant === '') return Result.fail(new InvalidInput({ field: `${where}: variant`, problem: 'missing (expected a variant id such as attn:kv4|ffn:50% or an option id such as ffn:50%)' }))
    const values: Record<string, number> = {}
    for (const m of metrics) {
      const cell = row[m]
      // Plain decimals only: Number() alone reads blanks as 0 and takes hex (root cause H of issue 15).
      const v = typeof cell === 'number' ? cell : typeof cell === 'string' ? decimal(cell) : NaN
      if (!Number.isFinite(v)) return Result.fail(new InvalidInput({ field: `${where}: ${m}`, problem: `${cell === undefined || cell === '' ? 'blank' : String(cell)} (expected a number)` }))
      if (v < 0)
        return Result.fail(new InvalidInput({ field: `${where}: ${m}`, problem: `${v} (a replace-1-block loss is measured against the parent and is never below zero)` }))
      values[m] = v
    }
    if (variant.startsWith('fuse:')) {
      const run = fusedRunOf(variant, layer)
      if (typeof run === 'string') return Result.fail(new InvalidInput({ field: `${where}: variant`, problem: run }))
      if (fusedRuns.has(variant)) return Result.fail(new InvalidInput({ field: `${where}`, problem: `fused run ${variant} is scored twice` }))
      fusedRuns.set(variant, values)
      continue
    }
    let layerScores = byLayer.get(layer)
    if (layerScores === undefined) byLayer.set(layer, (layerScores = new Map()))
    if (layerScores.has(variant)) return Result.fail(new InvalidInput({ field: `${where}`, problem: `layer ${layer} variant ${variant} is scored twice` }))
    layerScores.set(variant, values)
  }
  return Result.succeed({ metrics, byLayer, fusedRuns, file })
}

/** Parses a scores file's text by its extension. */
export function parseScores(text: string, file: string): Result.Result<ScoreTable, InvalidInput> {
  if (/\.csv$/i.test(file)) return scoreTable(parseCsv(text), file)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return Result.fail(new InvalidInput({ field: file, problem: `not valid JSON (${e instanceof Error ? e.message : String(e)}); expected an array of {layer, variant, <metric>...} rows` }))
  }
  const decoded = Schema.decodeUnknownResult(RowsJson)(json)
  if (Result.isFailure(decoded)) return Result.fail(invalidFromSchema(file, decoded.failure.message))
  const rows = 'rows' in decoded.success ? decoded.success.rows : decoded.success
  return scoreTable(rows, file)
}

/** Whether an option reproduces the parent's block (its replace-1-block loss is 0 by definition). */
function isParentBlock(option: { readonly spec: unknown }, parentSpec: unknown): boolean {
  return JSON.stringify(option.spec) === JSON.stringify(parentSpec)
}

/**
 * A quality model over a score table. Missing `kl_div` entries come from the
 * prior (flagged, so the source can say how many); other metrics must be
 * complete, or scoring throws an InvalidInput naming the first gap.
 */
export function measuredQuality(table: ScoreTable): QualityModel {
  const used = new Set<string>()
  const usedRuns = new Set<string>()
  const key = (layer: number, id: string) => `layer ${layer} variant ${id}`
  return {
    metrics: table.metrics,
    file: table.file,
    unusedFusedRows: () => [...table.fusedRuns.keys()].filter((id) => !usedRuns.has(id)),
    fusedRun: (run, child) => {
      const id = fusedRunId(run)
      const row = table.fusedRuns.get(id)
      if (row !== undefined) {
        usedRuns.add(id)
        return { metrics: row, fromPrior: false }
      }
      const out: Record<string, number> = {}
      for (const m of table.metrics) {
        if (m !== 'kl_div') throw new InvalidInput({ field: `${table.file}: ${id}`, problem: `no ${m} score for fused run ${id} (add a row: layer ${run.first}, variant ${id})` })
        out[m] = priorFusionKl(child, run)
      }
      return { metrics: out, fromPrior: true }
    },
    unusedRows: () => [...table.byLayer].flatMap(([layer, scores]) => [...scores.keys()].map((id) => key(layer, id)).filter((k) => !used.has(k))),
    score: (layer, parent, mixer, ffn, layerCount) => {
      const scores = table.byLayer.get(layer)
      const fullId = variantId(mixer.id, ffn.id)
      const full = scores?.get(fullId)
      if (full !== undefined) used.add(key(layer, fullId))
      // A slot's row counts as used wherever the space offers that option, even when a full-variant row overrides it.
      if (scores?.has(mixer.id)) used.add(key(layer, mixer.id))
      if (scores?.has(ffn.id)) used.add(key(layer, ffn.id))
      if (full !== undefined) return { metrics: full, fromPrior: false }
      const out: Record<string, number> = {}
      let fromPrior = false
      for (const m of table.metrics) {
        const part = (option: { readonly id: string; readonly spec: unknown }, parentSpec: unknown): number | undefined =>
          isParentBlock(option, parentSpec) ? 0 : scores?.get(option.id)?.[m]
        const a = part(mixer, parent.mixer)
        const b = part(ffn, parent.ffn)
        if (a !== undefined && b !== undefined) out[m] = a + b
        else if (m === 'kl_div') {
          out[m] = priorKl(layer, layerCount, parent, mixer.spec, ffn.spec)
          fromPrior = true
        } else
          throw new InvalidInput({
            field: `${table.file}: layer ${layer}`,
            problem: `no ${m} score for ${variantId(mixer.id, ffn.id)} (give the full variant or both ${mixer.id} and ${ffn.id})`,
          })
      }
      return { metrics: out, fromPrior }
    },
  }
}
