/**
 * Pareto frontier: quality loss against throughput (or speedup over the
 * parent), one step line per search, the parent and reference architectures
 * labelled, the chosen solution ringed, throughput budgets as dashed lines.
 */
import { curveStepBefore, format, line, scaleLinear, scaleLog } from 'd3'
import type { ScaleContinuousNumeric, ScaleLinear } from 'd3'
import { axisBottom, axisLeft, bottomAxisHeight, gridLines, leftAxisWidth, tickValues } from './axis.ts'
import type { AxisOptions } from './axis.ts'
import { VizInputError, requirePositive } from './errors.ts'
import { formatQuality, formatSpeedup, formatThroughput } from './formats.ts'
import { resolveFrontier } from './frontier-data.ts'
import type { ResolvedFrontier, ResolvedPoint } from './frontier-data.ts'
import { placeLabels } from './label-placement.ts'
import type { Box, LabelRequest, Obstacle, PlacedLabel } from './label-placement.ts'
import { legend } from './legend.ts'
import type { LegendItem } from './legend.ts'
import { markerRadius, parentMarker, referenceMarker, seriesStyle } from './markers.ts'
import { describeQualitySource } from './quality-source.ts'
import { el, svgDocument, textEl, tooltip, translate } from './svg.ts'
import { textWidth, wrapText } from './text-width.ts'
import { fontSize, halo, ink } from './theme.ts'
import type { FrontierPlotInput } from './types.ts'

const defaultWidth = 640
const defaultHeight = 440
const defaultMetric = 'summed KL divergence'
const defaultUnit = 'nats'
/** Fraction of the data span added on each side so edge points are not cut by the frame. */
const domainPadding = 0.06
const xTickCount = 7
const yTickCount = 6
const chosenRingRadius = 8.5
const budgetDash = '5,4'
const captionLineHeight = fontSize.caption * 1.3
/** Spans this small are treated as no span at all. */
const tinySpan = 1e-200

/** Labels may cross step lines (their white halo keeps both legible) but should rather not. */
const lineWeight = 0.3
/**
 * Past this ratio of largest to smallest x a linear axis crowds the slow end:
 * at 160× a third of a frontier's points fall in the left 3% of the plot.
 */
const logAxisRatio = 20
/** A series with more points than this is drawn as its step line alone; markers would merge into a solid band. */
const maxMarkedPoints = 200
const titleLineHeight = fontSize.title * 1.25

/**
 * The data's extent widened by `domainPadding` and rounded to nice ticks. When
 * every value is ≥ 0 the ticks start at 0 rather than at a meaningless
 * negative loss or throughput; the frame then sits just below 0.
 */
function niceDomain(scale: ScaleLinear<number, number>, values: readonly number[], tickCount: number): void {
  const lo = Math.min(...values)
  const hi = Math.max(...values)
  // A single value gets a span of its own size (or 1 around zero) so the scale is never degenerate;
  // spans below `tinySpan` (subnormal values, e.g. a loss of 4e-323) count as zero, since tick
  // generation cannot step through them.
  const magnitude = Math.max(Math.abs(lo), Math.abs(hi))
  const span = hi - lo > tinySpan ? hi - lo : magnitude > tinySpan ? magnitude : 1
  const padded = [lo - span * domainPadding, hi + span * domainPadding] as const
  if (lo < 0 || padded[0] > 0) {
    scale.domain(padded).nice(tickCount)
    return
  }
  const [, niceHi = padded[1]] = scale.domain([0, padded[1]]).nice(tickCount).domain()
  scale.domain([-(niceHi * domainPadding) / 2, niceHi])
}

function allPoints(data: ResolvedFrontier): readonly ResolvedPoint[] {
  return [
    ...data.series.flatMap((s) => s.points),
    ...(data.parent === undefined ? [] : [data.parent]),
    ...data.references,
    ...(data.chosen === undefined ? [] : [data.chosen]),
  ]
}

function pointTooltip(heading: string, p: ResolvedPoint, metric: string, unit: string): string {
  const label = p.source.label === undefined ? '' : `: ${p.source.label}`
  const speedup = p.speedup === undefined ? '' : ` (${formatSpeedup(p.speedup)} parent)`
  const id = p.source.architectureId === undefined ? '' : `\nid ${p.source.architectureId}`
  return `${heading}${label}\n${formatThroughput(p.throughput)} tokens/s per GPU${speedup}\n${metric}: ${formatQuality(p.y)} ${unit}${id}`
}

interface Frame {
  readonly x: ScaleContinuousNumeric<number, number>
  readonly y: ScaleLinear<number, number>
  readonly xAxis: AxisOptions
  readonly yAxis: AxisOptions
}

/** Whether x is drawn on a log scale: as asked, or (`auto`) when every x is positive and they span more than {@link logAxisRatio}×. */
function useLogX(values: readonly number[], asked: FrontierPlotInput['xScale']): boolean {
  if (asked === 'linear') return false
  const lo = Math.min(...values)
  const hi = Math.max(...values)
  if (asked === 'log') {
    if (!(lo > 0)) throw new VizInputError({ field: 'xScale', problem: `log needs every x above 0; the smallest is ${lo}` })
    return true
  }
  return lo > 0 && hi / lo > logAxisRatio
}

/** Ticks at 1, 2 and 5 times each power of ten inside the domain, the steps a reader reads a log axis by. */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = []
  for (let power = Math.floor(Math.log10(lo)); power <= Math.ceil(Math.log10(hi)); power++)
    for (const step of [1, 2, 5]) {
      const value = Number((step * 10 ** power).toPrecision(12))
      if (value >= lo && value <= hi) ticks.push(value)
    }
  return ticks
}

function frame(data: ResolvedFrontier, metric: string, unit: string, xScale: FrontierPlotInput['xScale']): Frame {
  const points = allPoints(data)
  const xValues = [...points.map((p) => p.x), ...data.budgets.map((b) => b.x)]
  const y = scaleLinear()
  niceDomain(y, points.map((p) => p.y), yTickCount)
  const xLabel = data.mode === 'speedup' ? 'Speedup over parent in tokens/s per GPU (×)' : 'Throughput (tokens/s per GPU)'
  const yAxis = { scale: y, tickCount: yTickCount, format: y.tickFormat(yTickCount), label: unit === '' ? `Quality loss: ${metric}` : `Quality loss: ${metric} (${unit})` }
  if (useLogX(xValues, xScale)) {
    const lo = Math.min(...xValues)
    const hi = Math.max(...xValues)
    // The same padding as the linear axis, taken in log space.
    const pad = (hi / lo) ** domainPadding
    const x = scaleLog().domain([lo / pad, hi * pad])
    const [d0 = lo, d1 = hi] = x.domain()
    const ticks = logTicks(d0, d1)
    const plain = format(data.mode === 'speedup' ? '~g' : ',~g')
    return {
      x,
      y,
      xAxis: { scale: x, tickCount: ticks.length, ticks, format: (v) => (data.mode === 'speedup' ? `${plain(v)}×` : plain(v)), label: `${xLabel}, log scale` },
      yAxis,
    }
  }
  const x = scaleLinear()
  niceDomain(x, xValues, xTickCount)
  const xFormat = data.mode === 'speedup' ? (v: number) => `${x.tickFormat(xTickCount)(v)}×` : x.tickFormat(xTickCount, ',f')
  return { x, y, xAxis: { scale: x, tickCount: xTickCount, format: xFormat, label: xLabel }, yAxis }
}

function legendItems(data: ResolvedFrontier): readonly LegendItem[] {
  const series = data.series.map((s, i): LegendItem => {
    const style = seriesStyle(i)
    return {
      label: s.name,
      keyWidth: 24,
      key: [
        el('line', { x1: 0, x2: 24, stroke: style.colour, 'stroke-width': 2 }),
        s.points.length > maxMarkedPoints ? '' : el('path', { d: style.marker, transform: translate(12, 0), fill: style.colour }),
      ].join(''),
    }
  })
  const parent: readonly LegendItem[] =
    data.parent === undefined ? [] : [{ label: 'Parent', keyWidth: 16, key: el('path', { d: parentMarker, transform: translate(8, 0), fill: ink.reference }) }]
  const references: readonly LegendItem[] =
    data.references.length === 0
      ? []
      : [{ label: 'Reference architecture', key: el('path', { d: referenceMarker, transform: translate(6, 0), fill: '#ffffff', stroke: ink.reference, 'stroke-width': 1.5 }) }]
  const chosen: readonly LegendItem[] =
    data.chosen === undefined
      ? []
      : [{ label: 'Chosen', key: el('circle', { cx: 6, r: 5.5, fill: 'none', stroke: ink.reference, 'stroke-width': 2 }) }]
  const budgets: readonly LegendItem[] =
    data.budgets.length === 0
      ? []
      : [{ label: 'Throughput target', key: el('line', { x1: 6, x2: 6, y1: -7, y2: 7, stroke: ink.muted, 'stroke-width': 1.5, 'stroke-dasharray': '3,2' }) }]
  return [...series, ...parent, ...references, ...chosen, ...budgets]
}

function labelText(label: PlacedLabel, className: string, bold: boolean): string {
  const leader =
    label.leader === undefined
      ? ''
      : el('line', { x1: label.leader.x1, y1: label.leader.y1, x2: label.leader.x2, y2: label.leader.y2, stroke: ink.muted, 'stroke-width': 1 })
  return el(
    'g',
    { class: className },
    leader,
    textEl('text', { x: label.x, y: label.y, 'text-anchor': label.anchor, 'font-size': fontSize.annotation, 'font-weight': bold ? 'bold' : undefined, ...halo }, label.text),
  )
}

/** Renders the frontier plot as a standalone SVG string. Throws `VizInputError` on invalid input. */
export function frontierSvg(input: FrontierPlotInput): string {
  const width = requirePositive('width', input.width ?? defaultWidth)
  const height = requirePositive('height', input.height ?? defaultHeight)
  const prior = input.qualitySource.kind === 'prior'
  // The prior's magnitudes are a modelling choice, not measured nats: its axis says so.
  const metric = `${input.qualityMetric ?? defaultMetric}${prior ? ', prior' : ''}`
  const unit = prior ? 'arbitrary units' : (input.qualityUnit ?? defaultUnit)
  const data = resolveFrontier(input)
  const { x, y, xAxis, yAxis: oneLineY } = frame(data, metric, unit, input.xScale ?? 'auto')
  // A y title longer than the plot is tall goes on two lines (the height here is an estimate before the legend is laid out).
  const estimatedPlotHeight = height - 30 - 2 * fontSize.label - bottomAxisHeight - 14 - 2 * captionLineHeight
  const yAxis =
    textWidth(oneLineY.label, fontSize.label) > estimatedPlotHeight ? { ...oneLineY, label: wrapText(oneLineY.label, estimatedPlotHeight, fontSize.label).join('\n') } : oneLineY

  // The last x tick's text is centred on the frame's right edge and must not be clipped.
  const lastTick = tickValues(xAxis).at(-1)
  const margin = { left: 12 + leftAxisWidth(yAxis), right: Math.max(18, lastTick === undefined ? 0 : textWidth(xAxis.format(lastTick), fontSize.tick) / 2 + 6) }
  const plotWidth = width - margin.left - margin.right
  // Titles are bold, up to 19% wider than the regular metrics wrapText measures; they start at the figure's left edge.
  const titleLines = input.title === undefined ? [] : wrapText(input.title, (width - 24) / 1.19, fontSize.title)
  const titleHeight = titleLines.length === 0 ? 10 : 30 + (titleLines.length - 1) * titleLineHeight
  const key = legend(legendItems(data), plotWidth)
  const caption = wrapText(
    `Quality scores: ${describeQualitySource(input.qualitySource)}. Lower loss is better; each step line is the best quality reachable at each throughput.`,
    width - 24,
    fontSize.caption,
  )
  const top = titleHeight + key.height + 8
  const bottom = bottomAxisHeight + 14 + caption.length * captionLineHeight
  const plotHeight = height - top - bottom
  if (plotWidth < 100 || plotHeight < 80) {
    throw new VizInputError({ field: 'width/height', problem: `${width}×${height} px leaves no room for the plot (try at least 480×320)` })
  }
  x.range([0, plotWidth])
  y.range([plotHeight, 0])

  const stepLine = line<ResolvedPoint>((p) => x(p.x), (p) => y(p.y)).curve(curveStepBefore).digits(2)
  const obstacles: Obstacle[] = []
  const markBox = (px: number, py: number, r: number): Box => ({ x: px - r, y: py - r, width: 2 * r, height: 2 * r })

  const seriesMarks = data.series.map((s, i) => {
    const style = seriesStyle(i)
    const front = new Set(s.front)
    s.front.forEach((p, j) => {
      const next = s.front[j + 1]
      if (next !== undefined) {
        obstacles.push({ x: x(p.x) - 1.5, y: y(next.y), width: 3, height: y(p.y) - y(next.y), weight: lineWeight })
        obstacles.push({ x: x(p.x), y: y(next.y) - 1.5, width: x(next.x) - x(p.x), height: 3, weight: lineWeight })
      }
    })
    // A dense series is its step line alone; the chosen child keeps its ring.
    const drawn = s.points.length > maxMarkedPoints ? [] : s.points
    const points = drawn.map((p) => {
      obstacles.push(markBox(x(p.x), y(p.y), markerRadius))
      return el(
        'path',
        {
          class: front.has(p) ? 'point' : 'point dominated',
          d: style.marker,
          transform: translate(x(p.x), y(p.y)),
          fill: style.colour,
          'fill-opacity': front.has(p) ? undefined : 0.35,
          'data-series': s.name,
          'data-architecture-id': p.source.architectureId,
        },
        tooltip(pointTooltip(s.name, p, metric, unit)),
      )
    })
    return el(
      'g',
      { class: 'series', 'data-name': s.name, 'data-points': s.points.length },
      s.front.length > 1 ? el('path', { class: 'step-line', d: stepLine(s.front) ?? '', fill: 'none', stroke: style.colour, 'stroke-width': 1.75 }) : '',
      ...points,
    )
  })

  const budgetMarks = data.budgets.map((b) => {
    obstacles.push({ x: x(b.x) - 2, y: 0, width: 4, height: plotHeight })
    return el(
      'line',
      { class: 'budget', x1: x(b.x), x2: x(b.x), y1: 0, y2: plotHeight, stroke: ink.muted, 'stroke-width': 1.25, 'stroke-dasharray': budgetDash },
      tooltip(`Throughput target: ${b.label}`),
    )
  })

  const referenceMarks = [
    ...(data.parent === undefined
      ? []
      : [
          el(
            'path',
            { class: 'reference parent', d: parentMarker, transform: translate(x(data.parent.x), y(data.parent.y)), fill: ink.reference, 'data-architecture-id': data.parent.source.architectureId },
            tooltip(pointTooltip('Parent', data.parent, metric, unit)),
          ),
        ]),
    ...data.references.map((r) =>
      el(
        'path',
        { class: 'reference', d: referenceMarker, transform: translate(x(r.x), y(r.y)), fill: '#ffffff', stroke: ink.reference, 'stroke-width': 1.5, 'data-architecture-id': r.source.architectureId },
        tooltip(pointTooltip('Reference', r, metric, unit)),
      ),
    ),
  ]
  for (const r of [...(data.parent === undefined ? [] : [data.parent]), ...data.references]) obstacles.push(markBox(x(r.x), y(r.y), markerRadius * 1.5))

  const chosenMark =
    data.chosen === undefined
      ? ''
      : el(
          'circle',
          { class: 'chosen', cx: x(data.chosen.x), cy: y(data.chosen.y), r: chosenRingRadius, fill: 'none', stroke: ink.reference, 'stroke-width': 2 },
          tooltip(pointTooltip('Chosen', data.chosen, metric, unit)),
        )
  if (data.chosen !== undefined) obstacles.push(markBox(x(data.chosen.x), y(data.chosen.y), chosenRingRadius + 1))

  const requests: LabelRequest[] = [
    ...(data.chosen === undefined
      ? []
      : [{ text: data.chosen.source.label ?? 'Chosen', x: x(data.chosen.x), y: y(data.chosen.y), clearance: chosenRingRadius + 3, fontSize: fontSize.annotation, bold: true }]),
    ...(data.parent === undefined ? [] : [data.parent]).map((r) => ({ text: /parent/i.test(r.label) ? r.label : `${r.label} (parent)`, x: x(r.x), y: y(r.y), clearance: markerRadius * 1.6 + 3, fontSize: fontSize.annotation })),
    ...data.references.map((r) => ({ text: r.label, x: x(r.x), y: y(r.y), clearance: markerRadius * 1.3 + 3, fontSize: fontSize.annotation })),
    ...data.budgets.map((b) => ({ text: b.label, x: x(b.x), y: fontSize.annotation, clearance: 4, fontSize: fontSize.annotation })),
  ]
  const marked = allPoints(data).map((p) => ({ x: x(p.x), y: y(p.y) }))
  const placed = placeLabels(requests, obstacles, { x: 0, y: 0, width: plotWidth, height: plotHeight }, marked)
  const chosenCount = data.chosen === undefined ? 0 : 1
  const labels = placed.map((label, i) => labelText(label, i < chosenCount ? 'label chosen-label' : 'label', i < chosenCount))

  const captionTop = top + plotHeight + bottomAxisHeight + 14 + fontSize.caption
  return svgDocument(
    { width, height, className: 'nas-frontier', label: input.title ?? 'Pareto frontier: quality loss against throughput' },
    titleLines.length === 0
      ? ''
      : el(
          'text',
          { class: 'title', 'font-size': fontSize.title, 'font-weight': 'bold' },
          ...titleLines.map((text, i) => textEl('tspan', { x: 12, y: 20 + i * titleLineHeight }, text)),
        ),
    el('g', { transform: translate(margin.left, titleHeight) }, key.svg),
    el(
      'g',
      { class: 'plot', transform: translate(margin.left, top) },
      gridLines({ x: xAxis, y: yAxis, width: plotWidth, height: plotHeight }),
      ...budgetMarks,
      ...seriesMarks,
      ...referenceMarks,
      chosenMark,
      ...labels,
      el('g', { transform: translate(0, plotHeight) }, axisBottom(xAxis)),
      axisLeft(yAxis),
    ),
    el(
      'g',
      { class: 'caption', 'font-size': fontSize.caption, fill: ink.muted },
      ...caption.map((text, i) => textEl('text', { x: 12, y: captionTop + i * captionLineHeight }, text)),
    ),
  )
}
