import { readFileSync } from 'node:fs'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import type { Architecture } from '../src/blocks/architecture.ts'
import { fuseRuns } from '../src/blocks/ffn-fusion.ts'
import { importHfConfig } from '../src/io/hf-config.ts'
import { presetArchitecture } from '../src/io/presets.ts'
import { all, parseSvg } from '../test/fixtures/viz/svg-reading.ts'
import { architectureMapSvg } from './architecture-map.ts'

const hidden = 4096
const tiny = (name: string, layers: Architecture['layers']): Architecture => ({ name, hidden, embedding: { vocabSize: 32000, hidden, tied: false }, layers })
const gqa = { type: 'attention', hidden, heads: 32, kvHeads: 8, headDim: 128 } as const
const noop = { type: 'noop', hidden } as const
const ffn = (intermediate: number) => ({ type: 'ffn', hidden, intermediate, activation: 'swiglu' }) as const
const parent = tiny('Parent', [0, 1, 2, 3, 4, 5].map(() => ({ mixer: gqa, ffn: ffn(14336) })))
/** Two quarter-width FFNs fused in layers 1–2: narrower than the parent's, so only the given runs can say they are fused. */
const unfused = tiny('Child', [
  { mixer: gqa, ffn: ffn(14336) },
  { mixer: noop, ffn: ffn(3584) },
  { mixer: noop, ffn: ffn(3584) },
  { mixer: gqa, ffn: ffn(14336) },
  { mixer: noop, ffn: ffn(7168) },
  { mixer: gqa, ffn: ffn(14336) },
])
const fused = fuseRuns(unfused, [{ first: 1, last: 2 }])

const spans = (svg: string) => all(parseSvg(svg), 'g.fused-ffn').map((g) => `${g.getAttribute('data-first')}-${g.getAttribute('data-last')}`)

describe('fused FFNs on the architecture map', () => {
  it('draws one spanning cell per fused run a search reports, with a legend entry, and none for an unfused child', () => {
    const svg = architectureMapSvg({ parent, children: [fused], fusedRuns: [[{ first: 1, last: 2 }]] })
    expect(spans(svg)).toEqual(['1-2'])
    expect(svg).toContain('Fused FFN')
    expect(svg).toContain('one FFN of 7,168 intermediate over 2 layers')
    const plain = architectureMapSvg({ parent, children: [unfused] })
    expect(spans(plain)).toEqual([])
    expect(plain).not.toContain('Fused FFN')
  })

  it('finds the four fused FFNs of the Llama-Nemotron Ultra config by themselves, drawn against Llama-3.1-405B', () => {
    const ultraJson: unknown = JSON.parse(readFileSync(new URL('../../shared/reference/models/llama3.1_nemotron_ultra_253b.config.json', import.meta.url), 'utf8'))
    const ultra = Result.getOrThrow(importHfConfig(ultraJson))
    const llama405b = Result.getOrThrowWith(presetArchitecture('llama-3.1-405b'), (e) => new Error(e.message))
    // The map needs one layer count: the 405B's 126 layers padded to Ultra's 162 with its last layer.
    const padded = { ...llama405b, layers: [...llama405b.layers, ...Array.from({ length: 162 - 126 }, () => llama405b.layers[125]!)] }
    expect(spans(architectureMapSvg({ parent: padded, children: [ultra], width: 1400 }))).toEqual(['117-125', '126-134', '135-143', '144-149'])
  })
})
