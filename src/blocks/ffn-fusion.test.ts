import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Architecture, LayerChoice } from './architecture.ts'
import { architectureParams } from './architecture-params.ts'
import { fuseRuns, fusedFfn, fusionError, fusionRuns, maximalRuns, type FusedRun } from './ffn-fusion.ts'

const hidden = 64
const attention: LayerChoice['mixer'] = { type: 'attention', hidden, heads: 4, kvHeads: 2, headDim: 16 }
const noop = { type: 'noop', hidden } as const
const ffn = (intermediate: number, activation: 'swiglu' | 'relu2' = 'swiglu') => ({ type: 'ffn', hidden, intermediate, activation }) as const

/** Layers of every kind a run meets: attention, empty, bare FFN (two activations), linear FFN. */
const layerArb: fc.Arbitrary<LayerChoice> = fc.oneof(
  fc.constant({ mixer: attention, ffn: ffn(128) }),
  fc.constant({ mixer: noop, ffn: noop }),
  fc.integer({ min: 1, max: 8 }).map((k) => ({ mixer: noop, ffn: ffn(32 * k) })),
  fc.constant({ mixer: noop, ffn: ffn(96, 'relu2') }),
  fc.constant({ mixer: noop, ffn: { type: 'linear', hidden } as const }),
)
const archArb: fc.Arbitrary<Architecture> = fc
  .array(layerArb, { minLength: 1, maxLength: 12 })
  .map((layers) => ({ name: 't', hidden, embedding: { vocabSize: 100, hidden, tied: false }, layers }))

const ffnCount = (a: Architecture, r: FusedRun) => a.layers.slice(r.first, r.last + 1).filter((l) => l.ffn.type === 'ffn').length
const isFfnLayer = (a: Architecture, i: number) => a.layers[i]!.mixer.type === 'noop' && a.layers[i]!.ffn.type === 'ffn'

/** By definition, over every interval: valid, starting and ending on an FFN, and no valid interval adds an FFN to it. */
function bruteForceMaximalRuns(a: Architecture): FusedRun[] {
  const n = a.layers.length
  const valid = (first: number, last: number) => fusionError(a, [{ first, last }]) === undefined
  const runs: FusedRun[] = []
  for (let first = 0; first < n; first++)
    for (let last = first + 1; last < n; last++) {
      if (!isFfnLayer(a, first) || !isFfnLayer(a, last) || !valid(first, last)) continue
      const extendable = [...Array(n).keys()].some((o) => isFfnLayer(a, o) && (o < first || o > last) && valid(Math.min(o, first), Math.max(o, last)))
      if (!extendable) runs.push({ first, last })
    }
  return runs
}

describe('FFN Fusion as a function of an architecture', () => {
  it('finds exactly the maximal runs that brute force over every interval finds', () => {
    fc.assert(
      fc.property(archArb, (a) => {
        expect(maximalRuns(a)).toEqual(bruteForceMaximalRuns(a))
      }),
    )
  })

  it('fuses a run into its last slot with the summed width, empties the rest, and keeps every other layer', () => {
    fc.assert(
      fc.property(archArb, (a) => {
        const runs = maximalRuns(a)
        const fused = fuseRuns(a, runs)
        expect(fused.layers).toHaveLength(a.layers.length)
        const inRun = (i: number) => runs.some((r) => i >= r.first && i <= r.last)
        fused.layers.forEach((l, i) => {
          if (!inRun(i)) expect(l).toEqual(a.layers[i])
        })
        for (const r of runs) {
          const parts = a.layers.slice(r.first, r.last + 1).flatMap((l) => (l.ffn.type === 'ffn' ? [l.ffn.intermediate] : []))
          expect(fused.layers[r.last]!.ffn).toEqual({ ...fusedFfn(a, r), intermediate: parts.reduce((s, w) => s + w, 0) })
          for (let i = r.first; i < r.last; i++) expect(fused.layers[i]).toEqual({ mixer: noop, ffn: noop })
        }
      }),
    )
  })

  it('saves one norm (hidden parameters) per FFN a run joins beyond the first, and nothing else', () => {
    fc.assert(
      fc.property(archArb, (a) => {
        const runs = maximalRuns(a)
        const joined = runs.reduce((s, r) => s + ffnCount(a, r) - 1, 0)
        expect(architectureParams(a) - architectureParams(fuseRuns(a, runs))).toBe(joined * hidden)
      }),
    )
  })

  it('leaves nothing to fuse once fused', () => {
    fc.assert(
      fc.property(archArb, (a) => {
        expect(maximalRuns(fuseRuns(a, maximalRuns(a)))).toEqual([])
      }),
    )
  })

  it('cuts each maximal run into the fewest runs of at most K FFNs, as even as possible, covering the same FFNs but a lone one', () => {
    fc.assert(
      fc.property(archArb, fc.integer({ min: 2, max: 5 }), (a, k) => {
        const whole = maximalRuns(a)
        const cut = fusionRuns(a, k)
        expect(fusionError(a, cut)).toBeUndefined()
        for (const w of whole) {
          const n = ffnCount(a, w)
          const pieces = cut.filter((r) => r.first >= w.first && r.last <= w.last)
          const sizes = pieces.map((p) => ffnCount(a, p))
          // Only K = 2 with an odd count leaves a lone FFN, which is no run.
          const lone = k === 2 && n % 2 === 1 ? 1 : 0
          expect(pieces).toHaveLength(Math.ceil(n / k) - lone)
          expect(sizes.reduce((s, x) => s + x, 0)).toBe(n - lone)
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
          expect(Math.max(...sizes)).toBeLessThanOrEqual(k)
          expect(Math.min(...sizes)).toBeGreaterThanOrEqual(2)
        }
      }),
    )
  })

  it('rejects runs that hold attention, a linear block, one FFN, mixed activations or overlaps, naming the run', () => {
    const a: Architecture = {
      name: 't',
      hidden,
      embedding: { vocabSize: 100, hidden, tied: false },
      layers: [
        { mixer: noop, ffn: ffn(64) },
        { mixer: attention, ffn: ffn(64) },
        { mixer: noop, ffn: ffn(64) },
        { mixer: noop, ffn: ffn(64) },
        { mixer: noop, ffn: ffn(64, 'relu2') },
        { mixer: noop, ffn: noop },
      ],
    }
    expect(fusionError(a, [{ first: 0, last: 2 }])).toBe('fuse:0-2: layer 1 keeps attention or a linear block (only attention-free FFN layers fuse)')
    expect(fusionError(a, [{ first: 3, last: 5 }])).toBe('fuse:3-5: mixes FFN activations')
    expect(fusionError(a, [{ first: 4, last: 5 }])).toBe('fuse:4-5: holds 1 FFN (a run fuses at least two)')
    expect(fusionError(a, [{ first: 2, last: 3 }, { first: 3, last: 4 }])).toBe('fuse:3-4: overlaps fuse:2-3')
    expect(fusionError(a, [{ first: 3, last: 3 }])).toBe('fuse:3-3: a run needs at least two layers (first < last)')
    expect(fusionError(a, [{ first: 4, last: 9 }])).toBe('fuse:4-9: layers outside 0-5')
    expect(() => fuseRuns(a, [{ first: 0, last: 2 }])).toThrow('cannot fuse: fuse:0-2')
  })
})
