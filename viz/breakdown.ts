/**
 * Cost breakdown: where time and memory go, as stacked horizontal bars, one
 * per model, in a 2×2 grid: time and memory down, prefill and decode across.
 */
import { scaleLinear } from 'd3'
import type { ScaleLinear } from 'd3'
import { axisBottom, bottomAxisHeight } from './axis.ts'
import { VizInputError, requireFinite, requirePositive } from './errors.ts'
import { byteUnit, formatIn, formatSpeedup, timeUnit } from './formats.ts'

/**
 * A bar against the parent's, in words that cannot be read as a speedup:
 * `2.2× longer` or `0.45× as long` for times, `1.3× more` or `0.5× as much` for memory.
 */
export function relativeTo(ratio: number, measure: 'time' | 'memory'): string {
  if (ratio > 1.005) return `${formatSpeedup(ratio)} ${measure === 'time' ? 'longer' : 'more'}`
  return `${formatSpeedup(ratio)} ${measure === 'time' ? 'as long' : 'as much'}`
}
import type { DisplayUnit } from './formats.ts'
import { legend, swatchKey } from './legend.ts'
import type { LegendItem } from './legend.ts'
import { el, svgDocument, textEl, tooltip, translate } from './svg.ts'
import { textWidth, wrapText } from './text-width.ts'
import { fontSize, halo, ink, memoryColours, memoryLabels, timeColours, timeLabels } from './theme.ts'
import { memoryCategories, phases, timeCategories } from './types.ts'
import type { BreakdownInput, ModelCost, Phase } from './types.ts'

const defaultWidth = 760
const barHeight = 18
const barGap = 8
const panelGap = 32
const sectionGap = 18
const headingHeight = 18
/** Room per axis tick in px, so tick labels never run together in a narrow panel. */
const pxPerTick = 40
/** The model-name column takes at most this share of the width; longer names wrap. */
const nameColumnShare = 0.26
const nameLineHeight = 13
const captionLineHeight = fontSize.caption * 1.3

type Measure = 'time' | 'memory'

interface Segment {
  readonly category: string
  readonly label: string
  readonly colour: string
  readonly value: number
}

function segments(model: ModelCost, phase: Phase, measure: Measure, field: string): readonly Segment[] {
  const cost = model[phase]
  if (measure === 'time') {
    return timeCategories.map((c) => ({
      category: c,
      label: timeLabels[c],
      colour: timeColours[c],
      value: requireFinite(`${field}.${phase}.time.${c}`, cost.time[c] ?? 0, { nonNegative: true }),
    }))
  }
  return memoryCategories.map((c) => ({
    category: c,
    label: memoryLabels[c],
    colour: memoryColours[c],
    value: requireFinite(`${field}.${phase}.memory.${c}`, cost.memory[c] ?? 0, { nonNegative: true }),
  }))
}

const capacityDash = '4,3'
const capacityKey = el('line', { x1: 6, x2: 6, y1: -7, y2: 7, stroke: ink.text, 'stroke-width': 1.25, 'stroke-dasharray': capacityDash })

const total = (parts: readonly Segment[]): number => parts.reduce((s, p) => s + p.value, 0)

interface Panel {
  readonly measure: Measure
  readonly phase: Phase
  readonly bars: readonly (readonly Segment[])[]
  readonly unit: DisplayUnit
}

function axisTitle(measure: Measure, unit: DisplayUnit): string {
  return measure === 'time' ? `Time per step (${unit.symbol})` : `Memory (${unit.symbol})`
}

function panelHeading(measure: Measure, phase: Phase): string {
  return `${phase === 'prefill' ? 'Prefill' : 'Decode'}: ${measure}`
}

function legendItems(panels: readonly Panel[], capacityLabel: string | undefined): readonly LegendItem[] {
  const used = (measure: Measure) => {
    const present = new Set(panels.filter((p) => p.measure === measure).flatMap((p) => p.bars.flat().filter((s) => s.value > 0).map((s) => s.category)))
    return panels.find((p) => p.measure === measure)?.bars[0]?.filter((s) => present.has(s.category)) ?? []
  }
  return [
    { label: 'Time:', heading: true },
    ...used('time').map((s) => ({ label: s.label, key: swatchKey(s.colour) })),
    { label: 'Memory:', heading: true, startsRow: true },
    ...used('memory').map((s) => ({ label: s.label, key: swatchKey(s.colour) })),
    ...(capacityLabel === undefined ? [] : [{ label: capacityLabel, key: capacityKey }]),
  ]
}

/** Renders the cost breakdown as a standalone SVG string. Throws `VizInputError` on invalid input. */
export function breakdownSvg(input: BreakdownInput): string {
  if (input.models.length === 0) throw new VizInputError({ field: 'models', problem: 'empty (give at least the parent or one child)' })
  const width = requirePositive('width', input.width ?? defaultWidth)
  const capacity = input.memoryCapacity === undefined ? undefined : { ...input.memoryCapacity, bytes: requirePositive('memoryCapacity.bytes', input.memoryCapacity.bytes) }
  const baseIndex = Math.max(0, input.models.findIndex((m) => m.role === 'parent'))
  const hasParent = input.models.some((m) => m.role === 'parent')

  const panels: readonly Panel[] = (['time', 'memory'] as const).flatMap((measure) =>
    phases.map((phase) => {
      const bars = input.models.map((m, i) => segments(m, phase, measure, `models[${i}]`))
      const largest = Math.max(...bars.map(total), measure === 'memory' && capacity !== undefined ? capacity.bytes : 0)
      return { measure, phase, bars, unit: measure === 'time' ? timeUnit(largest) : byteUnit(largest) }
    }),
  )

  const names = input.models.map((m) => `${m.role === 'parent' ? `${m.name} (parent)` : m.name}${m.batch === undefined ? '' : `, ${m.batch}`}`)
  const nameLines = names.map((n) => wrapText(n, width * nameColumnShare, fontSize.tick))
  const left = 12 + Math.max(...nameLines.flat().map((line) => textWidth(line, fontSize.tick))) + 8
  // Each model's row is as tall as its wrapped name; the bar sits in the row's middle.
  const rowHeights = nameLines.map((lines) => Math.max(barHeight, lines.length * nameLineHeight))
  const rowTops = rowHeights.map((_, i) => headingHeight + rowHeights.slice(0, i).reduce((y, h) => y + h + barGap, 0))
  const barY = (i: number) => (rowTops[i] ?? 0) + ((rowHeights[i] ?? barHeight) - barHeight) / 2
  const right = 16
  const panelWidth = (width - left - right - panelGap) / 2
  const titleHeight = input.title === undefined ? 10 : 30
  const key = legend(legendItems(panels, capacity?.label), width - 24)
  const barsHeight = rowHeights.reduce((y, h) => y + h + barGap, 0) - barGap
  const sectionHeight = headingHeight + barsHeight + bottomAxisHeight + 6
  const top = titleHeight + key.height + 12
  const caption = input.scenario === undefined ? [] : wrapText(input.scenario, width - 24, fontSize.caption)
  const captionTop = top + 2 * sectionHeight + sectionGap + 10 + fontSize.caption
  const height = captionTop + caption.length * captionLineHeight + 4

  const drawPanel = (panel: Panel, column: number, row: number): string => {
    const totals = panel.bars.map(total)
    const base = totals[baseIndex] ?? 0
    const annotations = totals.map((t, i) => formatIn(panel.unit, t) + (hasParent && i !== baseIndex && base > 0 ? ` (${relativeTo(t / base, panel.measure)})` : ''))
    const annotationWidth = Math.max(...annotations.map((a) => textWidth(a, fontSize.annotation))) + 6
    const largest = Math.max(...totals, panel.measure === 'memory' && capacity !== undefined ? capacity.bytes : 0)
    const tickCount = Math.max(2, Math.floor((panelWidth - annotationWidth) / pxPerTick))
    const x: ScaleLinear<number, number> = scaleLinear()
      .domain([0, largest > 0 ? largest * panel.unit.factor : 1])
      .range([0, panelWidth - annotationWidth])
      .nice(tickCount)
    const px = (v: number) => x(v * panel.unit.factor)
    const bars = panel.bars.map((parts, i) => {
      let start = 0
      const rects = parts
        .filter((s) => s.value > 0)
        .map((s) => {
          const x0 = px(start)
          start += s.value
          return el(
            'rect',
            { class: 'segment', 'data-category': s.category, x: x0, y: barY(i), width: px(start) - x0, height: barHeight, fill: s.colour, stroke: '#ffffff', 'stroke-width': 0.75 },
            tooltip(`${names[i] ?? ''} · ${panel.phase}\n${s.label}: ${formatIn(panel.unit, s.value)} (${Math.round((100 * s.value) / (totals[i] || 1))}%)`),
          )
        })
      return el('g', { class: 'bar', 'data-model': input.models[i]?.name }, ...rects)
    })
    // Totals are drawn after the capacity line so their halo keeps them legible where it crosses.
    const totalLabels = annotations.map((text, i) =>
      textEl('text', { class: 'total', x: px(totals[i] ?? 0) + 5, y: barY(i) + barHeight / 2, dy: '0.35em', 'font-size': fontSize.annotation, ...halo }, text),
    )
    const nameLabels =
      column === 0
        ? nameLines.map((lines, i) => {
            const firstBaseline = barY(i) + barHeight / 2 - ((lines.length - 1) * nameLineHeight) / 2
            return el(
              'text',
              { class: 'model-name', 'text-anchor': 'end', 'font-size': fontSize.tick },
              ...lines.map((line, k) => textEl('tspan', { x: -8, y: firstBaseline + k * nameLineHeight, dy: '0.35em' }, line)),
            )
          })
        : []
    const capacityLine =
      panel.measure === 'memory' && capacity !== undefined
        ? el(
            'line',
            { class: 'capacity', x1: px(capacity.bytes), x2: px(capacity.bytes), y1: headingHeight - 2, y2: headingHeight + barsHeight + 4, stroke: ink.text, 'stroke-width': 1.25, 'stroke-dasharray': capacityDash },
            tooltip(`${capacity.label}: ${formatIn(panel.unit, capacity.bytes)}`),
          )
        : ''
    const axis = axisBottom({ scale: x, tickCount, format: x.tickFormat(tickCount), label: axisTitle(panel.measure, panel.unit) })
    return el(
      'g',
      { class: `panel panel-${panel.measure}-${panel.phase}`, transform: translate(left + column * (panelWidth + panelGap), top + row * (sectionHeight + sectionGap)) },
      textEl('text', { x: 0, y: 12, 'font-size': fontSize.label, 'font-weight': 'bold' }, panelHeading(panel.measure, panel.phase)),
      ...nameLabels,
      ...bars,
      capacityLine,
      ...totalLabels,
      el('g', { transform: translate(0, headingHeight + barsHeight + 6) }, axis),
    )
  }

  return svgDocument(
    { width, height, className: 'nas-breakdown', label: input.title ?? 'Cost breakdown by category' },
    input.title === undefined ? '' : textEl('text', { class: 'title', x: 12, y: 20, 'font-size': fontSize.title, 'font-weight': 'bold' }, input.title),
    el('g', { transform: translate(12, titleHeight) }, key.svg),
    ...panels.map((panel, i) => drawPanel(panel, i % 2, Math.floor(i / 2))),
    el('g', { class: 'caption', 'font-size': fontSize.caption, fill: ink.muted }, ...caption.map((text, i) => textEl('text', { x: 12, y: captionTop + i * captionLineHeight }, text))),
  )
}
