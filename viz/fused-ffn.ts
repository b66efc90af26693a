/**
 * Fused FFNs on the architecture map: one cell spanning its whole run in the
 * FFN row, outlined and hatched so that it reads as one block standing for
 * several layers, not as a wide FFN in one layer beside empty ones.
 */
import type { Architecture } from '../src/blocks/architecture.ts'
import type { FusedRun } from '../src/blocks/ffn-fusion.ts'
import { fusedLayerRuns } from '../src/blocks/ffn-unfusion.ts'
import { formatInteger } from './formats.ts'
import { el, tooltip } from './svg.ts'
import { ink } from './theme.ts'
import type { ArchitectureMapInput } from './types.ts'

/** Id of the hatch pattern the fused cells use; defined once per SVG by `fusedFfnDefs`. */
const hatchId = 'nas-fused-hatch'

/**
 * The fused runs of each drawn architecture (the parent first when shown): those the input gives for a child, else
 * the layers a published config writes as fused (an attention-free FFN wider than any of the parent's, after empty
 * layers, as Llama-Nemotron Ultra's).
 */
export function fusedRunsOf(input: ArchitectureMapInput, architectures: readonly Architecture[]): readonly (readonly FusedRun[])[] {
  const widest = Math.max(0, ...input.parent.layers.map((l) => (l.ffn.type === 'ffn' ? l.ffn.intermediate : 0)))
  const offset = input.showParent === false ? 0 : 1
  return architectures.map((a, i) => (i >= offset ? input.fusedRuns?.[i - offset] : undefined) ?? fusedLayerRuns(a, widest))
}

/** The architecture with its fused layers' FFNs left out, for counting the widths a legend shows. */
export function withoutFusedFfns(architecture: Architecture, runs: readonly FusedRun[]): Architecture {
  if (runs.length === 0) return architecture
  const fused = new Set(runs.map((r) => r.last))
  return { ...architecture, layers: architecture.layers.map((l, i) => (fused.has(i) ? { ...l, ffn: { type: 'noop', hidden: l.ffn.hidden } } : l)) }
}

/** The hatch pattern, or nothing when no architecture has a fused FFN. */
export function fusedFfnDefs(any: boolean): string {
  if (!any) return ''
  return el(
    'defs',
    {},
    el('pattern', { id: hatchId, width: 4, height: 4, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, el('line', { x1: 0, y1: 0, x2: 0, y2: 4, stroke: '#ffffff', 'stroke-width': 1.2, 'stroke-opacity': 0.7 })),
  )
}

/** One spanning cell per run, drawn over the run's FFN cells. */
export function fusedFfnCells(architecture: Architecture, runs: readonly FusedRun[], y: number, height: number, cellWidth: number, fill: (run: FusedRun) => string): string[] {
  return runs.map((run) => {
    const ffn = architecture.layers[run.last]!.ffn
    const width = ffn.type === 'ffn' ? ffn.intermediate : 0
    const x = run.first * cellWidth + 0.75
    const w = (run.last - run.first + 1) * cellWidth - 1.5
    return el(
      'g',
      { class: 'fused-ffn', 'data-first': String(run.first), 'data-last': String(run.last) },
      el('rect', { x, y: y + 0.75, width: w, height: height - 1.5, fill: fill(run), stroke: ink.reference, 'stroke-width': 1.5, rx: 2 }, tooltip(`${architecture.name} · layers ${run.first}–${run.last}\nFFN: fused, one FFN of ${formatInteger(width)} intermediate over ${run.last - run.first + 1} layers (one norm, one all-reduce, one step)`)),
      el('rect', { x, y: y + 0.75, width: w, height: height - 1.5, fill: `url(#${hatchId})`, 'pointer-events': 'none' }),
    )
  })
}

/** The legend swatch of a fused FFN. */
export function fusedFfnSwatch(fill: string): string {
  return [el('rect', { x: 0, y: -6, width: 12, height: 12, fill, stroke: ink.reference, 'stroke-width': 1.5 }), el('rect', { x: 0, y: -6, width: 12, height: 12, fill: `url(#${hatchId})` })].join('')
}
