import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { presetArchitecture } from '../src/io/presets.ts'
import { prunedArchitecture } from '../src/search/space/minitron.ts'
import { all, one, parseSvg } from '../test/fixtures/viz/svg-reading.ts'
import { architectureMapSvg } from './architecture-map.ts'

describe('the architecture map of a Minitron child', () => {
  const nh8b = Result.getOrThrow(presetArchitecture('nemotron-h-8b'))
  const pruned = prunedArchitecture(nh8b, { hidden: 3072, ffn: 12288, mamba: { groups: 8, headsPerGroup: 14, headDim: 64 } })
  const noop = { type: 'noop', hidden: 3072 } as const
  const child = { ...pruned, name: 'Minitron child', layers: pruned.layers.map((l, i) => (i === 42 || i === 44 ? { mixer: noop, ffn: noop } : l)) }
  const svg = parseSvg(architectureMapSvg({ parent: nh8b, children: [child] }))

  it('names the model-wide widths pruned in the heading', () => {
    const summaries = all(svg, 'text.summary').map((t) => t.textContent)
    expect(summaries[0]).not.toMatch(/hidden/)
    expect(summaries[1]).toMatch(/ · hidden 75% · Mamba heads × channels 87\.5%$/)
  })

  it('draws dropped layers as empty in both rows', () => {
    const group = all(svg, 'g.architecture')[1]!
    for (const layer of ['42', '44'])
      for (const slot of ['mixer', 'ffn']) expect(one(group, `rect.cell[data-layer="${layer}"][data-slot="${slot}"]`).getAttribute('data-variant')).toBe('noop')
  })
})
