/** Legends laid out in rows that wrap at a given width. */
import { el, textEl, translate } from './svg.ts'
import { boldTextWidth, textWidth } from './text-width.ts'
import { fontSize, ink } from './theme.ts'

export interface LegendItem {
  readonly label: string
  /** Markup of the key, drawn in a box `keyWidth` wide whose vertical centre is y = 0; absent for a group heading. */
  readonly key?: string
  /** Width of the key box in px; default 12. */
  readonly keyWidth?: number
  /** A heading that starts a group (e.g. `FFN width:`), set in bold. */
  readonly heading?: boolean
  /** Tooltip on the entry. */
  readonly title?: string
  /** Begin a new row with this item (e.g. a second group of entries). */
  readonly startsRow?: boolean
}

export interface Legend {
  readonly svg: string
  readonly width: number
  readonly height: number
}

const rowHeight = 18
const keyGap = 5
const itemGap = 14
const headingGap = 8
/** Extra space before a heading, so groups read as groups. */
const groupGap = 12
const defaultKeyWidth = 12

/** The entries after a heading, up to the next heading or row break. */
function groupItems(items: readonly LegendItem[], from: number): readonly LegendItem[] {
  const end = items.findIndex((item, j) => j >= from && (item.heading === true || item.startsRow === true))
  return items.slice(from, end === -1 ? items.length : end)
}

function itemWidth(item: LegendItem): number {
  const label = item.heading === true ? boldTextWidth(item.label, fontSize.legend) : textWidth(item.label, fontSize.legend)
  return item.key === undefined ? label : (item.keyWidth ?? defaultKeyWidth) + keyGap + label
}

/** Lays the items left to right, starting a new row when the next item would pass `maxWidth`; a heading never ends a row. */
export function legend(items: readonly LegendItem[], maxWidth: number): Legend {
  const placed: string[] = []
  let x = 0
  let row = 0
  let widest = 0
  items.forEach((item, i) => {
    const next = items[i + 1]
    // A heading keeps its whole group on its row when the group fits on one row, else at least its first entry.
    const group = item.heading === true ? groupItems(items, i + 1) : []
    const groupWidth = group.reduce((w, g) => w + itemGap + itemWidth(g), 0)
    const keepWith = item.heading !== true || next === undefined ? 0 : itemWidth(item) + groupWidth <= maxWidth ? groupWidth : itemGap + itemWidth(next)
    const w = itemWidth(item)
    if (x > 0 && item.heading === true) x += groupGap
    if (x > 0 && (item.startsRow === true || x + w + keepWith > maxWidth)) {
      x = 0
      row += 1
    }
    const y = row * rowHeight + rowHeight / 2
    const keyWidth = item.key === undefined ? 0 : (item.keyWidth ?? defaultKeyWidth)
    placed.push(
      el(
        'g',
        { class: item.heading === true ? 'legend-heading' : 'legend-item', transform: translate(x, y) },
        item.title === undefined ? '' : textEl('title', {}, item.title),
        item.key ?? '',
        textEl(
          'text',
          { x: item.key === undefined ? 0 : keyWidth + keyGap, dy: '0.35em', 'font-size': fontSize.legend, 'font-weight': item.heading === true ? 'bold' : undefined, fill: ink.text },
          item.label,
        ),
      ),
    )
    x += w
    widest = Math.max(widest, x)
    x += item.heading === true ? headingGap : itemGap
  })
  const height = items.length === 0 ? 0 : (row + 1) * rowHeight
  return { svg: el('g', { class: 'legend' }, ...placed), width: widest, height }
}

/** A filled square key. */
export function swatchKey(fill: string, stroke?: string): string {
  return el('rect', { x: 0, y: -6, width: 12, height: 12, fill, stroke: stroke ?? 'none' })
}
