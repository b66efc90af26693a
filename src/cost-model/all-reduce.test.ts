import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { allReduceCurve, allReduceSeconds, busBandwidth, curveFor, curveProblem, curveSeconds, ringFactor, type AllReduceModel } from './all-reduce.ts'
import { allReduceModelFor, engineCurves, figuresNvlinkBandwidth, plainNcclCurves, plainNcclModelFor } from './all-reduce-figures.ts'

const KiB = 1024
const MiB = 1024 * KiB
const GiB = 1024 * MiB
const h100 = allReduceModelFor(900e9)
const nccl = plainNcclModelFor(900e9)
const within = (actual: number, expected: number, rel: number) => expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(rel)

describe('ringFactor and busBandwidth', () => {
  it('are nccl-tests’ 2(n−1)/n and bus bandwidth', () => {
    // nccl-tests doc/PERFORMANCE.md: busbw = algbw · 2(n−1)/n for all-reduce.
    expect(ringFactor(2)).toBe(1)
    expect(ringFactor(4)).toBe(1.5)
    expect(ringFactor(8)).toBe(1.75)
    // 8 ranks, 1 MiB in 41.7 µs is the reference's 44 GB/s.
    within(busBandwidth(MiB, 41.7e-6, 8), 44e9, 0.001)
  })
})

describe('the published curves', () => {
  it('are returned exactly at every cited point, for the engine and for plain NCCL', () => {
    for (const [model, curves] of [
      [h100, engineCurves],
      [nccl, plainNcclCurves],
    ] as const) {
      for (const c of curves) for (const p of c.points) within(allReduceSeconds(model, p.bytes, c.ranks), p.seconds, 1e-9)
    }
  })

  it('give the reference’s plain-NCCL bus bandwidths on 8× H100: 44 GB/s at 1 MB, 130 GB/s at 4 MB, 480 GB/s from 256 MB', () => {
    // ../shared/reference/README.md, "NCCL all-reduce on 8× H100" (nccl-tests #212 and #290, Azure guide).
    const bw = (bytes: number) => busBandwidth(bytes, allReduceSeconds(nccl, bytes, 8), 8)
    within(bw(MiB), 44e9, 0.001)
    within(bw(4 * MiB), 130e9, 0.001)
    within(bw(256 * MiB), 480e9, 0.001)
    within(bw(GiB), 480e9, 0.001)
    within(bw(4 * GiB), 480e9, 0.001)
  })

  it('keep the engine’s small messages at the 6–10 µs in-graph floor and plain NCCL’s in the reference’s 25–45 µs', () => {
    for (const ranks of [2, 4, 6, 8]) {
      for (const bytes of [64, 4 * KiB, 16 * KiB]) {
        const e = allReduceSeconds(h100, bytes, ranks)
        expect(e).toBeGreaterThanOrEqual(6e-6)
        expect(e).toBeLessThanOrEqual(10e-6)
      }
      const n = allReduceSeconds(nccl, 4 * KiB, ranks)
      expect(n).toBeGreaterThanOrEqual(25e-6 * (1 - 1e-9))
      expect(n).toBeLessThanOrEqual(45e-6)
    }
  })

  it('answer 2 ranks from the 4-rank curve at equal bus bandwidth, close to vLLM’s own TP=2 figure', () => {
    // vLLM PR #24111, H100 TP=2: ca_1stage 7 µs at 0.5 MiB; the 4-rank curve at equal bus bandwidth gives the 8 µs floor.
    expect(curveFor(h100, 2).ranks).toBe(4)
    within(allReduceSeconds(h100, 0.5 * MiB, 2), 7e-6, 0.15)
    // At 1 GiB both move at the 4-rank curve's 370 GB/s bus bandwidth: 2 ranks send 1/1.5 as much per byte.
    within(busBandwidth(GiB, allReduceSeconds(h100, GiB, 2), 2), 370e9, 1e-9)
  })

  it('charge an engine less than plain NCCL at every size a decode step sends', () => {
    for (const bytes of [4 * KiB, 64 * KiB, MiB, 6 * MiB, 32 * MiB]) expect(allReduceSeconds(h100, bytes, 8)).toBeLessThan(allReduceSeconds(nccl, bytes, 8))
  })

  it('scale message sizes, not the floor, with the NVLink bandwidth, and take forever without NVLink', () => {
    const b200 = allReduceModelFor(1800e9)
    expect(allReduceSeconds(b200, 4 * KiB, 8)).toBe(allReduceSeconds(h100, 4 * KiB, 8))
    within(allReduceSeconds(b200, 2 * GiB, 8), allReduceSeconds(h100, GiB, 8), 1e-9)
    expect(allReduceSeconds(allReduceModelFor(0), MiB, 2)).toBe(Number.POSITIVE_INFINITY)
    expect(figuresNvlinkBandwidth).toBe(900e9)
  })
})

describe('allReduceSeconds', () => {
  const models: readonly AllReduceModel[] = [h100, nccl, allReduceModelFor(600e9), allReduceModelFor(1800e9)]
  const size = fc.double({ min: 1, max: 4 * GiB, noNaN: true })

  it('never falls as the message grows, for every rank count and model', () => {
    fc.assert(
      fc.property(fc.constantFrom(...models), fc.integer({ min: 2, max: 8 }), size, size, (m, ranks, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a]
        expect(allReduceSeconds(m, lo, ranks)).toBeLessThanOrEqual(allReduceSeconds(m, hi, ranks) * (1 + 1e-12))
      }),
    )
  })

  it('never moves more than the largest published bus bandwidth, and is free on one GPU', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), size, (ranks, bytes) => {
        expect(busBandwidth(bytes, allReduceSeconds(h100, bytes, ranks), ranks)).toBeLessThanOrEqual(480e9 * (1 + 1e-9))
      }),
    )
    expect(allReduceSeconds(h100, GiB, 1)).toBe(0)
  })

  it('interpolates as a power law between points', () => {
    const c = allReduceCurve(2, [{ bytes: 1000, seconds: 1e-5 }, { bytes: 100_000, seconds: 1e-3 }], 'test')
    within(curveSeconds(c, 10_000), 1e-4, 1e-12)
    expect(curveSeconds(c, 10)).toBe(1e-5)
    within(curveSeconds(c, 1e6), 1e-2, 1e-12)
  })
})

describe('curveProblem', () => {
  it('rejects curves whose times fall, whose sizes do not ascend, or that are empty', () => {
    expect(curveProblem([])).toBe('no points')
    expect(curveProblem([{ bytes: 2, seconds: 2 }, { bytes: 1, seconds: 3 }])).toMatch(/^point 1: bytes 1/)
    expect(curveProblem([{ bytes: 1, seconds: 3 }, { bytes: 2, seconds: 2 }])).toMatch(/larger message cannot be faster/)
    expect(curveProblem([{ bytes: 1, seconds: Number.NaN }])).toMatch(/^point 0: seconds/)
    expect(() => allReduceCurve(1, [{ bytes: 1, seconds: 1 }], 'x')).toThrow(/ranks 1/)
  })
})
