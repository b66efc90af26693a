import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { weightGemm } from '../blocks/kernels.ts'
import { bf16Everywhere, type PrecisionConfig } from '../blocks/precision.ts'
import { deployment } from './deployment.ts'
import { datasheetEfficiency, datasheetFractions } from './efficiency.ts'
import { gemmSplitK, gemmTileEfficiency, gemmTiles, gemmWaves } from './gemm-shape.ts'
import { gpus } from './hardware/gpu.ts'
import { systems } from './hardware/system.ts'
import { kernelTiming } from './roofline.ts'

const fp8: PrecisionConfig = { weights: 'fp8', activations: 'fp8', kv: 'fp8' }
const dim = fc.integer({ min: 1, max: 40_000 })

describe('gemmTileEfficiency', () => {
  it('matches hand-counted tiles and waves', () => {
    // Llama-3.1-70B gate+up at TP4 in a batch-384 decode step: M 384, N 2·28672/4 = 14336 on 132 SMs.
    // 3 × 112 = 336 tiles take 3 waves (396 slots); 384·14336 / (396·128·128) = 0.8485.
    expect(gemmTiles(384, 14336)).toBe(336)
    expect(gemmWaves({ m: 384, n: 14336, k: 8192 }, 132)).toBe(3)
    expect(gemmTileEfficiency({ m: 384, n: 14336, k: 8192 }, 132)).toBeCloseTo(0.8485, 4)
    // One tile more than there are SMs takes a second wave: 133 tiles, 264 slots.
    expect(gemmTileEfficiency({ m: 128, n: 133 * 128, k: 4096 }, 132)).toBeCloseTo(133 / 264, 12)
    // A 16-token GEMM of 8 tiles splits K 16 ways over the idle SMs: 16 · 16·1024 / (132·128·128).
    expect(gemmSplitK({ m: 16, n: 1024, k: 8192 }, 132)).toBe(16)
    expect(gemmTileEfficiency({ m: 16, n: 1024, k: 8192 }, 132)).toBeCloseTo((16 * 16 * 1024) / (132 * 128 * 128), 12)
    // Whole waves of whole tiles waste nothing: 132 tiles of 128 × 128.
    expect(gemmTileEfficiency({ m: 128 * 12, n: 128 * 11, k: 1024 }, 132)).toBe(1)
  })

  it('lies in (0, 1] for every shape and SM count', () => {
    fc.assert(
      fc.property(dim, dim, dim, fc.constantFrom(108, 114, 132, 148), (m, n, k, sms) => {
        const e = gemmTileEfficiency({ m, n, k }, sms)
        expect(e).toBeGreaterThan(0)
        expect(e).toBeLessThanOrEqual(1 + 1e-12)
      }),
    )
  })
})

describe('the datasheet GEMM time with tiles and waves', () => {
  const gemmSeconds = (gpu: keyof typeof systems, m: number, n: number, k: number, precision: PrecisionConfig) =>
    kernelTiming(weightGemm('g', m, n, k, precision), deployment(systems[gpu], precision)).seconds

  it('never falls as M, N or K grows, although the efficiency per FLOP is not monotone in N', () => {
    // Efficiency is not monotone: 132 tiles fill one wave, 133 need two.
    expect(gemmTileEfficiency({ m: 128, n: 133 * 128, k: 64 }, 132)).toBeLessThan(gemmTileEfficiency({ m: 128, n: 132 * 128, k: 64 }, 132))
    fc.assert(
      fc.property(
        fc.constantFrom('h100-sxm', 'h100-pcie', 'h200', 'a100', 'b200' as const),
        fc.constantFrom(bf16Everywhere, fp8),
        dim,
        dim,
        dim,
        fc.integer({ min: 1, max: 5000 }),
        fc.constantFrom('m', 'n', 'k'),
        (gpu, precision, m, n, k, grow, axis) => {
          if (gpu === 'a100' && precision === fp8) return
          const bigger = { m, n, k, [axis]: { m, n, k }[axis] + grow }
          expect(gemmSeconds(gpu, bigger.m, bigger.n, bigger.k, precision)).toBeGreaterThanOrEqual(gemmSeconds(gpu, m, n, k, precision) * (1 - 1e-12))
        },
      ),
    )
  })

  it('is never faster than the roofline at the large-GEMM fraction, and equal to it on whole waves', () => {
    const peak = gpus['h100-sxm'].denseFlops.bf16
    const rooflineCompute = (m: number, n: number, k: number) => (2 * m * n * k) / (peak * datasheetFractions.gemm.compute)
    fc.assert(
      fc.property(dim, dim, dim, (m, n, k) => {
        const t = kernelTiming(weightGemm('g', m, n, k, bf16Everywhere), deployment(systems['h100-sxm'], bf16Everywhere))
        expect(t.computeSeconds).toBeGreaterThanOrEqual(rooflineCompute(m, n, k) * (1 - 1e-12))
      }),
    )
    const whole = kernelTiming(weightGemm('g', 128 * 12, 128 * 11, 8192, bf16Everywhere), deployment(systems['h100-sxm'], bf16Everywhere))
    expect(whole.computeSeconds).toBeCloseTo(rooflineCompute(128 * 12, 128 * 11, 8192), 15)
  })

  it('charges the 70B’s TP4 gate+up in a batch-384 fp8 decode step its three waves', () => {
    // 2·384·14336·8192 FLOPs at 68% of the H100's 1979 TFLOP/s fp8 peak (efficiency.ts), over 0.8485 tile efficiency.
    const t = kernelTiming(weightGemm('gate_up', 384, 14336, 8192, fp8), deployment(systems['h100-sxm'], fp8))
    const expected = (2 * 384 * 14336 * 8192) / (1979e12 * 0.68 * ((384 * 14336) / (3 * 132 * 128 * 128)))
    expect(t.computeSeconds).toBeCloseTo(expected, 12)
    expect(t.computeSeconds * 1e6).toBeCloseTo(79.0, 0)
  })

  it('leaves kernels priced without a GPU at the large-shape fraction', () => {
    expect(datasheetEfficiency.computeFraction(weightGemm('g', 1, 1, 1, bf16Everywhere))).toBe(datasheetFractions.gemm.compute)
  })
})
