import * as Result from 'effect/Result'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { findSystem } from '../hardware/lookup.ts'
import { calibratedEfficiency } from './calibrated-efficiency.ts'
import { predictedSeconds } from './fit.ts'
import { foldOf, foldOfKey, shapeKey } from './folds.ts'
import { parseModelSteps, prepareStepRows, type ModelCase } from './model-steps.ts'
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

describe('runCalibration with whole-model steps', () => {
  it('holds every step of one model out together, predicts it from that fold, and records the steps and launch costs', () => {
    const truth = { bf16: startingParameters('bf16') }
    const blocks = syntheticRows(truth, { seed: 5, perGroup: 6, types: ['linear', 'ffn'], noise: 0.02 })
    const model = (id: string, hidden: number, layers: number): ModelCase => ({
      id,
      origin: 'random',
      parent: 'p',
      architecture: {
        name: id,
        hidden,
        embedding: { vocabSize: 32000, hidden, tied: true },
        layers: Array.from({ length: layers }, () => ({ mixer: { type: 'linear', hidden }, ffn: { type: 'ffn', hidden, intermediate: 4 * hidden, activation: 'swiglu' } }) as const),
      },
      scenarios: [{ id: 's', batch: 4, input: 256, output: 16 }],
    })
    const models = [model('a', 1024, 4), model('b', 2048, 3), model('c', 1536, 6), model('d', 3072, 2)]
    const system = Result.getOrThrow(findSystem('h200'))
    const truthModel = calibratedEfficiency({ name: 'truth', parameters: truth })
    const lines = models.flatMap((m) =>
      [{ phase: 'prefill', seqLen: 256 }, { phase: 'decode', contextLen: 260 }].map((shape) => ({ kind: 'model-step', model: m.id, scenario: 's', gpu: 'h200', dtype: 'bf16', batch: 4, measuredUs: 1, noSleepUs: 31, torch: 't', date: 'd', ...shape })),
    )
    // Each step measured as the truth predicts it: a fit that finds the truth predicts held-out steps exactly.
    const unpriced = prepareStepRows(parseModelSteps(lines.map((l) => JSON.stringify(l)).join('\n'), 'steps'), models)
    const rows = unpriced.map((r) => {
      const us = predictedSeconds(r, system, truthModel) * 1e6
      return { ...r, measuredSeconds: us * 1e-6, step: { ...r.step, measuredUs: us, noSleepUs: us + 30 } }
    })
    const run = runCalibration(blocks, { name: 'test', folds: 3, source: { file: 'synthetic' }, created: '2026-01-01', modelSteps: { rows, file: 'steps', cases: 'cases' } })
    expect(run.steps.map((s) => s.fold)).toEqual(rows.map((r) => foldOfKey(r.model.id, 3)))
    for (const s of run.steps) expect(Math.abs(s.heldOutSeconds / s.row.measuredSeconds - 1)).toBeLessThan(0.1)
    expect(run.calibration.modelSteps).toMatchObject({ rows: 8, models: 4 })
    expect(run.calibration.step?.graphLaunchUs).toBeCloseTo(30, 6)
    expect(run.foldCalibrations).toHaveLength(3)
  })
})
