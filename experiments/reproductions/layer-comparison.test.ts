import { describe, expect, it } from 'vitest'
import type { Architecture, LayerChoice } from '../../src/blocks/architecture.ts'
import { compareLayers, layerRanges } from './layer-comparison.ts'

const hidden = 64
const gqa: LayerChoice['mixer'] = { type: 'attention', hidden, heads: 8, kvHeads: 2, headDim: 8 }
const noop = { type: 'noop', hidden } as const
const ffn = (intermediate: number): LayerChoice['ffn'] => ({ type: 'ffn', hidden, intermediate, activation: 'swiglu' })
const arch = (layers: readonly LayerChoice[]): Architecture => ({ name: 'x', hidden, embedding: { vocabSize: 10, hidden, tied: true }, layers })

describe('compareLayers', () => {
  const parent = arch(Array.from({ length: 4 }, () => ({ mixer: gqa, ffn: ffn(100) })))
  const a = arch([{ mixer: gqa, ffn: ffn(100) }, { mixer: noop, ffn: ffn(50) }, { mixer: noop, ffn: noop }, { mixer: gqa, ffn: ffn(90) }])
  const b = arch([{ mixer: gqa, ffn: ffn(100) }, { mixer: gqa, ffn: ffn(40) }, { mixer: noop, ffn: ffn(10) }, { mixer: gqa, ffn: ffn(50) }])
  const c = compareLayers(a, b, parent)

  it('counts attention kept, agreement, and the agreement expected by chance from the counts alone', () => {
    expect([c.attentionA, c.attentionB]).toEqual([2, 3])
    expect(c.attentionAgreement).toBe(3 / 4)
    // P(both keep) + P(both drop) with 2/4 and 3/4 kept: 0.5·0.75 + 0.5·0.25.
    expect(c.attentionAgreementByChance).toBeCloseTo(0.5, 12)
  })

  it('compares FFN widths as shares of the parent’s, a no-op counting as zero', () => {
    expect(c.ffnAgreement).toBe(3 / 4)
    expect(c.meanFfnA).toBeCloseTo((1 + 0.5 + 0 + 0.9) / 4, 12)
    expect(c.droppedA).toBe('1–2')
  })
})

describe('layerRanges', () => {
  it('joins consecutive layers into ranges', () => {
    expect(layerRanges([6, 7, 11, 42, 43, 44])).toBe('6–7, 11, 42–44')
    expect(layerRanges([])).toBe('none')
  })
})
