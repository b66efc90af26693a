/**
 * The timeline of a simulated engine run: three panels over one time axis —
 * sequences running and waiting, KV cache in use, and engine step times —
 * each drawn from the run condensed into spans of equal time.
 */
import { line, scaleLinear } from 'd3'
import type { ScaleLinear } from 'd3'
import { axisBottom, axisLeft, bottomAxisHeight, gridLines, leftAxisWidth, type AxisOptions } from './axis.ts'
import { VizInputError, requireFinite, requirePositive } from './errors.ts'
import { timeUnit } from './formats.ts'
import { legend } from './legend.ts'
import { el, svgDocument, textEl, tooltip, translate } from './svg.ts'
import { wrapText } from './text-width.ts'
import { fontSize, ink, okabeIto } from './theme.ts'

/** One span of the run (see `TimelinePoint` in src/serving/simulator/timeline.ts). */
export interface TimelineSpan {
  /** Start of the span, seconds. */
  readonly time: number
  /** Time-weighted mean sequences running and waiting. */
  readonly running: number
  readonly waiting: number
  /** KV cache in use, share of the pool (0–1). */
  readonly kvUse: number
  /** Mean and longest engine step that started in the span, seconds. */
  readonly stepSeconds: number
  readonly maxStepSeconds: number
}

export interface TimelinePlotInput {
  readonly spans: readonly TimelineSpan[]
  readonly title?: string
  /** A line under the plot (model, hardware, workload). */
  readonly caption?: string
  /** Width in px (default 760). */
  readonly width?: number
}

const defaultWidth = 760
const panelHeight = 120
const panelGap = 22
const headingHeight = 16
const ticks = 4

const colours = { running: okabeIto.blue, waiting: okabeIto.vermillion, kv: okabeIto.bluishGreen, step: ink.text, maxStep: '#b0b0b0' } as const

interface Series {
  readonly name: string
  readonly colour: string
  readonly value: (s: TimelineSpan) => number
  readonly dash?: string
}

interface Panel {
  readonly heading: string
  readonly label: string
  readonly series: readonly Series[]
  readonly format: (v: number) => string
  /** Scale factor from data to display units. */
  readonly factor: number
  readonly max?: number
}

function checked(spans: readonly TimelineSpan[]): readonly TimelineSpan[] {
  if (spans.length === 0) throw new VizInputError({ field: 'spans', problem: 'empty (the run logged no engine step)' })
  spans.forEach((s, i) => {
    for (const key of ['time', 'running', 'waiting', 'kvUse', 'stepSeconds', 'maxStepSeconds'] as const) requireFinite(`spans[${i}].${key}`, s[key], { nonNegative: true })
  })
  return spans
}

/** Renders the timeline as a standalone SVG string. Throws `VizInputError` on invalid input. */
export function timelineSvg(input: TimelinePlotInput): string {
  const spans = checked(input.spans)
  const width = requirePositive('width', input.width ?? defaultWidth)
  const steps = timeUnit(Math.max(...spans.map((s) => s.maxStepSeconds)))
  const panels: readonly Panel[] = [
    {
      heading: 'Sequences',
      label: 'sequences',
      series: [
        { name: 'running', colour: colours.running, value: (s) => s.running },
        { name: 'waiting', colour: colours.waiting, value: (s) => s.waiting },
      ],
      format: (v) => String(Math.round(v * 10) / 10),
      factor: 1,
    },
    { heading: 'KV cache in use', label: '% of pool', series: [{ name: 'KV cache', colour: colours.kv, value: (s) => s.kvUse }], format: (v) => `${Math.round(v)}`, factor: 100, max: 1 },
    {
      heading: 'Engine step time',
      label: steps.symbol,
      series: [
        { name: 'mean step', colour: colours.step, value: (s) => s.stepSeconds },
        { name: 'longest step', colour: colours.maxStep, value: (s) => s.maxStepSeconds, dash: '3,2' },
      ],
      format: (v) => String(Math.round(v * 100) / 100),
      factor: steps.factor,
    },
  ]

  const t0 = spans[0]!.time
  const t1 = Math.max(spans[spans.length - 1]!.time, t0 + 1e-9)
  const timeDisplay = t1 - t0 >= 120 ? { factor: 1 / 60, name: 'min' } : { factor: 1, name: 's' }
  const yScales = panels.map((p) => {
    const top = Math.max(p.max ?? 0, ...spans.flatMap((s) => p.series.map((series) => series.value(s))))
    return scaleLinear()
      .domain([0, (top > 0 ? top : 1) * p.factor])
      .range([panelHeight, 0])
      .nice(ticks)
  })
  const yAxes: AxisOptions[] = panels.map((p, i) => ({ scale: yScales[i]!, tickCount: ticks, format: yScales[i]!.tickFormat(ticks), label: p.label }))
  const left = 14 + Math.max(...yAxes.map(leftAxisWidth))
  const right = 16
  const plotWidth = width - left - right
  const x: ScaleLinear<number, number> = scaleLinear()
    .domain([t0 * timeDisplay.factor, t1 * timeDisplay.factor])
    .range([0, plotWidth])
  const xAxis: AxisOptions = { scale: x, tickCount: Math.max(2, Math.floor(plotWidth / 80)), format: x.tickFormat(Math.max(2, Math.floor(plotWidth / 80))), label: `Simulated time (${timeDisplay.name})` }

  const key = legend(
    panels.flatMap((p) =>
      p.series.map((s) => ({
        label: s.name,
        key: el('line', { x1: 0, x2: 12, y1: 0, y2: 0, stroke: s.colour, 'stroke-width': 2, 'stroke-dasharray': s.dash }),
      })),
    ),
    width - 24,
  )
  const titleHeight = input.title === undefined ? 10 : 30
  const top = titleHeight + key.height + 10
  const panelStride = headingHeight + panelHeight + panelGap
  const axisTop = top + panels.length * panelStride - panelGap
  const caption = input.caption === undefined ? [] : wrapText(input.caption, width - 24, fontSize.caption)
  const captionTop = axisTop + bottomAxisHeight + 14 + fontSize.caption
  const height = captionTop + caption.length * fontSize.caption * 1.3 + 4

  const drawPanel = (p: Panel, i: number): string => {
    const y = yScales[i]!
    const paths = p.series.map((s) => {
      const path = line<TimelineSpan>()
        .x((d) => x(d.time * timeDisplay.factor))
        .y((d) => y(s.value(d) * p.factor))(spans)
      return el('path', { class: `series series-${s.name.replace(/\s+/g, '-')}`, d: path ?? '', fill: 'none', stroke: s.colour, 'stroke-width': 1.5, 'stroke-dasharray': s.dash }, tooltip(`${p.heading}: ${s.name}`))
    })
    return el(
      'g',
      { class: `panel panel-${i}`, transform: translate(left, top + i * panelStride) },
      textEl('text', { x: 0, y: 11, 'font-size': fontSize.label, 'font-weight': 'bold' }, p.heading),
      el(
        'g',
        { transform: translate(0, headingHeight) },
        gridLines({ x: xAxis, y: yAxes[i]!, width: plotWidth, height: panelHeight }),
        axisLeft(yAxes[i]!),
        ...paths,
      ),
    )
  }

  return svgDocument(
    { width, height, className: 'nas-timeline', label: input.title ?? 'Simulated engine timeline' },
    input.title === undefined ? '' : textEl('text', { class: 'title', x: 12, y: 20, 'font-size': fontSize.title, 'font-weight': 'bold' }, input.title),
    el('g', { transform: translate(12, titleHeight) }, key.svg),
    ...panels.map(drawPanel),
    el('g', { transform: translate(left, axisTop) }, axisBottom(xAxis)),
    el(
      'g',
      { class: 'caption', 'font-size': fontSize.caption, fill: ink.muted },
      ...caption.map((text, i) => textEl('text', { x: 12, y: captionTop + i * fontSize.caption * 1.3 }, text)),
    ),
  )
}
