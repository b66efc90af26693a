/**
 * Marks over the architecture map's mixer cells for what their colour does not
 * say: a sliding window (a white band over the cell's lower half: less cache)
 * and a reused KV cache (a dark link from the cell back to the layer before,
 * whose cache it reads: no cache of its own). Both apply to attention and to
 * hybrid heads; meta tokens, one count per model, go into the summary line.
 */
import type { Architecture } from '../src/blocks/architecture.ts'
import type { MixerSpec } from '../src/blocks/spec.ts'
import type { LegendItem } from './legend.ts'
import { el } from './svg.ts'
import { ink } from './theme.ts'

/** How much of the cell the window band covers, from the bottom, and how opaque it is. */
const windowBand = { share: 0.45, opacity: 0.6 } as const
const linkWidth = 1.5

function windowOf(m: MixerSpec): number | undefined {
  return m.type === 'attention' || m.type === 'hybrid-heads' ? m.window : undefined
}

function sharesKv(m: MixerSpec): boolean {
  return (m.type === 'attention' || m.type === 'hybrid-heads') && m.sharesKv === true
}

/** The marks of one mixer row whose cells start at y and are `cellWidth` apart. */
export function cacheMarks(architecture: Architecture, y: number, cellWidth: number, cellGap: number, rowHeight: number): string[] {
  return architecture.layers.flatMap(({ mixer }, i) => {
    const marks: string[] = []
    const x = i * cellWidth + cellGap / 2
    const w = cellWidth - cellGap
    if (windowOf(mixer) !== undefined) {
      const h = rowHeight * windowBand.share
      marks.push(el('rect', { class: 'mark-window', 'data-layer': String(i), x, y: y + rowHeight - h, width: w, height: h, fill: '#ffffff', 'fill-opacity': windowBand.opacity }))
    }
    if (sharesKv(mixer)) {
      const mid = y + rowHeight / 2
      marks.push(
        el('line', { class: 'mark-shared-kv', 'data-layer': String(i), x1: (i - 0.5) * cellWidth, x2: (i + 0.5) * cellWidth, y1: mid, y2: mid, stroke: ink.text, 'stroke-width': linkWidth }),
        el('circle', { class: 'mark-shared-kv-dot', cx: (i + 0.5) * cellWidth, cy: mid, r: Math.min(2.5, w / 3), fill: ink.text }),
      )
    }
    return marks
  })
}

/** Legend entries for the marks any of the architectures uses. */
export function cacheLegend(architectures: readonly Architecture[]): LegendItem[] {
  const mixers = architectures.flatMap((a) => a.layers.map((l) => l.mixer))
  const items: LegendItem[] = []
  if (mixers.some((m) => windowOf(m) !== undefined))
    items.push({
      label: 'Sliding window',
      key: el('g', {}, el('rect', { x: 0, y: -6, width: 12, height: 12, fill: ink.muted }), el('rect', { x: 0, y: 6 - 12 * windowBand.share, width: 12, height: 12 * windowBand.share, fill: '#ffffff', 'fill-opacity': windowBand.opacity })),
      title: 'attention over the last tokens only (white band): a cache capped at the window',
    })
  if (mixers.some(sharesKv))
    items.push({
      label: 'Shared KV',
      key: el('g', {}, el('line', { x1: 0, x2: 12, y1: 0, y2: 0, stroke: ink.text, 'stroke-width': linkWidth }), el('circle', { cx: 12, cy: 0, r: 2.5, fill: ink.text })),
      title: 'reuses the KV cache of the first layer of the chain it links back into: no cache of its own',
    })
  return items
}

/** `, 128 meta tokens` when the model prepends meta tokens, else empty. */
export function metaTokensText(architecture: Architecture): string {
  const counts = new Set(architecture.layers.flatMap((l) => (l.mixer.type === 'hybrid-heads' && (l.mixer.metaTokens ?? 0) > 0 ? [l.mixer.metaTokens] : [])))
  return counts.size === 0 ? '' : ` · ${[...counts].join('/')} meta tokens`
}
