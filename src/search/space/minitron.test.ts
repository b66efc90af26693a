import fc from 'fast-check'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { architectureParams } from '../../blocks/architecture-params.ts'
import { presetArchitecture } from '../../io/presets.ts'
import { minitronGridFile } from '../pipeline/minitron-options.ts'
import { checkGrid, defaultMinitronGrid, depthLayers, minitronSpace, parentWidths, prunedArchitecture, settingProblem, widthSettings } from './minitron.ts'

const nh8b = Result.getOrThrow(presetArchitecture('nemotron-h-8b'))
const nh4b = Result.getOrThrow(presetArchitecture('nemotron-h-4b'))
const parent = Result.getOrThrow(parentWidths(nh8b))

describe('the Minitron space', () => {
  it('reads Nemotron-H-8B’s model-wide widths', () => {
    // ../shared/reference/models/nemotron_h_8b.json: hidden 4096, FFN 21504, 128 Mamba heads of 64 in 8 groups.
    expect(parent).toEqual({ hidden: 4096, ffn: 21504, mamba: { groups: 8, headsPerGroup: 16, headDim: 64 } })
  })

  it('has a default grid of 300 width settings for Nemotron-H-8B, the parent first', () => {
    const grid = defaultMinitronGrid(parent)
    expect(grid).toEqual({
      hidden: [4096, 3584, 3072, 2560],
      ffn: [21504, 18944, 16128, 13568, 10752],
      mambaGroups: [8, 6, 4],
      mambaHeadsPerGroup: [16, 14, 12, 10, 8],
      mambaHeadDim: [64],
      depth: true,
    })
    const settings = widthSettings(grid, parent)
    expect(settings).toHaveLength(4 * 5 * 3 * 5)
    expect(settings[0]).toEqual(parent)
    // Every setting is a valid set of blocks on one GPU and at TP 2.
    for (const w of settings) for (const tp of [1, 2]) expect(settingProblem(nh8b, w, tp)).toBeUndefined()
  })

  it('keeps every Mamba layer group-aware: heads = groups × heads per group, the same in every layer', () => {
    const settings = widthSettings(defaultMinitronGrid(parent), parent)
    fc.assert(
      fc.property(fc.integer({ min: 0, max: settings.length - 1 }), (i) => {
        const w = settings[i]!
        const pruned = prunedArchitecture(nh8b, w)
        const mambas = pruned.layers.map((l) => l.mixer).filter((m) => m.type === 'mamba2')
        expect(mambas).toHaveLength(24)
        for (const m of mambas) {
          expect(m.heads).toBe(w.mamba!.groups * w.mamba!.headsPerGroup)
          expect(m.groups).toBe(w.mamba!.groups)
          expect(m.heads % m.groups).toBe(0)
          expect(m.hidden).toBe(w.hidden)
        }
        for (const l of pruned.layers) for (const b of [l.mixer, l.ffn]) expect(b.hidden).toBe(w.hidden)
        // Pruning never adds parameters.
        expect(architectureParams(pruned)).toBeLessThanOrEqual(architectureParams(nh8b))
      }),
      { numRuns: 40 },
    )
  })

  it('expresses the published Nemotron-H-4B exactly: 8B widths pruned to hidden 3072, FFN 12288, 8 groups × 14 heads, no layer dropped', () => {
    // ../shared/reference/models/nemotron_h_4b.json (derived from the 8B via Minitron-SSM, arXiv:2504.11409).
    const grid = Result.getOrThrow(minitronGridFile('g.json', nh8b, { minitron: { hidden: [4096, 3072], ffn: [21504, 12288], mambaHeadsPerGroup: [16, 14] } }))!
    const space = Result.getOrThrow(minitronSpace(nh8b, grid, 'g.json'))
    const w = widthSettings(space.minitron!.grid, space.minitron!.parent).find((s) => s.hidden === 3072 && s.ffn === 12288 && s.mamba?.groups === 8 && s.mamba.headsPerGroup === 14)
    expect(w).toBeDefined()
    const pruned = prunedArchitecture(nh8b, w!)
    expect(pruned.layers).toEqual(nh4b.layers)
    expect(pruned.embedding).toEqual(nh4b.embedding)
    // param_count_computed 4.49e9 in ../shared/reference/models/nemotron_h_4b.json (the HF model card says 4B).
    expect(architectureParams(pruned) / 4.49e9).toBeCloseTo(1, 2)
  })

  it('does not hold the 4B in its default grid: its FFN, 12288, is 4/7 of the 8B’s, between the 5/8 and 4/8 steps', () => {
    const grid = defaultMinitronGrid(parent)
    expect(grid.hidden).toContain(3072)
    expect(grid.mambaHeadsPerGroup).toContain(14)
    expect(grid.ffn).not.toContain(12288)
  })

  it('offers each Nemotron-H layer kept or dropped whole', () => {
    const menus = depthLayers(nh8b, true)
    expect(menus[0]!.mixers.map((m) => m.id)).toEqual(['keep:mamba2', 'drop'])
    expect(menus[0]!.ffns.map((f) => f.id)).toEqual(['none'])
    expect(menus[1]!.mixers.map((m) => m.id)).toEqual(['none'])
    expect(menus[1]!.ffns.map((f) => f.id)).toEqual(['keep:ffn', 'drop'])
    expect(depthLayers(nh8b, false)[7]!.mixers.map((m) => m.id)).toEqual(['keep:attention'])
  })

  it('rejects a grid that widens or leaves out the parent, in one line naming the axis', () => {
    const grid = defaultMinitronGrid(parent)
    const wide = checkGrid({ ...grid, hidden: [4096, 5120] }, parent, 'g.json')
    expect(Result.isFailure(wide) && wide.failure.message).toBe("invalid g.json: hidden: 5120 (expected an integer from 1 to the parent's 4096; pruning never widens)")
    const noParent = checkGrid({ ...grid, ffn: [12288] }, parent, 'g.json')
    expect(Result.isFailure(noParent) && noParent.failure.message).toBe("invalid g.json: ffn: must include the parent's 21504, so that the parent is in the space")
    const garbage = minitronGridFile('g.json', nh8b, { minitron: { hidden: 'all' } })
    expect(Result.isFailure(garbage) && garbage.failure.message).toMatch(/^invalid g\.json: /)
  })

  it('refuses a parent with more than one FFN width', () => {
    const llama = Result.getOrThrow(presetArchitecture('llama-3.1-8b'))
    const uneven = { ...llama, layers: llama.layers.map((l, i) => (i === 3 && l.ffn.type === 'ffn' ? { ...l, ffn: { ...l.ffn, intermediate: 1024 } } : l)) }
    const r = minitronSpace(uneven, undefined)
    expect(Result.isFailure(r) && r.failure.message).toMatch(/^invalid --space minitron: parent .*: FFN widths differ \(14336 and 1024 in layer 3\)/)
    // A uniform transformer works: no Mamba axes.
    expect(Result.getOrThrow(minitronSpace(llama, undefined)).minitron!.grid.mambaGroups).toEqual([])
  })
})
