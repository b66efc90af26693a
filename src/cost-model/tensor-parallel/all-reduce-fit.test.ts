import fc from 'fast-check'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { allReduceSeconds } from '../all-reduce.ts'
import { allReduceModelFor, plainNcclModelFor } from '../all-reduce-figures.ts'
import { seededRandom } from '../../random.ts'
import { fitAllReduceModel, heldOutAllReduce, heldOutAllReduceSummary, monotoneFit, type AllReduceTiming } from './all-reduce-fit.ts'
import { parseAllReduceLine, parseLines } from './measurements.ts'

/** Sizes as the profiler sweeps them: four per octave from 4 KiB to 256 MiB (allreduce_grid.py). */
const sizes = Array.from({ length: 16 * 4 + 1 }, (_, i) => Math.round(4096 * 2 ** (i / 4)))

/** Rows timed by a known model, each with seeded log-normal noise of `sigma`, `repeats` per size. */
function syntheticRows(model: ReturnType<typeof allReduceModelFor>, sigma: number, repeats: number, seed: number): AllReduceTiming[] {
  const random = seededRandom(seed)
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  return [2, 4, 8].flatMap((ranks) =>
    sizes.flatMap((bytes) => Array.from({ length: repeats }, () => ({ ranks, bytes, measuredUs: allReduceSeconds(model, bytes, ranks) * 1e6 * Math.exp(sigma * gaussian()) }))),
  )
}

describe('monotoneFit', () => {
  it('never falls, keeps a rising sequence, and pools a dip into its weighted mean', () => {
    expect(monotoneFit([1, 2, 3], [1, 1, 1])).toEqual([1, 2, 3])
    expect(monotoneFit([1, 3, 2, 4], [1, 1, 1, 1])).toEqual([1, 2.5, 2.5, 4])
    expect(monotoneFit([3, 1], [1, 3])).toEqual([1.5, 1.5])
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.1, max: 100, noNaN: true }), { minLength: 1, maxLength: 30 }), (values) => {
        const fit = monotoneFit(values, values.map(() => 1))
        expect(fit).toHaveLength(values.length)
        for (let i = 1; i < fit.length; i++) expect(fit[i]!).toBeGreaterThanOrEqual(fit[i - 1]! - 1e-12)
        // Pooling keeps the total.
        expect(fit.reduce((a, b) => a + b, 0)).toBeCloseTo(values.reduce((a, b) => a + b, 0), 8)
      }),
    )
  })
})

describe('the all-reduce fit', () => {
  it('recovers a known model from noisy rows: within 5% at every size (the median of 3 draws at 3% noise), held-out median under 10%', () => {
    for (const truth of [allReduceModelFor(900e9), plainNcclModelFor(900e9)]) {
      const rows = syntheticRows(truth, 0.03, 3, 16)
      const fitted = fitAllReduceModel(rows, 'synthetic')
      expect(fitted.curves.map((c) => c.ranks)).toEqual([2, 4, 8])
      for (const ranks of [2, 4, 8]) {
        for (const bytes of [6000, 100_000, 3e6, 5e7, 2e8]) {
          const rel = Math.abs(allReduceSeconds(fitted, bytes, ranks) / allReduceSeconds(truth, bytes, ranks) - 1)
          expect(rel).toBeLessThan(0.05)
        }
      }
      // The same code that reports the held-out error of measured rows (experiments/tensor-parallel/fit-allreduce.ts).
      const summary = heldOutAllReduceSummary(heldOutAllReduce(rows))
      expect(summary.all.rows).toBe(3 * 63 * 3)
      expect(summary.all.medianApe).toBeLessThan(10)
      // With 3% noise on single rows, the median error cannot be much below the noise's own median, 0.67 × 3%.
      expect(summary.all.medianApe).toBeGreaterThan(1)
    }
  })

  it('holds out nothing at the ends and predicts noise-free rows almost exactly', () => {
    const rows = syntheticRows(allReduceModelFor(900e9), 0, 1, 1)
    const held = heldOutAllReduce(rows)
    expect(held.some((p) => p.row.bytes === sizes[0] || p.row.bytes === sizes[sizes.length - 1])).toBe(false)
    expect(heldOutAllReduceSummary(held).all.medianApe).toBeLessThan(2)
  })
})

describe('all-reduce rows', () => {
  const good = {
    id: 'allreduce-graph-bf16-4-1048576',
    kind: 'allreduce',
    ranks: 4,
    bytes: 1048576,
    dtype: 'bf16',
    mode: 'graph',
    measuredUs: 15.2,
    gpu: 'h200',
    gpuName: 'NVIDIA H200',
    torch: '2.11.0+cu130',
    nccl: '2.28.9',
    date: '2026-12-01',
    nvls: false,
  }
  it('decode a profiler line and name the field of a bad one', () => {
    const ok = parseAllReduceLine(JSON.stringify(good), 1, 'ar.jsonl')
    expect(Result.isSuccess(ok)).toBe(true)
    const bad = parseLines(`${JSON.stringify(good)}\n${JSON.stringify({ ...good, ranks: 1 })}\n`, 'ar.jsonl', parseAllReduceLine)
    expect(Result.isFailure(bad) && bad.failure.message).toMatch(/ar\.jsonl line 2: ranks/)
    const gpu = parseAllReduceLine(JSON.stringify({ ...good, gpu: 'tpu' }), 3, 'ar.jsonl')
    expect(Result.isFailure(gpu) && gpu.failure.message).toMatch(/line 3: gpu/)
    expect(Result.isFailure(parseAllReduceLine('{', 4, 'ar.jsonl'))).toBe(true)
  })
})
