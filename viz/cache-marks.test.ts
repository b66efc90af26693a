import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import type { Architecture } from '../src/blocks/architecture.ts'
import { presetArchitecture } from '../src/io/presets.ts'
import { all, one, parseSvg } from '../test/fixtures/viz/svg-reading.ts'
import { architectureMapSvg } from './architecture-map.ts'

const hymba = Result.getOrThrow(presetArchitecture('hymba-1.5b'))
const llama3b = Result.getOrThrow(presetArchitecture('llama-3.2-3b'))

const layersWhere = (a: Architecture, test: (m: Architecture['layers'][number]['mixer']) => boolean) => a.layers.flatMap((l, i) => (test(l.mixer) ? [String(i)] : []))

describe('the architecture map of hybrid-head models', () => {
  const root = parseSvg(architectureMapSvg({ parent: llama3b, children: [], showParent: true, width: 960 }))
  const hymbaMap = parseSvg(architectureMapSvg({ parent: hymba, children: [] }))

  it('draws hybrid heads in their own colour, a window band on each windowed layer and a link on each layer reusing a cache', () => {
    const g = one(hymbaMap, 'g.architecture')
    expect(all(g, 'rect.cell[data-slot="mixer"]').every((c) => c.getAttribute('data-variant') === 'hybrid')).toBe(true)
    // Hymba-1.5B: global attention in layers 0, 15 and 31; 15 layers reuse a cache (../shared/reference/models/hymba_1.5b_base.json).
    expect(all(g, 'rect.mark-window').map((r) => r.getAttribute('data-layer'))).toEqual(layersWhere(hymba, (m) => m.type === 'hybrid-heads' && m.window !== undefined))
    expect(all(g, 'rect.mark-window')).toHaveLength(29)
    expect(all(g, 'line.mark-shared-kv').map((r) => r.getAttribute('data-layer'))).toEqual(['2', '4', '6', '8', '10', '12', '14', '17', '18', '20', '22', '24', '26', '28', '30'])
  })

  it('names the marks in the legend and the meta tokens in the summary, only where a model has them', () => {
    const entries = all(hymbaMap, '.legend-item text').map((t) => t.textContent)
    expect(entries).toEqual(expect.arrayContaining(['Hybrid heads', 'Sliding window', 'Shared KV']))
    expect(one(hymbaMap, 'text.summary').textContent).toContain('128 meta tokens')
    const plain = all(root, '.legend-item text').map((t) => t.textContent)
    expect(plain).not.toContain('Sliding window')
    expect(plain).not.toContain('Shared KV')
    expect(one(root, 'text.summary').textContent).not.toContain('meta tokens')
  })
})
