import fc from 'fast-check'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import type { LayerChoice } from '../../blocks/architecture.ts'
import type { AttentionSpec, FfnSpec } from '../../blocks/spec.ts'
import { priorKl } from './prior.ts'
import { measuredQuality, parseCsv, parseScores } from './scores-file.ts'

const attn: AttentionSpec = { type: 'attention', hidden: 4096, heads: 32, kvHeads: 8, headDim: 128 }
const ffn: FfnSpec = { type: 'ffn', hidden: 4096, intermediate: 14336, activation: 'swiglu' }
const parent: LayerChoice = { mixer: attn, ffn }

describe('the built-in prior', () => {
  it('scores the parent’s own blocks 0 and grows as blocks shrink', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 31 }), fc.integer({ min: 1, max: 13 }), (layer, units) => {
        expect(priorKl(layer, 32, parent, attn, ffn)).toBe(0)
        const narrow = priorKl(layer, 32, parent, attn, { ...ffn, intermediate: 1024 * units })
        const narrower = priorKl(layer, 32, parent, attn, { ...ffn, intermediate: 1024 * (units - 1) || 256 })
        expect(narrower).toBeGreaterThanOrEqual(narrow)
        expect(priorKl(layer, 32, parent, { type: 'noop', hidden: 4096 }, ffn)).toBeGreaterThan(priorKl(layer, 32, parent, { ...attn, kvHeads: 1 }, ffn))
      }),
    )
  })
})

describe('score files', () => {
  it('reads CSV and JSON rows into the same scores, adding slot scores', () => {
    const csv = 'layer,variant,kl_div\n0,attn:noop,0.02\n0,ffn:50%,0.01\n1,attn:kv4|ffn:100%,0.005\n'
    const json = JSON.stringify([
      { layer: 0, variant: 'attn:noop', kl_div: 0.02 },
      { layer: 0, variant: 'ffn:50%', kl_div: 0.01 },
      { layer: 1, variant: 'attn:kv4|ffn:100%', kl_div: 0.005 },
    ])
    for (const [text, file] of [[csv, 's.csv'], [json, 's.json']] as const) {
      const q = measuredQuality(Result.getOrThrow(parseScores(text, file)))
      const noop = { id: 'attn:noop', spec: { type: 'noop', hidden: 4096 } as const }
      const half = { id: 'ffn:50%', spec: { ...ffn, intermediate: 7168 } }
      expect(q.score(0, parent, noop, half, 2)).toEqual({ metrics: { kl_div: 0.03 }, fromPrior: false })
      expect(q.score(1, parent, { id: 'attn:kv4', spec: { ...attn, kvHeads: 4 } }, { id: 'ffn:100%', spec: ffn }, 2)).toEqual({ metrics: { kl_div: 0.005 }, fromPrior: false })
      // Unscored: the prior fills kl_div in and says so.
      expect(q.score(1, parent, noop, half, 2).fromPrior).toBe(true)
    }
  })

  it('rejects garbage with one line and never throws', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const r = parseScores(text, 'x.json')
        if (Result.isFailure(r)) expect(r.failure.message).not.toContain('\n')
      }),
    )
    const bad = parseScores('layer,variant,kl_div\n0,attn:noop,abc\n', 's.csv')
    expect(Result.isFailure(bad) && bad.failure.message).toBe('invalid s.csv: row 1: kl_div: abc (expected a number)')
  })
  it('reads quoted CSV cells as RFC 4180 says: commas and doubled quotes inside quotes, CRLF lines, # comments', () => {
    const text = ['# scores from a run', 'layer,"variant",kl_div,note', '0,"attn:noop",0.02,"fast, but ""lossy"""', '', '1, ffn:50% ,0.01,', ''].join('\r\n')
    expect(parseCsv(text)).toEqual([
      { layer: '0', variant: 'attn:noop', kl_div: '0.02', note: 'fast, but "lossy"' },
      { layer: '1', variant: 'ffn:50%', kl_div: '0.01', note: '' },
    ])
  })
})

