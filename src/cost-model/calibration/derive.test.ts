import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Kernel } from '../../blocks/work.ts'
import { deployment } from '../deployment.ts'
import { gpus } from '../hardware/gpu.ts'
import { systems } from '../hardware/system.ts'
import { kernelTiming } from '../roofline.ts'
import { calibratedEfficiency } from './calibrated-efficiency.ts'
import { deriveCalibration } from './derive.ts'
import { loadCalibration, resolveEfficiency } from './resolve.ts'
import { shippedCalibrationUrl } from './shipped.ts'

const bf16 = { weights: 'bf16', activations: 'bf16', kv: 'bf16' } as const

describe('deriveCalibration (H200 → H100 SXM)', () => {
  it('keeps compute-bound time and stretches memory-bound time by the bandwidth ratio 4.8 / 3.35', async () => {
    const h200 = await loadCalibration('h200-pytorch')
    const h100 = deriveCalibration(h200, gpus.h200, gpus['h100-sxm'], 'h100-sxm-derived', '2026-12-01')
    const on = (cal: typeof h200, system: typeof systems.h200) => deployment(system, bf16, { efficiency: calibratedEfficiency(cal) })
    // A large square GEMM is compute-bound on both; a norm over 64 M elements is memory-bound on both.
    const gemm: Kernel = { name: 'g', kind: 'gemm', flops: 2 * 8192 ** 3, bytes: 3 * 8192 ** 2 * 2, math: 'bf16', gemm: { m: 8192, n: 8192, k: 8192 } }
    const norm: Kernel = { name: 'n', kind: 'elementwise', flops: 4 * 2 ** 26, bytes: 2 * 2 ** 27, math: 'bf16' }
    const t = (k: Kernel, cal: typeof h200, system: typeof systems.h200) => kernelTiming(k, on(cal, system))
    expect(t(gemm, h100, systems['h100-sxm']).seconds).toBeCloseTo(t(gemm, h200, systems.h200).seconds, 12)
    const memory = (cal: typeof h200, system: typeof systems.h200) => t(norm, cal, system).memorySeconds
    expect(memory(h100, systems['h100-sxm']) / memory(h200, systems.h200)).toBeCloseTo(4.8 / 3.35, 9)
    expect(h100.parameters.bf16!.gemm.halfBandwidthTiles).toBeCloseTo((h200.parameters.bf16!.gemm.halfBandwidthTiles * 3.35) / 4.8, 2)
    expect(h100.derivedFrom).toBe('derived from h200-pytorch')
  })

  it('refuses a target that is not the same chip (the H100 PCIe has other tensor rates)', async () => {
    const h200 = await loadCalibration('h200-pytorch')
    expect(() => deriveCalibration(h200, gpus.h200, gpus['h100-pcie'], 'x', '2026-12-01')).toThrow(/differ in bf16 tensor rate/)
  })

  it('is what data/calibrations/h100-sxm-derived.json ships (experiments/calibration/derive-h100.ts)', async () => {
    const h200 = await loadCalibration('h200-pytorch')
    const shipped = JSON.parse(readFileSync(shippedCalibrationUrl('h100-sxm-derived'), 'utf8')) as unknown
    expect(shipped).toEqual(deriveCalibration(h200, gpus.h200, gpus['h100-sxm'], 'h100-sxm-derived', h200.created))
  })
})

describe('resolveEfficiency', () => {
  it('defaults to the GPU’s shipped calibration, labels a derived one, and falls back to the datasheet elsewhere', async () => {
    expect((await resolveEfficiency(undefined, 'h200')).name).toBe('h200-pytorch')
    expect((await resolveEfficiency(undefined, 'dgx-h200')).name).toBe('h200-pytorch')
    const h100 = await resolveEfficiency(undefined, 'h100-sxm')
    expect([h100.name, h100.derivedFrom]).toEqual(['h100-sxm-derived', 'derived from h200-pytorch'])
    expect((await resolveEfficiency(undefined, 'a100')).source).toBe('datasheet')
    expect((await resolveEfficiency('datasheet', 'h200')).source).toBe('datasheet')
  })
})
