import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { textWidth, wrapText } from './text-width.ts'

describe('textWidth', () => {
  it('uses DejaVu Sans advance widths: digits are 1303/2048 em (the font\'s hmtx table)', () => {
    expect(textWidth('0123456789', 10)).toBeCloseTo(10 * 10 * (1303 / 2048), 1)
  })

  it('grows with every character appended', () => {
    fc.assert(fc.property(fc.string(), fc.string({ minLength: 1 }), (a, b) => textWidth(a + b, 12) > textWidth(a, 12)))
  })
})

describe('wrapText', () => {
  it('keeps every word, in order, on lines no wider than asked unless one word alone is wider', () => {
    const words = fc.array(fc.stringMatching(/^[A-Za-z0-9×.,()-]{1,14}$/), { minLength: 1, maxLength: 40 })
    fc.assert(
      fc.property(words, fc.integer({ min: 40, max: 600 }), (ws, maxWidth) => {
        const lines = wrapText(ws.join(' '), maxWidth, 11)
        expect(lines.join(' ')).toBe(ws.join(' '))
        for (const line of lines) {
          if (line.includes(' ')) expect(textWidth(line, 11)).toBeLessThanOrEqual(maxWidth)
        }
      }),
    )
  })
})
