import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AttentionSpec, HybridHeadsSpec } from '../../blocks/spec.ts'
import { hybridHeadsLoss, hymbaPriorScales, metaTokenLoss } from './hymba-prior.ts'
import { priorScales } from './prior.ts'

// Llama-3.2-3B's attention and a hybrid layer of its width (../shared/reference/models).
const attention: AttentionSpec = { type: 'attention', hidden: 3072, heads: 24, kvHeads: 8, headDim: 128 }
const hybrid: HybridHeadsSpec = { type: 'hybrid-heads', hidden: 3072, heads: 24, kvHeads: 8, qkHeadDim: 128, vHeadDim: 128, ssmInner: 3072, stateDim: 16, dtRank: 192, convKernel: 4 }
const loss = (parent: AttentionSpec | HybridHeadsSpec, child: HybridHeadsSpec) => hybridHeadsLoss(parent, child, priorScales.kvHalving)

describe('the hymba prior', () => {
  it('charges only the conversion for hybrid heads with the parent’s heads, and nothing for a hybrid parent’s own block', () => {
    expect(loss(attention, hybrid)).toBe(hymbaPriorScales.hybridConversion)
    expect(loss(hybrid, hybrid)).toBe(0)
  })

  it('adds each axis: KV halvings, head halvings, a window over log₂(8192 / window), a shared cache', () => {
    const child: HybridHeadsSpec = { ...hybrid, heads: 12, kvHeads: 2, window: 1024, sharesKv: true }
    expect(loss(attention, child)).toBeCloseTo(0.001 + 2 * 0.002 + 0.002 + 3 * 0.001 + 0.001, 12)
  })

  it('grows as the window shrinks and never credits a child past its parent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 16384 }), fc.integer({ min: 64, max: 16384 }), (a, b) => {
        const [small, large] = a <= b ? [a, b] : [b, a]
        expect(loss(attention, { ...hybrid, window: small })).toBeGreaterThanOrEqual(loss(attention, { ...hybrid, window: large }))
        expect(loss({ ...hybrid, window: small }, { ...hybrid, window: large })).toBe(0)
        expect(loss({ ...hybrid, window: a }, { ...hybrid, window: b })).toBeGreaterThanOrEqual(0)
      }),
    )
  })

  it('credits meta tokens in proportion up to 128, relative to the parent’s', () => {
    expect(metaTokenLoss(0, 128)).toBeCloseTo(-hymbaPriorScales.metaTokens, 12)
    expect(metaTokenLoss(0, 64)).toBeCloseTo(-hymbaPriorScales.metaTokens / 2, 12)
    expect(metaTokenLoss(0, 256)).toBeCloseTo(metaTokenLoss(0, 128), 12)
    expect(metaTokenLoss(128, 128)).toBe(0)
    expect(metaTokenLoss(128, 0)).toBeCloseTo(hymbaPriorScales.metaTokens, 12)
  })
})
