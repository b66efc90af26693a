import { describe, expect, it } from 'vitest'
import { formatFigure, renderResults } from './results-markdown.ts'
import { reproductionRow, yesNo, type Reproduction } from './reproductions/row.ts'

const base = { experiment: 'E', unit: 'tokens/s', setup: 's', note: 'n' }
const rows = [
  reproductionRow({ ...base, quantity: 'close', paper: 100, nasSim: 105 }),
  reproductionRow({ ...base, quantity: 'far a', paper: 100, nasSim: 150 }),
  reproductionRow({ ...base, quantity: 'far b', paper: 100, nasSim: 40 }),
  reproductionRow({ ...base, quantity: 'missing', paper: 100, nasSim: null }),
  reproductionRow({ ...base, quantity: 'prediction', paper: null, nasSim: 3 }),
  reproductionRow({ ...base, quantity: 'fits', unit: yesNo, paper: 1, nasSim: 1 }),
]
const reproduction: Reproduction = {
  id: 'demo',
  title: 'Demo experiment',
  sources: ['a paper'],
  rows: async () => rows,
  explainGap: (r) => (r.quantity.startsWith('far') ? 'a shared mechanism' : 'another mechanism'),
}

describe('renderResults', () => {
  const text = renderResults([{ reproduction, rows, seconds: 0.1 }], ['preamble line'])

  it('writes one table row per result with paper, nas-sim and their ratio', () => {
    expect(text).toContain('| close | 100 | 105 | 1.05 | tokens/s | s | n |')
    expect(text).toContain('| missing | 100 | – | not reproduced |')
    expect(text).toContain('| prediction | – | 3.00 | prediction only |')
  })

  it('says so when an experiment has no published figure at all', () => {
    const only = [reproductionRow({ ...base, quantity: 'p', paper: null, nasSim: 1 })]
    expect(renderResults([{ reproduction: { ...reproduction, rows: async () => only }, rows: only, seconds: 0 }], [])).toContain('No published figure to compare with')
    expect(text).toContain('| fits | yes | yes | agrees |')
  })

  it('discusses only gaps above 10% and unreproduced figures, each mechanism once over its rows', () => {
    expect(text).toContain('- far a (×1.50)\n- far b (×0.40)\n\na shared mechanism')
    expect(text).toContain('- missing (not reproduced)\n\nanother mechanism')
    expect(text).not.toContain('- close')
    expect(text.match(/a shared mechanism/g)).toHaveLength(1)
  })

  it('counts published figures, those within 10%, larger gaps and misses in the summary', () => {
    expect(text).toContain('| [Demo experiment](#demo) | 6 | 5 | 2 | 2 | 1 |')
  })
})

describe('formatFigure', () => {
  it('keeps more digits for smaller figures and separates thousands', () => {
    expect(formatFigure(6472.4, 'tokens/s')).toBe('6,472')
    expect(formatFigure(52.34, 'tokens/s')).toBe('52.3')
    expect(formatFigure(2.174, '×')).toBe('2.17')
    expect(formatFigure(11.674, '×')).toBe('11.67')
    expect(formatFigure(null, '×')).toBe('–')
    expect(formatFigure(0, yesNo)).toBe('no')
  })
})
