/**
 * Per-layer architecture map in the manner of Puzzle's figures: layers left
 * to right, a mixer row and an FFN row per architecture, each cell coloured by
 * its variant; the parent first and the children stacked under it.
 */
import { interpolateOranges, interpolateYlGnBu, ticks } from 'd3'
import type { Architecture } from '../src/blocks/architecture.ts'
import { VizInputError, requirePositive } from './errors.ts'
import { cacheLegend, cacheMarks, metaTokensText } from './cache-marks.ts'
import { describeFfn, describeMixer, ffnVariant, mixerVariant } from './layer-variant.ts'
import type { SlotVariant } from './layer-variant.ts'
import { legend, swatchKey } from './legend.ts'
import type { LegendItem } from './legend.ts'
import { el, svgDocument, textEl, tooltip, translate } from './svg.ts'
import { boldTextWidth, textWidth } from './text-width.ts'
import { fontSize, ink, variantColours } from './theme.ts'
import type { ArchitectureMapInput } from './types.ts'
import { fusedFfnCells, fusedFfnDefs, fusedFfnSwatch, fusedRunsOf, withoutFusedFfns } from './fused-ffn.ts'

const defaultWidth = 960
const rowHeight = 16
const rowGap = 2
const headingHeight = 20
/** Extra heading height when the summary does not fit beside the name and moves to a line of its own. */
const summaryLineHeight = 15
const groupGap = 12
const slotLabelGap = 8
const axisHeight = 34
/** Fewer distinct FFN widths than this get one legend swatch each; more get a few representative steps. */
const maxFfnSwatches = 8
const representativeFractions = [1, 0.75, 0.5, 0.25, 0.1] as const

/** FFN width each layer's fraction is measured against: the parent's FFN there, else its widest FFN. */
export function referenceWidths(input: ArchitectureMapInput): readonly number[] {
  const widths = (a: Architecture) => a.layers.flatMap((l) => (l.ffn.type === 'ffn' ? [l.ffn.intermediate] : []))
  const fallback = Math.max(1, ...widths(input.parent), ...input.children.flatMap(widths))
  return input.parent.layers.map((l) => (l.ffn.type === 'ffn' ? l.ffn.intermediate : fallback))
}

/** Every child must have the parent's layer count, and the parent at least one layer. */
export function validateMapInput(input: ArchitectureMapInput): void {
  const n = input.parent.layers.length
  if (n === 0) throw new VizInputError({ field: 'parent.layers', problem: 'empty (the parent needs at least one layer)' })
  input.children.forEach((child, i) => {
    if (child.layers.length !== n) {
      throw new VizInputError({ field: `children[${i}].layers`, problem: `${child.layers.length} layers in ${child.name} (must match the parent's ${n})` })
    }
  })
}

interface Palette {
  readonly fill: (variant: SlotVariant) => string
  readonly legend: readonly LegendItem[]
}

/**
 * Orange by KV heads (darker = more) and yellow-green-blue by FFN width
 * (darker = wider): darker always means more of the parent's compute. Both are
 * ColorBrewer sequential schemes marked colour-blind safe; YlGnBu rather than
 * Blues because its dark end still separates 88% from 100%.
 */
function palette(architectures: readonly Architecture[], references: readonly number[]): Palette {
  const mixers = architectures.flatMap((a) => a.layers.map((l) => mixerVariant(l.mixer)))
  const ffns = architectures.flatMap((a) => a.layers.map((l, i) => ffnVariant(l.ffn, references[i] ?? 1)))
  const all = [...mixers, ...ffns]
  const kvValues = [...new Set(mixers.flatMap((v) => (v.kind === 'attention' ? [v.kvHeads] : [])))].sort((a, b) => a - b)
  const kvColour = (kvHeads: number): string => {
    const rank = kvValues.indexOf(kvHeads)
    return interpolateOranges(kvValues.length <= 1 ? 0.7 : 0.3 + (0.65 * rank) / (kvValues.length - 1))
  }
  const ffnColour = (fraction: number): string => interpolateYlGnBu(0.12 + 0.88 * Math.min(1, Math.max(0, fraction)))
  const fill = (variant: SlotVariant): string => {
    switch (variant.kind) {
      case 'attention':
        return kvColour(variant.kvHeads)
      case 'ffn':
        return ffnColour(variant.fraction)
      case 'mamba':
        return variantColours.mamba
      case 'hybrid':
        return variantColours.hybrid
      case 'linear':
        return variantColours.linear
      case 'noop':
        return variantColours.noop
    }
  }
  // To a tenth of a percent, so that 7/8 of the width reads 87.5%, not 88%.
  const percents = [...new Set(ffns.flatMap((v) => (v.kind === 'ffn' ? [Math.round(v.fraction * 1000) / 10] : [])))].sort((a, b) => b - a)
  const shownPercents = percents.length <= maxFfnSwatches ? percents : representativeFractions.map((f) => f * 100)
  const has = (kind: SlotVariant['kind']) => all.some((v) => v.kind === kind)
  const others: readonly LegendItem[] = [
    ...(has('mamba') ? [{ label: 'Mamba-2', key: swatchKey(variantColours.mamba) }] : []),
    ...(has('hybrid') ? [{ label: 'Hybrid heads', key: swatchKey(variantColours.hybrid), title: 'attention and Mamba heads in parallel (Hymba)' }] : []),
    ...(has('linear') ? [{ label: 'Linear', key: swatchKey(variantColours.linear), title: 'a single hidden×hidden linear layer' }] : []),
    ...(has('noop') ? [{ label: 'No-op', key: swatchKey(variantColours.noop, variantColours.noopStroke), title: 'sub-block skipped' }] : []),
    ...cacheLegend(architectures),
  ]
  const items: LegendItem[] = [
    ...(kvValues.length === 0 ? [] : [{ label: 'Attention, KV heads:', heading: true }]),
    ...[...kvValues].reverse().map((kv) => ({ label: String(kv), key: swatchKey(kvColour(kv)), title: `attention with ${kv} KV head${kv === 1 ? '' : 's'}` })),
    ...(shownPercents.length === 0 ? [] : [{ label: 'FFN width:', heading: true }]),
    ...shownPercents.map((p) => ({ label: `${p}%`, key: swatchKey(ffnColour(p / 100)), title: `FFN at ${p}% of the parent's width` })),
    ...(others.length === 0 ? [] : [{ label: 'Other:', heading: true }, ...others]),
  ]
  return { fill, legend: items }
}

/** Sum of the FFN widths the summary compares against: the parent's own, or the per-layer references when it has no FFN. */
function parentFfnTotal(parent: Architecture, references: readonly number[]): number {
  const own = parent.layers.reduce((s, l) => s + (l.ffn.type === 'ffn' ? l.ffn.intermediate : 0), 0)
  return own > 0 ? own : references.reduce((s, w) => s + w, 0)
}

/** Mamba heads × channels of an architecture's first Mamba-2 layer (the Minitron space prunes them model-wide), or 0. */
function mambaWidth(a: Architecture): number {
  const m = a.layers.find((l) => l.mixer.type === 'mamba2')?.mixer
  return m?.type === 'mamba2' ? m.heads * m.headDim : 0
}

/** Model-wide widths pruned against the parent (Minitron space): hidden size and Mamba width, as shares; empty when unchanged. */
function prunedWidths(architecture: Architecture, parent: Architecture): string {
  const parts: string[] = []
  if (architecture.hidden !== parent.hidden) parts.push(`hidden ${Math.round((1000 * architecture.hidden) / parent.hidden) / 10}%`)
  const mamba = mambaWidth(architecture)
  const parentMamba = mambaWidth(parent)
  if (mamba > 0 && parentMamba > 0 && mamba !== parentMamba) parts.push(`Mamba heads × channels ${Math.round((1000 * mamba) / parentMamba) / 10}%`)
  return parts.map((p) => ` · ${p}`).join('')
}

function summary(architecture: Architecture, parentWidth: number, parent: Architecture): string {
  const count = (type: string) => architecture.layers.filter((l) => l.mixer.type === type).length
  const mixers = [
    [count('attention'), 'attention'],
    [count('mamba2'), 'Mamba-2'],
    [count('hybrid-heads'), 'hybrid-head'],
    [count('linear'), 'linear'],
    [count('noop'), 'no-op'],
  ] as const
  const mixerText = mixers.filter(([c]) => c > 0).map(([c, name]) => `${c} ${name}`).join(' · ')
  const width = architecture.layers.reduce((s, l) => s + (l.ffn.type === 'ffn' ? l.ffn.intermediate : 0), 0)
  return `${mixerText} · FFN width ${Math.round((100 * width) / parentWidth)}% of parent${metaTokensText(architecture)}${prunedWidths(architecture, parent)}`
}

/** Renders the architecture map as a standalone SVG string. Throws `VizInputError` on invalid input. */
export function architectureMapSvg(input: ArchitectureMapInput): string {
  validateMapInput(input)
  const width = requirePositive('width', input.width ?? defaultWidth)
  const architectures = [...(input.showParent === false ? [] : [input.parent]), ...input.children]
  if (architectures.length === 0) throw new VizInputError({ field: 'children', problem: 'empty while showParent is false (nothing to draw)' })
  const references = referenceWidths(input)
  const fusedRuns = fusedRunsOf(input, architectures)
  // Fused FFNs get one legend entry of their own, not a width swatch each (their widths are sums, past the parent's).
  const { fill, legend: paletteItems } = palette(architectures.map((a, i) => withoutFusedFfns(a, fusedRuns[i] ?? [])), references)
  const anyFused = fusedRuns.some((runs) => runs.length > 0)
  // A fused FFN is coloured like an FFN of its summed width (darkest past the parent's) and outlined and hatched.
  const fusedFill = (a: number) => (run: { readonly first: number; readonly last: number }) => {
    const l = architectures[a]!.layers[run.last]!
    return fill(ffnVariant(l.ffn, references[run.last] ?? 1))
  }
  const legendItems = anyFused
    ? [...paletteItems, { label: 'Fused FFN', key: fusedFfnSwatch(fill({ kind: 'ffn', fraction: 1 })), title: 'one FFN of the summed width spanning its run of attention-free layers (FFN Fusion)' }]
    : paletteItems
  // 'Attention' names the row only while every mixer is attention or a stand-in for it.
  const hasMamba = architectures.some((a) => a.layers.some((l) => l.mixer.type === 'mamba2' || l.mixer.type === 'hybrid-heads'))
  const slotNames = [hasMamba ? 'Mixer' : 'Attention', 'FFN'] as const

  const n = input.parent.layers.length
  const left = 12 + Math.max(...slotNames.map((s) => textWidth(s, fontSize.tick))) + slotLabelGap
  const right = 12
  const plotWidth = width - left - right
  const cellWidth = plotWidth / n
  if (cellWidth < 2) throw new VizInputError({ field: 'width', problem: `${width} px gives ${n} layers under 2 px each (use at least ${Math.ceil(left + right + 2 * n)})` })
  // A white gap separates cells while they are wide enough for it to read as a gap, not as noise.
  const cellGap = cellWidth >= 6 ? 1 : 0

  const titleHeight = input.title === undefined ? 10 : 30
  const key = legend(legendItems, width - left - right)
  const top = titleHeight + key.height + 10
  const headings = architectures.map((architecture, a) => {
    const name = a === 0 && input.showParent !== false ? `${architecture.name} (parent)` : architecture.name
    const text = summary(architecture, parentFfnTotal(input.parent, references), input.parent)
    const fits = boldTextWidth(name, fontSize.label) + 16 + textWidth(text, fontSize.tick) <= plotWidth
    return { name, summary: text, fits, height: headingHeight + (fits ? 0 : summaryLineHeight) }
  })
  const groupTops = headings.map((_, a) => headings.slice(0, a).reduce((y, h) => y + h.height + 2 * rowHeight + rowGap + groupGap, 0))
  const rowsHeight = headings.reduce((y, h) => y + h.height + 2 * rowHeight + rowGap, 0) + (architectures.length - 1) * groupGap
  const height = top + rowsHeight + axisHeight + 8

  const groups = architectures.map((architecture, a) => {
    const y0 = groupTops[a] ?? 0
    const heading = headings[a] ?? { name: architecture.name, summary: '', fits: true, height: headingHeight }
    const slotRow = (slot: 0 | 1) => {
      const y = y0 + heading.height + slot * (rowHeight + rowGap)
      const cells = architecture.layers.map((layer, i) => {
        const reference = references[i] ?? 1
        const variant = slot === 0 ? mixerVariant(layer.mixer) : ffnVariant(layer.ffn, reference)
        const description = slot === 0 ? describeMixer(layer.mixer) : describeFfn(layer.ffn, reference)
        const isNoop = variant.kind === 'noop'
        return el(
          'rect',
          {
            class: 'cell',
            'data-layer': String(i),
            'data-slot': slot === 0 ? 'mixer' : 'ffn',
            'data-variant': variant.kind,
            x: i * cellWidth + cellGap / 2 + (isNoop ? 0.5 : 0),
            y: y + (isNoop ? 0.5 : 0),
            width: cellWidth - cellGap - (isNoop ? 1 : 0),
            height: rowHeight - (isNoop ? 1 : 0),
            fill: fill(variant),
            stroke: isNoop ? variantColours.noopStroke : undefined,
            'stroke-width': isNoop ? 1 : undefined,
          },
          tooltip(`${architecture.name} · layer ${i}\n${slotNames[slot]}: ${description}`),
        )
      })
      return el(
        'g',
        { class: `row row-${slot === 0 ? 'mixer' : 'ffn'}` },
        textEl('text', { x: -slotLabelGap, y: y + rowHeight / 2, dy: '0.35em', 'text-anchor': 'end', 'font-size': fontSize.tick, fill: ink.muted }, slotNames[slot]),
        ...cells,
        ...(slot === 0 ? cacheMarks(architecture, y, cellWidth, cellGap, rowHeight) : []),
      )
    }
    return el(
      'g',
      { class: 'architecture', 'data-name': architecture.name },
      textEl('text', { x: 0, y: y0 + 13, 'font-size': fontSize.label, 'font-weight': 'bold' }, heading.name),
      heading.fits
        ? textEl('text', { class: 'summary', x: plotWidth, y: y0 + 13, 'text-anchor': 'end', 'font-size': fontSize.tick, fill: ink.muted }, heading.summary)
        : textEl('text', { class: 'summary', x: 0, y: y0 + 13 + summaryLineHeight, 'font-size': fontSize.tick, fill: ink.muted }, heading.summary),
      slotRow(0),
      slotRow(1),
      ...fusedFfnCells(architecture, fusedRuns[a] ?? [], y0 + heading.height + rowHeight + rowGap, rowHeight, cellWidth, fusedFill(a)),
    )
  })

  const tickStep = Math.max(1, ticks(0, n - 1, Math.min(10, Math.floor(plotWidth / 50)))[1] ?? 1)
  const layerTicks = Array.from({ length: Math.floor((n - 1) / tickStep) + 1 }, (_, k) => k * tickStep)
  const axis = el(
    'g',
    { class: 'axis axis-x', transform: translate(0, rowsHeight + 4) },
    ...layerTicks.map((i) =>
      el(
        'g',
        { class: 'tick', transform: translate((i + 0.5) * cellWidth, 0) },
        el('line', { y2: 4, stroke: ink.axis }),
        textEl('text', { y: 15, 'text-anchor': 'middle', 'font-size': fontSize.tick }, String(i)),
      ),
    ),
    textEl('text', { class: 'axis-label', x: plotWidth / 2, y: 30, 'text-anchor': 'middle', 'font-size': fontSize.label }, 'Layer (0 = nearest the embeddings)'),
  )

  return svgDocument(
    { width, height, className: 'nas-architecture-map', label: input.title ?? 'Per-layer architecture map' },
    fusedFfnDefs(anyFused),
    input.title === undefined ? '' : textEl('text', { class: 'title', x: 12, y: 20, 'font-size': fontSize.title, 'font-weight': 'bold' }, input.title),
    el('g', { transform: translate(left, titleHeight) }, key.svg),
    el('g', { class: 'plot', transform: translate(left, top) }, ...groups, axis),
  )
}
