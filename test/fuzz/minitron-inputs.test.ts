/**
 * Fuzzing the Minitron space's inputs, as fuzz.test.ts does the others: per-axis
 * score files and grid files give finite, non-negative losses and valid grids,
 * or one line naming the row or field. `npm run fuzz` runs it at 5,000 cases.
 */
import fc from 'fast-check'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { isUserError } from '../../src/errors.ts'
import { presetArchitecture } from '../../src/io/presets.ts'
import { minitronGridFile } from '../../src/search/pipeline/minitron-options.ts'
import { measuredWidthQuality, parseAxisScores } from '../../src/search/quality/minitron-quality.ts'
import { minitronSpace, prunedArchitecture, settingProblem, widthSettings } from '../../src/search/space/minitron.ts'

const runs = Number(process.env.FUZZ_RUNS ?? 150)
const seed = Number(process.env.FUZZ_SEED ?? 20261201)
const params = { numRuns: runs, seed }

function expectOneLineUserError(e: unknown): void {
  expect(isUserError(e)).toBe(true)
  const message = (e as Error).message
  expect(message.split('\n')).toHaveLength(1)
  expect(message).toMatch(/^invalid /)
}

const nh8b = Result.getOrThrow(presetArchitecture('nemotron-h-8b'))

describe('fuzz: Minitron per-axis score files', () => {
  const cell = fc.oneof(fc.constantFrom('0.01', '0', '-0.2', '', ' ', '0x10', '1e999', 'nan', '1e-3'), fc.double({ noNaN: false }).map(String))
  const value = fc.oneof(fc.constantFrom('3072', '12288', '8x14', '8x14x64', '8×14', 'x', '', '-1', '0', '1.5', '17'), fc.nat(60000).map(String))
  it('give finite, non-negative losses or fail in one line naming the row and field', () => {
    const space = Result.getOrThrow(minitronSpace(nh8b, undefined))
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('hidden', 'ffn', 'mamba', 'drop', 'width', ''), value, cell), { maxLength: 8 }), (rows) => {
        const text = ['axis,value,kl_div', ...rows.map((r) => r.join(','))].join('\n')
        const r = parseAxisScores(text, 'scores.csv')
        if (Result.isFailure(r)) return expectOneLineUserError(r.failure)
        for (const m of r.success.rows.values()) for (const v of Object.values(m)) expect(Number.isFinite(v) && v >= 0).toBe(true)
        const q = measuredWidthQuality(r.success, nh8b, space.minitron!)
        if (Result.isFailure(q)) expectOneLineUserError(q.failure)
      }),
      params,
    )
  })
})

describe('fuzz: Minitron grid files', () => {
  const widths = fc.array(fc.oneof(fc.constantFrom(4096, 3072, 21504, 12288, 8, 14, 16, 64, 0, -1, 1.5, 1e9), fc.nat(30000)), { maxLength: 4 })
  it('give grids whose every setting prunes the parent into valid blocks, or fail in one line', () => {
    fc.assert(
      fc.property(
        fc.record({ hidden: widths, ffn: widths, mambaGroups: widths, mambaHeadsPerGroup: widths, mambaHeadDim: widths, depth: fc.boolean() }, { requiredKeys: [] }),
        (grid) => {
          const g = minitronGridFile('grid.json', nh8b, { minitron: grid })
          if (Result.isFailure(g)) return expectOneLineUserError(g.failure)
          const space = minitronSpace(nh8b, g.success, 'grid.json')
          if (Result.isFailure(space)) return expectOneLineUserError(space.failure)
          const plan = space.success.minitron!
          for (const w of widthSettings(plan.grid, plan.parent).slice(0, 20)) {
            const problem = settingProblem(nh8b, w, 1)
            if (problem !== undefined) continue
            const pruned = prunedArchitecture(nh8b, w)
            for (const l of pruned.layers) for (const b of [l.mixer, l.ffn]) expect(b.hidden).toBe(w.hidden)
          }
        },
      ),
      params,
    )
  })
})
