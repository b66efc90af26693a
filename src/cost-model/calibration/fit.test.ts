import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { systems } from '../hardware/system.ts'
import { calibratedEfficiency } from './calibrated-efficiency.ts'
import { quantileSorted } from './error-stats.ts'
import { fitParameters, fitStages, predictedSeconds, prepareRow } from './fit.ts'
import type { PrecisionParameters } from './parameters.ts'
import { startingParameters } from './starting-point.ts'
import { syntheticRows } from './testing/synthetic-rows.ts'

/** A plausible parameter set: ranges around what H100/H200-class kernels reach, so that every parameter shows in some rows. */
const truthArbitrary = fc
  .record({
    gemmCompute: fc.double({ min: 0.5, max: 0.85, noNaN: true }),
    halfM: fc.double({ min: 8, max: 96, noNaN: true }),
    halfK: fc.double({ min: 50, max: 600, noNaN: true }),
    gemmBandwidth: fc.double({ min: 0.6, max: 0.95, noNaN: true }),
    halfTiles: fc.double({ min: 4, max: 60, noNaN: true }),
    gemmOverhead: fc.double({ min: 1, max: 8, noNaN: true }),
    attnCompute: fc.double({ min: 0.4, max: 0.8, noNaN: true }),
    speed64: fc.double({ min: 0.7, max: 1.1, noNaN: true }),
    speed256: fc.double({ min: 0.7, max: 1.1, noNaN: true }),
    decodeCompute: fc.double({ min: 0.06, max: 0.2, noNaN: true }),
    decodeBandwidth: fc.double({ min: 0.6, max: 0.95, noNaN: true }),
    attnOverhead: fc.double({ min: 2, max: 12, noNaN: true }),
    elementBandwidth: fc.double({ min: 0.6, max: 0.95, noNaN: true }),
    elementOverhead: fc.double({ min: 0.5, max: 4, noNaN: true }),
  })
  .map((t): PrecisionParameters => {
    const start = startingParameters('bf16', [64, 256])
    return {
      ...start,
      gemm: {
        computeFraction: t.gemmCompute,
        halfComputeTokens: t.halfM,
        halfComputeInputs: t.halfK,
        bandwidthFraction: t.gemmBandwidth,
        halfBandwidthTiles: t.halfTiles,
        overheadUs: t.gemmOverhead,
      },
      attentionPrefill: { ...start.attentionPrefill, computeFraction: t.attnCompute, headDimSpeeds: { 64: t.speed64, 256: t.speed256 }, overheadUs: t.attnOverhead },
      attentionDecode: {
        computeFraction: t.decodeCompute,
        bandwidthFraction: t.decodeBandwidth,
        headDimComputeSpeeds: { 64: t.speed256, 256: t.speed64 },
        headDimBandwidthSpeeds: { 64: t.speed64, 256: t.speed256 },
        overheadUs: t.attnOverhead,
      },
      elementwise: { bandwidthFraction: t.elementBandwidth, overheadUs: t.elementOverhead },
    }
  })

const types = ['attention', 'linear', 'ffn'] as const

describe('fitParameters', () => {
  // A parameter no row binds (say, decode compute speed at a head dim whose rows are all
  // memory-bound) is only bounded by the rows, so unseen shapes are checked in the bulk, not exactly.
  it('recovers known parameters: the rows’ times exactly, 90% of unseen shapes’ to 1%, and the well-determined parameters themselves', () => {
    fc.assert(
      fc.property(truthArbitrary, fc.integer({ min: 1, max: 1000 }), (truth, seed) => {
        const rows = syntheticRows({ bf16: truth }, { seed, perGroup: 30, types }).map(prepareRow)
        const fitted = fitParameters(rows, systems.h200).parameters
        const model = calibratedEfficiency({ name: 'fitted', parameters: fitted })
        const truthModel = calibratedEfficiency({ name: 'truth', parameters: { bf16: truth } })
        const ratio = (row: (typeof rows)[number]) => predictedSeconds(row, systems.h200, model) / predictedSeconds(row, systems.h200, truthModel)
        for (const row of rows) expect(Math.abs(ratio(row) - 1)).toBeLessThan(1e-4)
        const unseen = syntheticRows({ bf16: truth }, { seed: seed + 1, perGroup: 10, types }).map((m) => Math.abs(ratio(prepareRow(m)) - 1))
        expect(quantileSorted(unseen.sort((a, b) => a - b), 0.9)).toBeLessThan(0.01)
        const f = fitted.bf16!
        expect(f.gemm.computeFraction).toBeCloseTo(truth.gemm.computeFraction, 2)
        expect(f.attentionPrefill.computeFraction).toBeCloseTo(truth.attentionPrefill.computeFraction, 2)
        expect(f.attentionDecode.bandwidthFraction).toBeCloseTo(truth.attentionDecode.bandwidthFraction, 2)
      }),
      { numRuns: 6, seed: 2026 },
    )
  })

  it('gives the same parameters for the same rows', () => {
    const rows = syntheticRows({ bf16: startingParameters('bf16', [64, 256]) }, { seed: 7, perGroup: 8, types, noise: 0.05 }).map(prepareRow)
    expect(fitParameters(rows, systems.h200)).toEqual(fitParameters(rows, systems.h200))
  })
})

describe('fitStages', () => {
  it('fits GEMM and element-wise on linear and FFN blocks first, then attention on attention blocks, then scans', () => {
    const rows = syntheticRows({ bf16: startingParameters('bf16') }, { seed: 3, perGroup: 2 }).map(prepareRow)
    const stages = fitStages(rows)
    expect(stages.map((s) => s.families)).toEqual([['gemm', 'elementwise'], ['attentionPrefill'], ['attentionDecode'], ['scanPrefill'], ['scanDecode']])
    expect(new Set(stages[0]!.rows.map((r) => r.measurement.block.type))).toEqual(new Set(['linear', 'ffn']))
    expect(new Set(stages[1]!.rows.map((r) => r.measurement.block.type))).toEqual(new Set(['linear', 'ffn', 'attention']))
  })
})

describe('fitParameters on fp8 Mamba-2 rows', () => {
  // The SSM scans run at bf16 next to fp8 GEMMs (scanPrecision), so the fp8 rows' scans are timed with the bf16 parameters.
  const truth = { bf16: startingParameters('bf16'), fp8: startingParameters('fp8') }
  const rows = syntheticRows(truth, { seed: 5, perGroup: 4, types: ['ffn', 'mamba2'], dtypes: ['bf16', 'fp8'] }).map(prepareRow)
  const fp8Rows = rows.filter((r) => r.dtype === 'fp8')

  it('fits no fp8 scan parameters: they stay unconstrained, and the rows are reproduced with the bf16 ones', () => {
    expect(fitStages(fp8Rows).flatMap((s) => s.families)).toEqual(['gemm', 'elementwise'])
    const fit = fitParameters(rows, systems.h200)
    expect(fit.unconstrained).toEqual(expect.arrayContaining(['fp8.scanPrefill.computeFraction', 'fp8.scanDecode.bandwidthFraction']))
    const model = calibratedEfficiency({ name: 'fitted', parameters: fit.parameters })
    for (const row of fp8Rows) expect(predictedSeconds(row, systems.h200, model) / row.measuredSeconds).toBeCloseTo(1, 3)
  })

  it('refuses fp8 Mamba-2 rows without bf16 rows to fit their scans, naming the measurements', () => {
    expect(() => fitParameters(fp8Rows, systems.h200)).toThrow(/measurements: the fp8 rows run kernels at bf16 .*measure bf16 blocks too/)
  })
})
