import { describe, expect, it } from 'vitest'
import { breakdownSample } from '../test/fixtures/viz/samples.ts'
import { all, axisInverse, numberAttr, one, parseSvg } from '../test/fixtures/viz/svg-reading.ts'
import { breakdownSvg } from './breakdown.ts'
import type { BreakdownInput } from './types.ts'

const GB = 1e9
const small: BreakdownInput = {
  scenario: 'H100 SXM, TP1, batch 8; time per forward step',
  memoryCapacity: { bytes: 80 * GB, label: 'H100 80 GB' },
  models: [
    {
      name: 'Parent',
      role: 'parent',
      prefill: { time: { attention: 0.04, ffn: 0.06 }, memory: { weights: 16 * GB, kvCache: 4 * GB } },
      decode: { time: { attention: 0.002, ffn: 0.006, communication: 0.001 }, memory: { weights: 16 * GB, kvCache: 8 * GB } },
    },
    {
      name: 'Child',
      role: 'child',
      prefill: { time: { attention: 0.01, ffn: 0.04 }, memory: { weights: 10 * GB, kvCache: 1 * GB } },
      decode: { time: { mamba: 0.001, ffn: 0.003 }, memory: { weights: 10 * GB, ssmState: 0.5 * GB } },
    },
  ],
}

describe('breakdownSvg', () => {
  it('draws four panels: time and memory, in prefill and decode', () => {
    const root = parseSvg(breakdownSvg(small))
    expect(all(root, 'g.panel').map((p) => p.getAttribute('class'))).toEqual([
      'panel panel-time-prefill',
      'panel panel-time-decode',
      'panel panel-memory-prefill',
      'panel panel-memory-decode',
    ])
  })

  it('stacks each category with a length that reads back, through the axis ticks, as its value', () => {
    const root = parseSvg(breakdownSvg(small))
    const check = (panel: string, model: string, expected: Readonly<Record<string, number>>, unitFactor: number) => {
      const g = one(root, `g.${panel}`)
      const value = axisInverse(g, '.axis-x', 'x')
      const segments = all(g, `g.bar[data-model="${model}"] rect.segment`)
      expect(segments.map((s) => s.getAttribute('data-category'))).toEqual(Object.keys(expected))
      let end = value(0) // the axis starts at 0
      segments.forEach((s) => {
        const x = numberAttr(s, 'x')
        const w = numberAttr(s, 'width')
        expect(value(x + w) - value(x)).toBeCloseTo((expected[s.getAttribute('data-category') ?? ''] ?? 0) * unitFactor, 2)
        expect(value(x)).toBeCloseTo(end, 2)
        end = value(x + w)
      })
    }
    check('panel-time-prefill', 'Parent', { attention: 0.04, ffn: 0.06 }, 1e3)
    check('panel-time-decode', 'Parent', { attention: 0.002, ffn: 0.006, communication: 0.001 }, 1e3)
    check('panel-time-decode', 'Child', { ffn: 0.003, mamba: 0.001 }, 1e3)
    check('panel-memory-decode', 'Child', { weights: 10 * GB, ssmState: 0.5 * GB }, 1e-9)
  })

  it('labels the axes with units and writes each total with its ratio to the parent', () => {
    const root = parseSvg(breakdownSvg(small))
    expect(all(root, '.axis-label').map((t) => t.textContent)).toEqual(['Time per step (ms)', 'Time per step (ms)', 'Memory (GB)', 'Memory (GB)'])
    // Ratios say which way they go, so a slower child cannot be read as a speedup.
    expect(all(root, 'g.panel-time-prefill text.total').map((t) => t.textContent)).toEqual(['100 ms', '50 ms (0.5× as long)'])
    expect(all(root, 'g.panel-memory-decode text.total').map((t) => t.textContent)).toEqual(['24 GB', '10.5 GB (0.44× as much)'])
    const slower = { ...small, models: [small.models[0]!, { ...small.models[1]!, prefill: { ...small.models[1]!.prefill, time: { attention: 0.1, ffn: 0.12 } } }] }
    expect(all(parseSvg(breakdownSvg(slower)), 'g.panel-time-prefill text.total').map((t) => t.textContent)).toEqual(['100 ms', '220 ms (2.2× longer)'])
  })

  it('names each row’s batch beside the model', () => {
    const withBatch = { ...small, models: [{ ...small.models[0]!, batch: 'concurrency 64' }, { ...small.models[1]!, batch: 'concurrency 256' }] }
    const rows = all(parseSvg(breakdownSvg(withBatch)), 'g.panel-time-prefill text.model-name').map((t) => all(t, 'tspan').map((line) => line.textContent).join(' '))
    expect(rows).toEqual(['Parent (parent), concurrency 64', 'Child, concurrency 256'])
  })

  it('draws the memory capacity at its value on both memory panels', () => {
    const root = parseSvg(breakdownSvg(small))
    for (const panel of ['panel-memory-prefill', 'panel-memory-decode']) {
      const g = one(root, `g.${panel}`)
      expect(axisInverse(g, '.axis-x', 'x')(numberAttr(one(g, 'line.capacity'), 'x1'))).toBeCloseTo(80, 2)
    }
    expect(all(root, 'line.capacity')).toHaveLength(2)
  })

  it('has a legend entry for each category used, and for the capacity', () => {
    const root = parseSvg(breakdownSvg(small))
    expect(all(root, '.legend-item text').map((t) => t.textContent)).toEqual([
      'Attention',
      'FFN',
      'Mamba-2',
      'Communication',
      'Weights',
      'KV cache',
      'SSM state',
      'H100 80 GB',
    ])
  })

  it('never prints NaN, even when a phase costs nothing', () => {
    const empty = { time: {}, memory: {} }
    const svg = breakdownSvg({ models: [{ name: 'Idle', role: 'child', prefill: empty, decode: empty }] })
    expect(svg).not.toMatch(/NaN|Infinity|undefined/)
    expect(breakdownSvg(breakdownSample)).not.toMatch(/NaN|Infinity|undefined/)
  })

  it('names the offending field when a cost is negative', () => {
    const parentCost = small.models[0]
    if (parentCost === undefined) throw new Error('fixture has no parent')
    const bad: BreakdownInput = { models: [{ ...parentCost, decode: { time: { ffn: -1 }, memory: {} } }] }
    expect(() => breakdownSvg(bad)).toThrow('invalid models[0].decode.time.ffn: -1 (must be ≥ 0)')
  })
})
