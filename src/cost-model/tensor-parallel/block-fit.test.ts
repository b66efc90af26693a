import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import type { BlockSpec } from '../../blocks/spec.ts'
import { allReduceModelFor } from '../all-reduce-figures.ts'
import { seededRandom } from '../../random.ts'
import { datasheetEfficiency } from '../efficiency.ts'
import { fitTpGemm, heldOutTpBlocks, heldOutTpSummary, predictTpRowUs, tpGemmEfficiency, type TpGemmParameters } from './block-fit.ts'
import { parseTpBlockLine, type TpBlockRow } from './measurements.ts'

const allReduce = allReduceModelFor(900e9)
const options = { base: datasheetEfficiency, allReduce }
const truth: TpGemmParameters = { computeFraction: 0.7, bandwidthFraction: 0.72, overheadUs: 4 }

/** TP-split blocks of Llama-like widths at TP 2, 4 and 8, prefill and decode, bf16 and fp8, timed by `truth` with seeded 2% log-normal noise. */
function syntheticTpRows(seed: number, sigma: number): TpBlockRow[] {
  const random = seededRandom(seed)
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const rows: TpBlockRow[] = []
  const eff = tpGemmEfficiency(datasheetEfficiency, truth, 'truth')
  for (let i = 0; i < 120; i++) {
    const hidden = pick([2048, 3072, 4096, 5120, 8192])
    const block: BlockSpec = pick<BlockSpec>([
      { type: 'attention', hidden, heads: hidden / 128, kvHeads: 8, headDim: 128 },
      { type: 'ffn', hidden, intermediate: pick([2, 3.5, 4]) * hidden, activation: 'swiglu' },
      { type: 'linear', hidden },
    ])
    const tp = pick([2, 4, 8])
    const dtype = pick(['bf16', 'fp8'] as const)
    const batch = pick([1, 4, 16, 64, 256])
    const shape = random() < 0.5 ? ({ phase: 'prefill', seqLen: pick([128, 512, 2048]) } as const) : ({ phase: 'decode', contextLen: pick([512, 4096]) } as const)
    const row: TpBlockRow = {
      id: `synthetic-${i}-${dtype}`,
      gpu: 'h200',
      dtype,
      block,
      batch,
      ...shape,
      measuredUs: 1,
      gpuName: 'NVIDIA H200',
      torch: 'synthetic',
      date: '2026-12-01',
      impl: 'synthetic',
      tp,
      allreduceUs: 1,
      nccl: 'synthetic',
      nvls: false,
    }
    rows.push({ ...row, measuredUs: predictTpRowUs(row, eff, allReduce) * Math.exp(sigma * gaussian()) })
  }
  return rows
}

describe('the TP-split GEMM fit', () => {
  it('recovers known compute and bandwidth fractions and overhead from noisy synthetic rows', () => {
    const fitted = fitTpGemm(syntheticTpRows(7, 0.02), options)
    expect(fitted.computeFraction).toBeCloseTo(truth.computeFraction, 1)
    expect(Math.abs(fitted.computeFraction / truth.computeFraction - 1)).toBeLessThan(0.03)
    expect(Math.abs(fitted.bandwidthFraction / truth.bandwidthFraction - 1)).toBeLessThan(0.03)
    expect(Math.abs(fitted.overheadUs - truth.overheadUs)).toBeLessThan(1)
  })

  it('reports held-out errors within the issue’s targets (median ≤ 5%, p90 ≤ 12%) on rows the model can describe', () => {
    // The same code that would report the error of measured rows (experiments/tensor-parallel/fit-tp-blocks.ts).
    const summary = heldOutTpSummary(heldOutTpBlocks(syntheticTpRows(11, 0.02), options))
    expect(summary.rows).toBe(120)
    expect(summary.medianApe).toBeLessThanOrEqual(5)
    expect(summary.p90Ape).toBeLessThanOrEqual(12)
  })

  it('leaves the starting point where rows already agree with it', () => {
    const start = { computeFraction: 0.8, bandwidthFraction: 0.55, overheadUs: 2 }
    const eff = tpGemmEfficiency(datasheetEfficiency, start, 'start')
    const rows = syntheticTpRows(3, 0).map((r) => ({ ...r, measuredUs: predictTpRowUs(r, eff, allReduce) }))
    const fitted = fitTpGemm(rows, options)
    expect(fitted.computeFraction).toBeCloseTo(0.8, 6)
    expect(fitted.bandwidthFraction).toBeCloseTo(0.55, 6)
  })
})

describe('TP block rows', () => {
  const row = {
    id: 'ffn-decode-0123456789-bf16-tp4',
    gpu: 'h200',
    dtype: 'bf16',
    block: { type: 'ffn', hidden: 8192, intermediate: 28672, activation: 'swiglu' },
    phase: 'decode',
    batch: 64,
    contextLen: 4096,
    measuredUs: 80.5,
    gpuName: 'NVIDIA H200',
    torch: '2.11.0+cu130',
    date: '2026-12-01',
    impl: 'torch.matmul; NCCL all-reduce in the graph',
    reps: 64,
    copies: 4,
    replays: 50,
    iqrUs: 0.4,
    tp: 4,
    allreduceUs: 12.1,
    nccl: '2.28.9',
    nvls: false,
  }
  it('decode a profiler line as a predict query plus its degree, and name the field of a bad one', () => {
    const ok = parseTpBlockLine(JSON.stringify(row), 1, 'tp.jsonl')
    expect(Result.isSuccess(ok) && ok.success.tp).toBe(4)
    const bad = parseTpBlockLine(JSON.stringify({ ...row, tp: 1 }), 2, 'tp.jsonl')
    expect(Result.isFailure(bad) && bad.failure.message).toMatch(/tp\.jsonl line 2: tp/)
    const noAr = parseTpBlockLine(JSON.stringify({ ...row, allreduceUs: -1 }), 3, 'tp.jsonl')
    expect(Result.isFailure(noAr) && noAr.failure.message).toMatch(/line 3: allreduceUs/)
  })
})
