import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { foldOf, shapeKey } from './folds.ts'
import { runCalibration } from './fit-calibration.ts'
import { startingParameters } from './starting-point.ts'
import { syntheticRows } from './testing/synthetic-rows.ts'

describe('shapeKey', () => {
  it('names a block spec whatever the order of its fields', () => {
    expect(shapeKey({ type: 'ffn', hidden: 4096, intermediate: 14336, activation: 'swiglu' })).toBe(
      shapeKey({ activation: 'swiglu', intermediate: 14336, hidden: 4096, type: 'ffn' }),
    )
    expect(shapeKey({ type: 'linear', hidden: 4096 })).not.toBe(shapeKey({ type: 'linear', hidden: 4097 }))
  })
})

describe('foldOf', () => {
  it('puts every row of one block shape in the same fold, so a held-out shape is never also fitted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 2, max: 10 }), (seed, folds) => {
        const rows = syntheticRows({ bf16: startingParameters('bf16'), fp8: startingParameters('fp8') }, { seed, perGroup: 3, dtypes: ['bf16', 'fp8'] })
        for (let fold = 0; fold < folds; fold++) {
          const train = new Set(rows.filter((r) => foldOf(r.block, folds) !== fold).map((r) => shapeKey(r.block)))
          const heldOut = rows.filter((r) => foldOf(r.block, folds) === fold).map((r) => shapeKey(r.block))
          for (const key of heldOut) expect(train.has(key)).toBe(false)
        }
      }),
      { numRuns: 30, seed: 2026 },
    )
  })

  it('spreads shapes over all folds', () => {
    const counts = new Array<number>(5).fill(0)
    for (let hidden = 64; hidden <= 64 * 500; hidden += 64) counts[foldOf({ type: 'linear', hidden }, 5)]!++
    for (const c of counts) expect(c).toBeGreaterThan(60)
  })
})

describe('runCalibration', () => {
  it('predicts each row from the fit of the one fold that held its shape out', () => {
    const rows = syntheticRows({ bf16: startingParameters('bf16') }, { seed: 11, perGroup: 6, types: ['linear', 'ffn'], noise: 0.02 })
    const fits: unknown[] = []
    const run = runCalibration(rows, { name: 'test', folds: 3, source: { file: 'synthetic' }, created: '2026-01-01', onFit: (f) => fits.push(f) })
    // Progress: one fit per fold, then the fit on every row.
    expect(fits).toEqual([
      { index: 1, count: 4, heldOutFold: 1 },
      { index: 2, count: 4, heldOutFold: 2 },
      { index: 3, count: 4, heldOutFold: 3 },
      { index: 4, count: 4 },
    ])
    expect(run.rows.map((r) => r.fold)).toEqual(rows.map((r) => foldOf(r.block, 3)))
    expect(run.calibration.fit.heldOut.rows).toBe(rows.length)
    for (const r of run.rows) expect(Number.isFinite(r.heldOutUs)).toBe(true)
  })
})
