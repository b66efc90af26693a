import { describe, expect, it } from 'vitest'
import type { Architecture } from '../src/blocks/architecture.ts'
import { child2x, child3x, llama70b } from '../test/fixtures/viz/samples.ts'
import { all, numberAttr, one, parseSvg, translation } from '../test/fixtures/viz/svg-reading.ts'
import { architectureMapSvg } from './architecture-map.ts'
import { layerChoiceTable } from './layer-table.ts'

const hidden = 4096
const tiny = (name: string, layers: Architecture['layers']): Architecture => ({ name, hidden, embedding: { vocabSize: 32000, hidden, tied: false }, layers })
const gqa = (kvHeads: number) => ({ type: 'attention', hidden, heads: 32, kvHeads, headDim: 128 }) as const
const ffn = (intermediate: number) => ({ type: 'ffn', hidden, intermediate, activation: 'swiglu' }) as const
const parent = tiny('Parent-8B', [0, 1, 2, 3, 4, 5].map(() => ({ mixer: gqa(8), ffn: ffn(14336) })))
const child = tiny('Child', [
  { mixer: gqa(8), ffn: ffn(14336) },
  { mixer: gqa(2), ffn: ffn(7168) },
  { mixer: { type: 'noop', hidden }, ffn: ffn(3584) },
  { mixer: { type: 'linear', hidden }, ffn: { type: 'linear', hidden } },
  { mixer: { type: 'mamba2', hidden, heads: 64, headDim: 64, stateDim: 128, groups: 8, convKernel: 4 }, ffn: { type: 'noop', hidden } },
  { mixer: gqa(1), ffn: ffn(14336) },
])

describe('architectureMapSvg', () => {
  it('draws a mixer and an FFN cell per layer for the parent and each child', () => {
    const root = parseSvg(architectureMapSvg({ parent: llama70b, children: [child2x, child3x] }))
    expect(all(root, 'g.architecture')).toHaveLength(3)
    expect(all(root, 'rect.cell')).toHaveLength(3 * 2 * 80)
    expect(all(root, 'g.architecture').map((g) => g.getAttribute('data-name'))).toEqual(['Llama-3.3-70B', child2x.name, child3x.name])
  })

  it('colours each cell by the variant the layer holds', () => {
    const root = parseSvg(architectureMapSvg({ parent, children: [child], showParent: false }))
    const variant = (slot: string) => all(root, `rect.cell[data-slot="${slot}"]`).map((c) => c.getAttribute('data-variant'))
    expect(variant('mixer')).toEqual(['attention', 'attention', 'noop', 'linear', 'mamba', 'attention'])
    expect(variant('ffn')).toEqual(['ffn', 'ffn', 'ffn', 'linear', 'noop', 'ffn'])
    const fill = (slot: string, layer: number) => one(root, `rect.cell[data-slot="${slot}"][data-layer="${layer}"]`).getAttribute('fill')
    // Same variant, same colour; a different KV count or FFN width, a different colour.
    expect(fill('ffn', 0)).toBe(fill('ffn', 5))
    expect(fill('ffn', 0)).not.toBe(fill('ffn', 1))
    expect(fill('mixer', 0)).not.toBe(fill('mixer', 1))
    expect(fill('mixer', 1)).not.toBe(fill('mixer', 5))
  })

  it('places layer i at the i-th column, under the tick that names it', () => {
    const root = parseSvg(architectureMapSvg({ parent: llama70b, children: [child2x] }))
    const cells = all(root, 'g.architecture[data-name="Llama-3.3-70B"] rect.cell[data-slot="mixer"]')
    const centres = cells.map((c) => numberAttr(c, 'x') + numberAttr(c, 'width') / 2)
    const first = centres[0] ?? Number.NaN
    const step = (centres[1] ?? Number.NaN) - first
    centres.forEach((c, i) => expect(c).toBeCloseTo(first + i * step, 1))
    for (const tick of all(root, '.axis-x g.tick')) {
      const layer = Number(one(tick, 'text').textContent)
      expect(translation(tick).x).toBeCloseTo(centres[layer] ?? Number.NaN, 1)
    }
    expect(one(root, '.axis-x .axis-label').textContent).toContain('Layer')
  })

  it('has legend entries for the KV head counts, FFN widths and the other variants present', () => {
    const root = parseSvg(architectureMapSvg({ parent, children: [child] }))
    const entries = all(root, '.legend-item text').map((t) => t.textContent)
    expect(entries).toEqual(['8', '2', '1', '100%', '50%', '25%', 'Mamba-2', 'Linear', 'No-op'])
    expect(all(root, '.legend-heading text').map((t) => t.textContent)).toEqual(['Attention, KV heads:', 'FFN width:', 'Other:'])
    expect(all(root, '.row-mixer text').map((t) => t.textContent)).toContain('Mixer')
  })

  it('describes every cell in a tooltip and summarises each architecture', () => {
    const root = parseSvg(architectureMapSvg({ parent, children: [child] }))
    const tip = (layer: number, slot: string) => one(root, `g.architecture[data-name="Child"] rect.cell[data-slot="${slot}"][data-layer="${layer}"] title`).textContent
    expect(tip(1, 'mixer')).toBe('Child · layer 1\nMixer: GQA, 2 KV heads (32 query heads × 128)')
    expect(tip(2, 'ffn')).toBe("Child · layer 2\nFFN: 3,584 intermediate (25% of the parent's 14,336), SwiGLU")
    const summaries = all(root, 'g.architecture > text').map((t) => t.textContent)
    // FFN widths 14,336 + 7,168 + 3,584 + 14,336 = 39,424 of the parent's 6 × 14,336 = 86,016: 46%.
    expect(summaries).toContain('3 attention · 1 Mamba-2 · 1 linear · 1 no-op · FFN width 46% of parent')
    expect(summaries).toContain('6 attention · FFN width 100% of parent')
  })

  it('writes FFN widths in the legend to a tenth of a percent (7/8 is 87.5%, not 88%)', () => {
    const narrowed = tiny('Narrowed', parent.layers.map((l, i) => ({ ...l, ffn: ffn(i === 0 ? 12544 : 14336) })))
    const entries = all(parseSvg(architectureMapSvg({ parent, children: [narrowed] })), '.legend-item text').map((t) => t.textContent)
    expect(entries).toContain('87.5%')
    expect(entries).toContain('100%')
  })

  it("marks Hymba's hybrid-head mixers as their own variant, with a legend entry", () => {
    const hybrid = {
      type: 'hybrid-heads', hidden, heads: 25, kvHeads: 5, qkHeadDim: 64, vHeadDim: 128, ssmInner: 3200, stateDim: 16, dtRank: 100, convKernel: 4, window: 1024,
    } as const
    const hymba = tiny('Hymba-like', parent.layers.map((l) => ({ ...l, mixer: hybrid })))
    const root = parseSvg(architectureMapSvg({ parent, children: [hymba] }))
    const cell = one(root, 'g.architecture[data-name="Hymba-like"] rect.cell[data-slot="mixer"][data-layer="0"]')
    expect(cell.getAttribute('data-variant')).toBe('hybrid')
    expect(one(cell, 'title').textContent).toContain('hybrid heads: 25 attention heads (5 KV), sliding window 1,024 in parallel with Mamba 3,200 wide')
    expect(all(root, '.legend-item text').map((t) => t.textContent)).toContain('Hybrid heads')
  })

  it('rejects a child whose layer count differs from the parent, naming it', () => {
    const short = tiny('Short', child.layers.slice(0, 4))
    expect(() => architectureMapSvg({ parent, children: [short] })).toThrow("invalid children[0].layers: 4 layers in Short (must match the parent's 6)")
  })

  it('never prints NaN', () => {
    expect(architectureMapSvg({ parent: llama70b, children: [child2x, child3x] })).not.toMatch(/NaN|undefined/)
  })

  it('lists the same choices as a per-layer table', () => {
    const table = layerChoiceTable({ parent, children: [child] })
    expect(table.columns).toEqual(['Layer', 'Parent-8B (parent): mixer', 'Parent-8B (parent): FFN', 'Child: mixer', 'Child: FFN'])
    expect(table.rows[1]).toEqual({ label: '1', values: ['GQA 8 KV', '14,336 (100%)', 'GQA 2 KV', '7,168 (50%)'] })
    expect(table.rows[4]?.values.slice(2)).toEqual(['Mamba-2', 'no-op'])
  })

  it('matches the golden SVG for a small input', async () => {
    await expect(architectureMapSvg({ parent, children: [child], title: 'Golden map', width: 480 })).toMatchFileSnapshot('./__snapshots__/architecture-map-small.svg')
  })
})
