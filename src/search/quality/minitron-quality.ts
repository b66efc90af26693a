/**
 * Quality in the Minitron space, per axis: a model-wide loss for each width
 * axis at each value (hidden size, FFN width, Mamba layout) and a loss for
 * dropping each layer. A child's loss is the sum of its width losses and the
 * losses of the layers it drops. Additivity is an assumption, the same one
 * Puzzle's replace-1-block scores make; the paper (arXiv:2504.11409) ranks
 * candidates after a short distillation instead, which no additive score
 * reproduces exactly.
 *
 * Two sources:
 * - the built-in prior (below), which extends nas-sim's block prior
 *   (prior.ts) to model-wide widths;
 * - a scores file of rows `axis,value,<metric>...` (CSV or JSON), e.g.
 *   `hidden,3072,0.21`, `ffn,12288,0.19`, `mamba,8x14,0.03` (groups × heads per
 *   group, optionally `×head dim`: `8x14x64`), `drop,17,0.012` (layer 17). The
 *   parent's own value scores 0 when no row gives it. Every grid value and, when
 *   depth is searched, every droppable layer needs a row.
 */
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import type { Architecture, LayerChoice } from '../../blocks/architecture.ts'
import { InvalidInput, invalidFromSchema } from '../../errors.ts'
import { decimal } from '../../io/decimal.ts'
import { dropId, type MinitronPlan, type WidthSetting } from '../space/minitron.ts'
import { layerWeight, priorKl, priorScales } from './prior.ts'
import { parseCsv } from './scores-file.ts'
import type { Metrics, QualityModel } from './types.ts'

/** Per-axis quality of a Minitron space. */
export interface WidthQuality {
  readonly metrics: readonly string[]
  /** The scores file, or undefined for the prior. */
  readonly file: string | undefined
  /** The model-wide loss of a width setting (0 at the parent's widths). */
  readonly widthLoss: (w: WidthSetting) => Metrics
  /** The loss of dropping one slot of one layer of the parent. */
  readonly dropLoss: (layer: number, slot: 'mixer' | 'ffn') => Metrics
  /** Rows of the scores file no grid value or layer uses (`ffn 9000`, `drop 60`), so that a search can say what it ignored. */
  readonly unusedRows?: readonly string[]
}

/**
 * Loss scales of the width prior, nats of KL per block at layer weight 1; our
 * choice, not fitted, in the units of the block prior:
 * - `hiddenShrink`: removing a share s of the embedding channels costs every
 *   block it passes through 0.03·s^1.5, as the block prior charges an FFN
 *   narrowed by s (`priorScales.ffnShrink`), since every block loses input and
 *   output channels;
 * - `mambaShrink`: a Mamba block keeping a share k of its heads × channels
 *   costs 0.03·(1 − k)^1.5, like an FFN narrowed as much;
 * - `mambaGroupLoss`: removing whole groups also removes their B and C
 *   projections, which every head of the group reads, so it costs 0.01 per
 *   share of groups removed on top. The paper's pruned Nemotron-H-4B keeps all
 *   8 groups and prunes heads inside them (16 → 14 per group;
 *   ../shared/reference/models/nemotron_h_4b.json).
 * Dropping a layer costs what the block prior charges for a no-op there, with
 * one change for hybrids: attention is scarce there (4 of Nemotron-H-8B's 28
 * mixers), so each attention layer's drop loss is scaled by mixers / attention
 * layers (7 for Nemotron-H). Dropping all of a model's attention then costs
 * what it costs a transformer, whose every mixer is attention (factor 1, the
 * block prior unchanged), instead of 7 times less.
 */
export const minitronPriorScales = { hiddenShrink: 0.03, mambaShrink: 0.03, mambaGroupLoss: 0.01 } as const

const shrink = (kept: number) => Math.max(0, 1 - kept) ** 1.5

/** The built-in prior over a parent's layers (positions weighted as in prior.ts). */
export function priorWidthQuality(parent: Architecture, plan: MinitronPlan): WidthQuality {
  const n = parent.layers.length
  const p = plan.parent
  const weights = parent.layers.map((_, l) => layerWeight(l, n))
  const mixers = parent.layers.filter((l) => l.mixer.type !== 'noop').length
  const attention = parent.layers.filter((l) => l.mixer.type === 'attention').length
  const attentionScarcity = attention === 0 ? 1 : mixers / attention
  return {
    metrics: ['kl_div'],
    file: undefined,
    widthLoss: (w) => {
      let kl = 0
      for (const [l, layer] of parent.layers.entries()) {
        for (const block of [layer.mixer, layer.ffn]) {
          if (block.type === 'noop') continue
          let loss = minitronPriorScales.hiddenShrink * shrink(w.hidden / p.hidden)
          if (block.type === 'ffn' && w.ffn !== undefined && p.ffn !== undefined) loss += priorScales.ffnShrink * shrink(w.ffn / p.ffn)
          if (block.type === 'mamba2' && w.mamba !== undefined && p.mamba !== undefined) {
            const kept = (w.mamba.groups * w.mamba.headsPerGroup * w.mamba.headDim) / (p.mamba.groups * p.mamba.headsPerGroup * p.mamba.headDim)
            loss += minitronPriorScales.mambaShrink * shrink(kept) + minitronPriorScales.mambaGroupLoss * Math.max(0, 1 - w.mamba.groups / p.mamba.groups)
          }
          kl += weights[l]! * loss
        }
      }
      return { kl_div: kl }
    },
    dropLoss: (l, slot) => {
      const layer = parent.layers[l]!
      const noop = { type: 'noop', hidden: parent.hidden } as const
      const scale = slot === 'mixer' && layer.mixer.type === 'attention' ? attentionScarcity : 1
      return { kl_div: scale * priorKl(l, n, layer, slot === 'mixer' ? noop : layer.mixer, slot === 'ffn' ? noop : layer.ffn) }
    },
  }
}

/**
 * The quality model of one width setting's depth problem: a layer's score is
 * the loss of the slots it drops. The width loss is a constant of the setting,
 * added by the search outside the depth problem.
 */
export function depthQuality(widths: WidthQuality): QualityModel {
  const zero = Object.fromEntries(widths.metrics.map((m) => [m, 0]))
  const add = (a: Metrics, b: Metrics): Metrics => Object.fromEntries(widths.metrics.map((m) => [m, (a[m] ?? 0) + (b[m] ?? 0)]))
  return {
    metrics: widths.metrics,
    file: widths.file,
    score: (layer, _parent: LayerChoice, mixer, ffn) => {
      let metrics: Metrics = zero
      if (mixer.id === dropId) metrics = add(metrics, widths.dropLoss(layer, 'mixer'))
      if (ffn.id === dropId) metrics = add(metrics, widths.dropLoss(layer, 'ffn'))
      return { metrics, fromPrior: widths.file === undefined }
    },
  }
}

const Row = Schema.Record(Schema.String, Schema.Union([Schema.String, Schema.Number]))
const RowsJson = Schema.Union([Schema.Array(Row), Schema.Struct({ rows: Schema.Array(Row) })])

/** A scores file's rows, keyed `axis value` (e.g. `ffn 12288`, `mamba 8x14x64`, `drop 17`). */
export interface AxisScores {
  readonly metrics: readonly string[]
  readonly rows: ReadonlyMap<string, Metrics>
  readonly file: string
}

const axes = ['hidden', 'ffn', 'mamba', 'drop'] as const

/** `8x14` or `8×14x64` → [8, 14] or [8, 14, 64]; undefined for anything else. */
function mambaValue(text: string): number[] | undefined {
  const parts = text.split(/[x×]/).map((s) => s.trim())
  if (parts.length < 2 || parts.length > 3 || parts.some((s) => !/^[1-9]\d*$/.test(s))) return undefined
  return parts.map(Number)
}

/** Rows (from JSON or CSV) → per-axis scores, each mistake one line naming the row and field. */
export function axisScores(rows: readonly Readonly<Record<string, string | number>>[], file: string): Result.Result<AxisScores, InvalidInput> {
  if (rows.length === 0) return Result.fail(new InvalidInput({ field: file, problem: 'no score rows' }))
  const metrics = Object.keys(rows[0]!).filter((k) => k !== 'axis' && k !== 'value')
  if (!Object.keys(rows[0]!).includes('axis') || !Object.keys(rows[0]!).includes('value'))
    return Result.fail(new InvalidInput({ field: file, problem: 'expected columns axis, value and at least one metric (e.g. axis,value,kl_div); this is the Minitron per-axis format' }))
  if (metrics.length === 0) return Result.fail(new InvalidInput({ field: file, problem: 'no metric columns besides axis and value (e.g. kl_div)' }))
  const out = new Map<string, Metrics>()
  for (const [i, row] of rows.entries()) {
    const where = `${file}: row ${i + 1}`
    const axis = String(row.axis ?? '').trim()
    if (!(axes as readonly string[]).includes(axis)) return Result.fail(new InvalidInput({ field: `${where}: axis`, problem: `${axis === '' ? 'blank' : axis} (expected one of ${axes.join(', ')})` }))
    const raw = String(row.value ?? '').trim()
    let key: string
    if (axis === 'mamba') {
      const v = mambaValue(raw)
      const problem = `${raw === '' ? 'blank' : raw} (expected groups x heads per group, e.g. 8x14, or with head channels, 8x14x64)`
      if (v === undefined) return Result.fail(new InvalidInput({ field: `${where}: value`, problem }))
      key = `mamba ${v.join('x')}`
    } else {
      const v = decimal(raw)
      const min = axis === 'drop' ? 0 : 1
      const problem = `${raw === '' ? 'blank' : raw} (expected ${axis === 'drop' ? 'a layer index ≥ 0' : 'a width, a positive integer'})`
      if (!Number.isInteger(v) || v < min) return Result.fail(new InvalidInput({ field: `${where}: value`, problem }))
      key = `${axis} ${v}`
    }
    const values: Record<string, number> = {}
    for (const m of metrics) {
      const cell = row[m]
      const v = typeof cell === 'number' ? cell : typeof cell === 'string' ? decimal(cell) : NaN
      if (!Number.isFinite(v)) return Result.fail(new InvalidInput({ field: `${where}: ${m}`, problem: `${cell === undefined || cell === '' ? 'blank' : String(cell)} (expected a number)` }))
      if (v < 0) return Result.fail(new InvalidInput({ field: `${where}: ${m}`, problem: `${v} (a loss against the parent is never below zero)` }))
      values[m] = v
    }
    if (out.has(key)) return Result.fail(new InvalidInput({ field: where, problem: `${key} is scored twice` }))
    out.set(key, values)
  }
  return Result.succeed({ metrics, rows: out, file })
}

/** Parses a per-axis scores file by its extension (`.csv`, else JSON). */
export function parseAxisScores(text: string, file: string): Result.Result<AxisScores, InvalidInput> {
  if (/\.csv$/i.test(file)) return axisScores(parseCsv(text), file)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return Result.fail(new InvalidInput({ field: file, problem: 'not valid JSON (or give a .csv file)' }))
  }
  const decoded = Schema.decodeUnknownResult(RowsJson)(json)
  if (Result.isFailure(decoded)) return Result.fail(invalidFromSchema(file, decoded.failure.message))
  return axisScores('rows' in decoded.success ? decoded.success.rows : decoded.success, file)
}

const keyOf = {
  hidden: (v: number) => `hidden ${v}`,
  ffn: (v: number) => `ffn ${v}`,
  mamba: (g: number, h: number, d: number) => `mamba ${g}x${h}x${d}`,
  drop: (l: number) => `drop ${l}`,
}

/**
 * Measured per-axis quality for a parent and its grid. Every grid value other
 * than the parent's (which scores 0 unless a row says otherwise) and every
 * droppable layer needs a row; the first missing one is a one-line error.
 */
export function measuredWidthQuality(scores: AxisScores, parent: Architecture, plan: MinitronPlan): Result.Result<WidthQuality, InvalidInput> {
  const p = plan.parent
  const g = plan.grid
  const zero = Object.fromEntries(scores.metrics.map((m) => [m, 0]))
  // `mamba 8x14` is shorthand for the parent's head channels.
  const rows = new Map(scores.rows)
  for (const [key, v] of scores.rows) {
    const parts = key.split(' ')[1]!.split('x')
    if (key.startsWith('mamba ') && parts.length === 2 && p.mamba !== undefined) {
      const full = `mamba ${parts.join('x')}x${p.mamba.headDim}`
      if (rows.has(full)) return Result.fail(new InvalidInput({ field: scores.file, problem: `${key} and ${full} name the same Mamba layout; give one` }))
      rows.set(full, v)
      rows.delete(key)
    }
  }
  const used = new Set<string>()
  const need = (key: string, isParent: boolean): Result.Result<Metrics, InvalidInput> => {
    used.add(key)
    const found = rows.get(key)
    if (found !== undefined) return Result.succeed(found)
    if (isParent) return Result.succeed(zero)
    return Result.fail(new InvalidInput({ field: scores.file, problem: `no row for ${key.replace(' ', ' value ')} (the grid offers it; add a row, or leave the value out of the grid)` }))
  }
  return Result.gen(function* () {
    for (const h of g.hidden) yield* need(keyOf.hidden(h), h === p.hidden)
    for (const f of p.ffn === undefined ? [] : g.ffn) yield* need(keyOf.ffn(f), f === p.ffn)
    if (p.mamba !== undefined)
      for (const gr of g.mambaGroups)
        for (const h of g.mambaHeadsPerGroup)
          for (const d of g.mambaHeadDim) yield* need(keyOf.mamba(gr, h, d), gr === p.mamba.groups && h === p.mamba.headsPerGroup && d === p.mamba.headDim)
    if (g.depth)
      for (const [l, layer] of parent.layers.entries())
        if (layer.mixer.type !== 'noop' || layer.ffn.type !== 'noop')
          yield* need(keyOf.drop(l), false)
    const add = (...ms: Metrics[]): Metrics => Object.fromEntries(scores.metrics.map((m) => [m, ms.reduce((s, x) => s + (x[m] ?? 0), 0)]))
    const get = (key: string) => rows.get(key) ?? zero
    const unused = [...rows.keys()].filter((key) => !used.has(key))
    return {
      metrics: scores.metrics,
      file: scores.file,
      unusedRows: unused,
      widthLoss: (w) =>
        add(
          get(keyOf.hidden(w.hidden)),
          w.ffn === undefined ? zero : get(keyOf.ffn(w.ffn)),
          w.mamba === undefined ? zero : get(keyOf.mamba(w.mamba.groups, w.mamba.headsPerGroup, w.mamba.headDim)),
        ),
      // A two-slot layer's row is the loss of dropping the whole layer, split evenly between its slots.
      dropLoss: (l) => {
        const layer = parent.layers[l]!
        const slots = (layer.mixer.type === 'noop' ? 0 : 1) + (layer.ffn.type === 'noop' ? 0 : 1)
        const row = get(keyOf.drop(l))
        return Object.fromEntries(scores.metrics.map((m) => [m, (row[m] ?? 0) / Math.max(1, slots)]))
      },
    } satisfies WidthQuality
  })
}
