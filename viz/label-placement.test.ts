import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { placeLabels } from './label-placement.ts'
import type { Box } from './label-placement.ts'

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

describe('placeLabels', () => {
  it('puts each label right of its point, with no leader, when there is room', () => {
    const [label] = placeLabels([{ text: 'Parent', x: 100, y: 100, clearance: 6, fontSize: 11 }], [], { x: 0, y: 0, width: 400, height: 300 })
    expect(label?.anchor).toBe('start')
    expect(label?.box.x).toBe(106)
    expect(label?.leader).toBeUndefined()
  })

  it('moves a label off an obstacle and inside the bounds', () => {
    const bounds = { x: 0, y: 0, width: 400, height: 300 }
    const [right] = placeLabels([{ text: 'Near the edge', x: 390, y: 150, clearance: 6, fontSize: 11 }], [], bounds)
    expect(right?.anchor).toBe('end')
    const obstacle = { x: 106, y: 90, width: 50, height: 20 }
    const [moved] = placeLabels([{ text: 'Parent', x: 100, y: 100, clearance: 6, fontSize: 11 }], [obstacle], bounds)
    expect(overlaps(moved?.box ?? obstacle, obstacle)).toBe(false)
  })

  it('never lets labels of well-separated points overlap each other or leave the bounds', () => {
    const grid = fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 12 })), { minLength: 1, maxLength: 30, selector: ([c, r]) => `${c},${r}` })
    fc.assert(
      fc.property(grid, fc.stringMatching(/^[A-Za-z0-9 ]{1,16}$/), (cells, text) => {
        const bounds = { x: 0, y: 0, width: 1800, height: 1300 }
        const placed = placeLabels(cells.map(([c, r]) => ({ text, x: c * 200, y: r * 100, clearance: 6, fontSize: 11 })), [], bounds)
        placed.forEach((a, i) => {
          expect(a.box.x).toBeGreaterThanOrEqual(0)
          expect(a.box.x + a.box.width).toBeLessThanOrEqual(bounds.width)
          placed.slice(i + 1).forEach((b) => expect(overlaps(a.box, b.box)).toBe(false))
        })
      }),
      { numRuns: 50 },
    )
  })
})
