/**
 * Axes after d3-axis's conventions (tick lines, text, a domain line), written
 * as strings because d3-axis itself needs a DOM selection.
 */
import type { ScaleContinuousNumeric } from 'd3'
import { el, num, textEl, translate } from './svg.ts'
import { textWidth } from './text-width.ts'
import { fontSize, ink } from './theme.ts'

const tickSize = 5
const tickPadding = 3

export interface AxisOptions {
  /** A linear or logarithmic scale. */
  readonly scale: ScaleContinuousNumeric<number, number>
  /** Approximate number of ticks, passed to `scale.ticks`. */
  readonly tickCount: number
  /** The tick values, when the scale's own would not do (a log axis's 1–2–5 steps); default `scale.ticks(tickCount)`. */
  readonly ticks?: readonly number[]
  readonly format: (value: number) => string
  /** Axis title with its unit, e.g. `Throughput (tokens/s per GPU)`. */
  readonly label: string
}

/** The axis's tick values. */
export function tickValues(options: AxisOptions): readonly number[] {
  return options.ticks ?? options.scale.ticks(options.tickCount)
}

/** Width of the widest tick text of a left axis, so the caller can reserve a margin for it. */
export function tickLabelWidth(options: AxisOptions): number {
  return Math.max(0, ...tickValues(options).map((v) => textWidth(options.format(v), fontSize.tick)))
}

/** Height taken below the plot area by a bottom axis: ticks, tick text and the title. */
export const bottomAxisHeight = tickSize + tickPadding + fontSize.tick + 8 + fontSize.label

/** A horizontal axis drawn at y = 0 of its group; the caller translates it to the plot's bottom edge. */
export function axisBottom(options: AxisOptions): string {
  const { scale } = options
  const [x0 = 0, x1 = 0] = scale.range()
  const ticks = tickValues(options).map((value) =>
    el(
      'g',
      { class: 'tick', transform: translate(scale(value), 0) },
      el('line', { y2: tickSize, stroke: ink.axis }),
      textEl('text', { y: tickSize + tickPadding + fontSize.tick * 0.8, 'text-anchor': 'middle', 'font-size': fontSize.tick }, options.format(value)),
    ),
  )
  return el(
    'g',
    { class: 'axis axis-x' },
    el('path', { class: 'domain', d: `M${num(x0)},0H${num(x1)}`, stroke: ink.axis, fill: 'none' }),
    ...ticks,
    textEl('text', { class: 'axis-label', x: (x0 + x1) / 2, y: bottomAxisHeight, 'text-anchor': 'middle', 'font-size': fontSize.label }, options.label),
  )
}

/** A vertical axis drawn at x = 0 of its group; its title sits left of the widest tick text. */
export function axisLeft(options: AxisOptions): string {
  const { scale } = options
  const [y0 = 0, y1 = 0] = scale.range()
  const ticks = tickValues(options).map((value) =>
    el(
      'g',
      { class: 'tick', transform: translate(0, scale(value)) },
      el('line', { x2: -tickSize, stroke: ink.axis }),
      textEl('text', { x: -(tickSize + tickPadding), dy: '0.32em', 'text-anchor': 'end', 'font-size': fontSize.tick }, options.format(value)),
    ),
  )
  // A title with line breaks stacks its lines towards the plot, the first farthest out.
  const lines = options.label.split('\n')
  const labelX = -(tickSize + tickPadding + tickLabelWidth(options) + 8) - (lines.length - 1) * labelLineHeight
  return el(
    'g',
    { class: 'axis axis-y' },
    el('path', { class: 'domain', d: `M0,${num(y0)}V${num(y1)}`, stroke: ink.axis, fill: 'none' }),
    ...ticks,
    lines.length === 1
      ? textEl(
          'text',
          { class: 'axis-label', transform: `translate(${num(labelX)},${num((y0 + y1) / 2)}) rotate(-90)`, 'text-anchor': 'middle', 'font-size': fontSize.label },
          options.label,
        )
      : el(
          'text',
          { class: 'axis-label', transform: `translate(${num(labelX)},${num((y0 + y1) / 2)}) rotate(-90)`, 'text-anchor': 'middle', 'font-size': fontSize.label },
          ...lines.map((line, i) => textEl('tspan', { x: 0, y: i * labelLineHeight }, line)),
        ),
  )
}

/** Width taken left of the plot area by `axisLeft`, title included. */
export function leftAxisWidth(options: AxisOptions): number {
  return tickSize + tickPadding + tickLabelWidth(options) + 8 + fontSize.label + (options.label.split('\n').length - 1) * labelLineHeight
}

const labelLineHeight = fontSize.label * 1.2

/** Light grid lines at the ticks, drawn behind the marks. */
export function gridLines(options: { readonly x?: AxisOptions; readonly y?: AxisOptions; readonly width: number; readonly height: number }): string {
  const { x, y, width, height } = options
  const vertical = x === undefined ? [] : tickValues(x).map((v) => `M${num(x.scale(v))},0V${num(height)}`)
  const horizontal = y === undefined ? [] : tickValues(y).map((v) => `M0,${num(y.scale(v))}H${num(width)}`)
  const d = [...vertical, ...horizontal].join('')
  return d === '' ? '' : el('path', { class: 'grid', d, stroke: ink.grid, fill: 'none' })
}
