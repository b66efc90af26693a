/**
 * RESULTS.md from the reproductions' rows: a summary, then per experiment its
 * sources, a table of paper figure, nas-sim figure and ratio, and a plain
 * explanation of every gap larger than `discussedGap` (15%) and every figure not reproduced.
 * Pure: rows in, text out.
 */
import { discussedGap, isLargeGap, isNotReproduced, yesNo, type Reproduction, type ReproductionRow } from './reproductions/row.ts'

export interface ExperimentResult {
  readonly reproduction: Reproduction
  readonly rows: readonly ReproductionRow[]
  /** Wall time of the script, seconds. */
  readonly seconds: number
}

/** Figures at a precision that suits their size: 6,472 · 52.3 · 2.17. */
export function formatFigure(value: number | null, unit: string): string {
  if (value === null) return '–'
  if (unit === yesNo) return value === 1 ? 'yes' : 'no'
  const magnitude = Math.abs(value)
  // Ratios keep two decimals at any size, so 11.67× reads as published.
  const digits = unit === '×' ? 2 : magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** 0.15 → `15%`. */
function pctOf(share: number): string {
  return `${Math.round(share * 100)}%`
}

function formatRatio(row: ReproductionRow): string {
  if (row.ratio === null) return row.paper === null ? 'prediction only' : 'not reproduced'
  if (row.unit === yesNo) return row.ratio === 1 ? 'agrees' : 'disagrees'
  return row.ratio.toFixed(2)
}

/** Pipes and line breaks would break a table cell. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ')
}

function table(rows: readonly ReproductionRow[]): string[] {
  const lines = ['| quantity | paper | nas-sim | nas-sim ÷ paper | unit | setup | note |', '|---|---:|---:|---:|---|---|---|']
  for (const r of rows)
    lines.push(
      `| ${cell(r.quantity)} | ${formatFigure(r.paper, r.unit)} | ${formatFigure(r.nasSim, r.unit)} | ${formatRatio(r)} | ${cell(r.unit)} | ${cell(r.setup)} | ${cell(r.note)} |`,
    )
  return lines
}

function gapLabel(r: ReproductionRow): string {
  const how = r.ratio === null ? 'not reproduced' : r.unit === yesNo ? 'disagrees' : `×${r.ratio.toFixed(2)}`
  return `${r.quantity} (${how})`
}

/** Every flagged row under the explanation it shares with others, each explanation written once. */
function discussion(result: ExperimentResult): string[] {
  const flagged = result.rows.filter((r) => isLargeGap(r) || isNotReproduced(r))
  if (result.rows.every((r) => r.paper === null)) return ['No published figure to compare with: these rows are nas-sim’s predictions only.']
  if (flagged.length === 0) return [`Every figure with a published counterpart is within ${pctOf(discussedGap)}.`]
  const byExplanation = new Map<string, ReproductionRow[]>()
  for (const r of flagged) {
    const text = result.reproduction.explainGap(r, result.rows)
    byExplanation.set(text, [...(byExplanation.get(text) ?? []), r])
  }
  const lines = [`### Gaps larger than ${pctOf(discussedGap)}, and figures not reproduced`]
  for (const [text, rows] of byExplanation) {
    lines.push('', ...rows.map((r) => `- ${gapLabel(r)}`), '', text)
  }
  return lines
}

function summary(results: readonly ExperimentResult[]): string[] {
  const lines = [`| experiment | rows | with a published figure | within ${pctOf(discussedGap)} | larger gaps | not reproduced |`, '|---|---:|---:|---:|---:|---:|']
  for (const { reproduction, rows } of results) {
    const published = rows.filter((r) => r.paper !== null)
    const within = published.filter((r) => r.ratio !== null && !isLargeGap(r))
    lines.push(
      `| [${cell(reproduction.title)}](#${reproduction.id}) | ${rows.length} | ${published.length} | ${within.length} | ${published.filter(isLargeGap).length} | ${published.filter(isNotReproduced).length} |`,
    )
  }
  return lines
}

/** The whole RESULTS.md. `preamble` holds the paragraphs that describe how the runs were made. */
export function renderResults(results: readonly ExperimentResult[], preamble: readonly string[]): string {
  const out: string[] = ['# Reproductions of published results', '', ...preamble, '', '## Summary', '', ...summary(results)]
  for (const result of results) {
    const { reproduction } = result
    out.push('', `<a id="${reproduction.id}"></a>`, '', `## ${reproduction.title}`, '', `Script: \`experiments/reproductions/${reproduction.id}.ts\`. Sources:`, '')
    for (const source of reproduction.sources) out.push(`- ${source}`)
    out.push('', ...table(result.rows), '', ...discussion(result))
  }
  return `${out.join('\n')}\n`
}
