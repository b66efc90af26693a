import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { all, axisInverse, one, parseSvg, translation } from '../test/fixtures/viz/svg-reading.ts'
import { frontierSample } from '../test/fixtures/viz/samples.ts'
import { VizInputError } from './errors.ts'
import { frontierSvg } from './frontier.ts'
import type { FrontierPlotInput } from './types.ts'

const small: FrontierPlotInput = {
  series: [
    {
      name: 'H100, TP1',
      points: [
        { throughput: 1500, quality: 0.02, label: 'a', architectureId: 'a' },
        { throughput: 2000, quality: 0.05, label: 'b', architectureId: 'b' },
        { throughput: 2600, quality: 0.12, label: 'c', architectureId: 'c' },
        { throughput: 1800, quality: 0.2, label: 'dominated', architectureId: 'd' },
      ],
    },
  ],
  references: [{ role: 'parent', label: 'Llama-3.1-8B', throughput: 1000, quality: 0, architectureId: 'parent' }],
  chosen: { throughput: 2000, quality: 0.05, label: 'b' },
  budgets: [{ throughput: 1900 }],
  qualitySource: { kind: 'measured', description: 'replace-1-block KL, scores.csv' },
}

/** Every plotted point's position, read back through the axes' tick labels into data units. */
function plottedValues(svg: string, selector: string) {
  const root = parseSvg(svg)
  const x = axisInverse(root, '.axis-x', 'x')
  const y = axisInverse(root, '.axis-y', 'y')
  return all(root, selector).map((el) => {
    const t = translation(el)
    return { id: el.getAttribute('data-architecture-id'), x: x(t.x), y: y(t.y) }
  })
}

describe('frontierSvg', () => {
  it('plots each point where its throughput and quality say, read back through the axis ticks', () => {
    const svg = frontierSvg(small)
    const points = plottedValues(svg, 'path.point')
    expect(points).toHaveLength(4)
    for (const p of small.series[0]?.points ?? []) {
      const plotted = points.find((q) => q.id === p.architectureId)
      expect(plotted?.x).toBeCloseTo(p.throughput, 0)
      expect(plotted?.y).toBeCloseTo(p.quality, 3)
    }
  })

  it('plots every point of a realistic two-series frontier where the data says', () => {
    const svg = frontierSvg(frontierSample)
    const plotted = plottedValues(svg, 'path.point')
    const expected = frontierSample.series.flatMap((s) => s.points)
    expect(plotted).toHaveLength(expected.length)
    plotted.forEach((p, i) => {
      const e = expected[i]
      expect(Math.abs(p.x - (e?.throughput ?? 0))).toBeLessThan(1)
      expect(Math.abs(p.y - (e?.quality ?? 0))).toBeLessThan(1e-3)
    })
  })

  it('puts the parent at speedup 1× on the speedup axis and derives other speedups from it', () => {
    const svg = frontierSvg({ ...small, x: 'speedup' })
    const root = parseSvg(svg)
    const x = axisInverse(root, '.axis-x', 'x')
    expect(x(translation(one(root, 'path.parent')).x)).toBeCloseTo(1, 3)
    const c = plottedValues(svg, 'path.point').find((p) => p.id === 'c')
    expect(c?.x).toBeCloseTo(2.6, 3)
    expect(one(root, '.axis-x .axis-label').textContent).toContain('(×)')
    expect(all(root, '.axis-x .tick text').every((t) => (t.textContent ?? '').endsWith('×'))).toBe(true)
  })

  it('labels both axes with their units', () => {
    const root = parseSvg(frontierSvg(small))
    expect(one(root, '.axis-x .axis-label').textContent).toBe('Throughput (tokens/s per GPU)')
    expect(one(root, '.axis-y .axis-label').textContent).toBe('Quality loss: summed KL divergence (nats)')
    const custom = parseSvg(frontierSvg({ ...small, qualityMetric: 'accuracy drop', qualityUnit: 'points' }))
    expect(one(custom, '.axis-y .axis-label').textContent).toBe('Quality loss: accuracy drop (points)')
  })

  it('has a legend entry for each series, the parent, the choice and the budget', () => {
    const root = parseSvg(frontierSvg(small))
    expect(all(root, '.legend-item text').map((t) => t.textContent)).toEqual(['H100, TP1', 'Parent', 'Chosen', 'Throughput target'])
  })

  it('draws the step line through the non-dominated points only and fades the dominated one', () => {
    const root = parseSvg(frontierSvg(small))
    expect(all(root, 'path.step-line')).toHaveLength(1)
    const dominated = all(root, 'path.point.dominated')
    expect(dominated.map((p) => p.getAttribute('data-architecture-id'))).toEqual(['d'])
  })

  it('rings the chosen solution at its data position and labels the parent and the choice', () => {
    const root = parseSvg(frontierSvg(small))
    const x = axisInverse(root, '.axis-x', 'x')
    const y = axisInverse(root, '.axis-y', 'y')
    const ring = one(root, 'circle.chosen')
    expect(x(Number(ring.getAttribute('cx')))).toBeCloseTo(2000, 0)
    expect(y(Number(ring.getAttribute('cy')))).toBeCloseTo(0.05, 3)
    const labels = all(root, '.label text').map((t) => t.textContent)
    expect(labels).toContain('b')
    expect(labels).toContain('Llama-3.1-8B (parent)')
  })

  it('draws the budget as a vertical line at its throughput, labelled with both units', () => {
    const root = parseSvg(frontierSvg(small))
    const x = axisInverse(root, '.axis-x', 'x')
    const line = one(root, 'line.budget')
    expect(line.getAttribute('x1')).toBe(line.getAttribute('x2'))
    expect(x(Number(line.getAttribute('x1')))).toBeCloseTo(1900, 0)
    expect(all(root, '.label text').map((t) => t.textContent)).toContain('≥ 1,900 tokens/s per GPU (1.9× parent)')
  })

  it('says "prior" in the caption when the built-in prior scored quality', () => {
    const caption = (input: FrontierPlotInput) => all(parseSvg(frontierSvg(input)), '.caption text').map((t) => t.textContent).join(' ')
    expect(caption({ ...small, qualitySource: { kind: 'prior' } })).toContain('built-in prior')
    expect(caption({ ...small, qualitySource: { kind: 'mixed', description: 'scores.csv' } })).toContain('built-in prior elsewhere')
    expect(caption(small)).toContain('measured (replace-1-block KL, scores.csv)')
    expect(caption(small)).not.toContain('prior')
  })

  it('switches x to a log scale with 1–2–5 ticks once the values span more than 20×, and places points by it', () => {
    const wide: FrontierPlotInput = {
      ...small,
      series: [{ name: 'wide', points: [100, 300, 1000, 5000].map((throughput, i) => ({ throughput, quality: 0.01 * (i + 1), architectureId: String(throughput) })) }],
      references: [],
      chosen: undefined,
      budgets: [],
    }
    const root = parseSvg(frontierSvg(wide))
    expect(one(root, '.axis-x .axis-label').textContent).toBe('Throughput (tokens/s per GPU), log scale')
    expect(all(root, '.axis-x .tick text').map((t) => t.textContent)).toEqual(['100', '200', '500', '1,000', '2,000', '5,000'])
    for (const p of plottedValues(frontierSvg(wide), 'path.point')) expect(p.x / Number(p.id)).toBeCloseTo(1, 3)
    // 20× or less stays linear, and the option can force either.
    const narrow = { ...wide, series: [{ name: 'narrow', points: [{ throughput: 100, quality: 0 }, { throughput: 2000, quality: 1 }] }] }
    expect(one(parseSvg(frontierSvg(narrow)), '.axis-x .axis-label').textContent).toBe('Throughput (tokens/s per GPU)')
    expect(one(parseSvg(frontierSvg({ ...narrow, xScale: 'log' })), '.axis-x .axis-label').textContent).toContain('log scale')
    expect(one(parseSvg(frontierSvg({ ...wide, xScale: 'linear' })), '.axis-x .axis-label').textContent).toBe('Throughput (tokens/s per GPU)')
  })

  it('draws a series of more than 200 points as its step line alone, the chosen child still ringed', () => {
    const points = Array.from({ length: 201 }, (_, i) => ({ throughput: 1000 + 10 * i, quality: 0.001 * i }))
    const root = parseSvg(frontierSvg({ ...small, series: [{ name: 'dense', points }], chosen: points[100] }))
    expect(all(root, 'path.point')).toHaveLength(0)
    expect(all(root, 'path.step-line')).toHaveLength(1)
    expect(all(root, 'circle.chosen')).toHaveLength(1)
    expect(all(parseSvg(frontierSvg({ ...small, series: [{ name: 'sparse', points: points.slice(0, 200) }] })), 'path.point')).toHaveLength(200)
  })

  it('labels the prior’s axis in arbitrary units, never nats', () => {
    const root = parseSvg(frontierSvg({ ...small, qualitySource: { kind: 'prior' }, qualityMetric: 'summed replace-1-block KL' }))
    // Too long for the plot's height, the title takes two lines.
    expect(all(root, '.axis-y .axis-label tspan').map((t) => t.textContent).join(' ')).toBe('Quality loss: summed replace-1-block KL, prior (arbitrary units)')
    expect(frontierSvg({ ...small, qualitySource: { kind: 'prior' } })).not.toContain('nats')
  })

  it('wraps a long title onto lines that fit the figure', () => {
    const title = 'Llama-3.3-70B on 1× NVIDIA H100 SXM5 80GB, fp8 weights · vLLM (V1 engine), in-flight batching · 128/1024 tokens · best concurrency per child'
    const root = parseSvg(frontierSvg({ ...small, title }))
    const lines = all(root, 'text.title tspan').map((t) => t.textContent ?? '')
    expect(lines.length).toBeGreaterThan(1)
    expect(lines.join(' ')).toBe(title)
  })

  it('gives each point a tooltip with its values and units', () => {
    const root = parseSvg(frontierSvg(small))
    const title = one(root, 'path.point[data-architecture-id="c"] title').textContent ?? ''
    expect(title).toContain('2,600 tokens/s per GPU (2.6× parent)')
    expect(title).toContain('summed KL divergence: 0.12 nats')
  })

  it('never prints NaN, whatever finite data it is given', () => {
    const point = fc.record({
      throughput: fc.double({ min: 1, max: 1e6, noNaN: true }),
      quality: fc.double({ min: -10, max: 10, noNaN: true }),
    })
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 12 }), fc.option(point, { nil: undefined }), fc.boolean(), (points, parent, speedup) => {
        const svg = frontierSvg({
          series: [{ name: 's', points }],
          references: parent === undefined ? [] : [{ ...parent, role: 'parent', label: 'P' }],
          x: speedup && parent !== undefined ? 'speedup' : 'throughput',
          qualitySource: { kind: 'prior' },
        })
        expect(svg).not.toMatch(/NaN|Infinity|undefined/)
      }),
      // A subnormal loss once made tick generation fail (fast-check seed 651125969).
      { numRuns: 60, examples: [[[{ throughput: 1, quality: -4.4e-323 }], undefined, false]] },
    )
  })

  it('names the offending field when the input is invalid', () => {
    const bad = { ...small, series: [{ name: 's', points: [{ throughput: Number.NaN, quality: 0 }] }] }
    expect(() => frontierSvg(bad)).toThrow(VizInputError)
    expect(() => frontierSvg(bad)).toThrow('invalid series[0].points[0].throughput: NaN (must be a finite number)')
    expect(() => frontierSvg({ series: [{ name: 's', points: [{ throughput: 10, quality: 0 }] }], x: 'speedup', qualitySource: { kind: 'prior' } })).toThrow(
      /invalid series\[0\]\.points\[0\]\.speedup: missing/,
    )
    expect(() => frontierSvg({ series: [], qualitySource: { kind: 'prior' } })).toThrow(/no points to plot/)
  })

  it('matches the golden SVG for a small input', async () => {
    await expect(frontierSvg({ ...small, title: 'Golden frontier' })).toMatchFileSnapshot('./__snapshots__/frontier-small.svg')
  })
})
