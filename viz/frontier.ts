/**
 * Pareto frontier: quality loss against throughput (or speedup over the
 * parent), one step line per search, the parent and reference architectures
 * labelled, the chosen solution ringed, throughput budgets as dashed lines.
 */
import { curveStepBefore, line, scaleLinear } from 'd3'
import type { ScaleLinear } from 'd3'
import { axisBottom, axisLeft, bottomAxisHeight, gridLines, leftAxisWidth } from './axis.ts'
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
  readonly x: ScaleLinear<number, number>
  readonly y: ScaleLinear<number, number>
  readonly xAxis: AxisOptions
  readonly yAxis: AxisOptions
}

function frame(data: ResolvedFrontier, metric: string, unit: string): Frame {
  const points = allPoints(data)
  const x = scaleLinear()
  niceDomain(x, [...points.map((p) => p.x), ...data.budgets.map((b) => b.x)], xTickCount)
  const y = scaleLinear()
  niceDomain(y, points.map((p) => p.y), yTickCount)
  const xFormat = data.mode === 'speedup' ? (v: number) => `${x.tickFormat(xTickCount)(v)}×` : x.tickFormat(xTickCount, ',f')
  return {
    x,
    y,
    xAxis: {
      scale: x,
      tickCount: xTickCount,
      format: xFormat,
      label: data.mode === 'speedup' ? 'Speedup over parent in tokens/s per GPU (×)' : 'Throughput (tokens/s per GPU)',
    },
    yAxis: { scale: y, tickCount: yTickCount, format: y.tickFormat(yTickCount), label: `Quality loss: ${metric} (${unit})` },
  }
}

function legendItems(data: ResolvedFrontier): readonly LegendItem[] {
  const series = data.series.map((s, i): LegendItem => {
    const style = seriesStyle(i)
    return {
      label: s.name,
      keyWidth: 24,
      key: [
        el('line', { x1: 0, x2: 24, stroke: style.colour, 'stroke-width': 2 }),
        el('path', { d: style.marker, transform: translate(12, 0), fill: style.colour }),
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
  const metric = input.qualityMetric ?? defaultMetric
  const unit = input.qualityUnit ?? defaultUnit
  const data = resolveFrontier(input)
  const { x, y, xAxis, yAxis } = frame(data, metric, unit)

  // The last x tick's text is centred on the frame's right edge and must not be clipped.
  const lastTick = xAxis.scale.ticks(xTickCount).at(-1)
  const margin = { left: 12 + leftAxisWidth(yAxis), right: Math.max(18, lastTick === undefined ? 0 : textWidth(xAxis.format(lastTick), fontSize.tick) / 2 + 6) }
  const plotWidth = width - margin.left - margin.right
  const titleHeight = input.title === undefined ? 10 : 30
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
    const points = s.points.map((p) => {
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
      { class: 'series', 'data-name': s.name },
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
    input.title === undefined ? '' : textEl('text', { class: 'title', x: margin.left, y: 20, 'font-size': fontSize.title, 'font-weight': 'bold' }, input.title),
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
