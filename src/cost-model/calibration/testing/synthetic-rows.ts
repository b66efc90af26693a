/**
 * Measurement rows made by a known calibration, for tests: random blocks of
 * every family over wide prefill and decode shapes (ranges like the profiler's
 * grid, experiments/profiling/block_grid.py), timed by the calibrated model itself,
 * optionally with seeded multiplicative noise.
 */
import type { Precision } from '../../../blocks/precision.ts'
import type { AttentionSpec, BlockSpec, FfnSpec, Mamba2Spec } from '../../../blocks/spec.ts'
import type { PhaseShape } from '../../../blocks/work.ts'
import { systems } from '../../hardware/system.ts'
import { calibratedEfficiency } from '../calibrated-efficiency.ts'
import { predictedSeconds, prepareRow } from '../fit.ts'
import type { Measurement } from '../measurements.ts'
import type { CalibrationParameters } from '../parameters.ts'
import { seededRandom } from '../../../random.ts'


function logUniformInt(rand: () => number, low: number, high: number): number {
  return Math.round(Math.exp(Math.log(low) + rand() * (Math.log(high) - Math.log(low))))
}

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!
}

/** The block families the profiler times. */
export type ProfiledType = 'attention' | 'linear' | 'ffn' | 'mamba2'

function randomBlock(rand: () => number, type: ProfiledType): BlockSpec {
  const hidden = 128 * logUniformInt(rand, 4, 128)
  switch (type) {
    case 'attention': {
      const headDim = pick(rand, [64, 128, 128, 256])
      const heads = Math.max(1, Math.round(hidden / headDim))
      const kvHeads = pick(rand, [1, 2, 4, 8, heads].filter((k) => heads % k === 0))
      return { type, hidden, heads, kvHeads, headDim } satisfies AttentionSpec
    }
    case 'ffn':
      return { type, hidden, intermediate: 128 * logUniformInt(rand, 2, 256), activation: pick(rand, ['swiglu', 'relu2'] as const) } satisfies FfnSpec
    case 'mamba2': {
      const headDim = 64
      const heads = (2 * hidden) / headDim
      return { type, hidden, heads, headDim, stateDim: pick(rand, [64, 128]), groups: pick(rand, [1, 2, 4].filter((g) => heads % g === 0)), convKernel: 4 } satisfies Mamba2Spec
    }
    case 'linear':
      return { type, hidden }
  }
}

function randomShape(rand: () => number, phase: PhaseShape['phase']): PhaseShape {
  return phase === 'prefill'
    ? { phase, batch: logUniformInt(rand, 1, 32), seqLen: logUniformInt(rand, 16, 16384) }
    : { phase, batch: logUniformInt(rand, 1, 256), contextLen: logUniformInt(rand, 128, 65536) }
}

export interface SyntheticOptions {
  readonly seed: number
  /** Rows per block type × phase × dtype. */
  readonly perGroup: number
  readonly dtypes?: readonly Precision[]
  readonly types?: readonly ProfiledType[]
  /** Standard deviation of the log-normal noise on each time (0.02 ≈ 2%). Default 0. */
  readonly noise?: number
}

/** Rows timed on an H200 by `parameters` (with noise, if asked). */
export function syntheticRows(parameters: CalibrationParameters, options: SyntheticOptions): Measurement[] {
  const rand = seededRandom(options.seed)
  const model = calibratedEfficiency({ name: 'truth', parameters })
  const rows: Measurement[] = []
  for (const type of options.types ?? (['attention', 'linear', 'ffn', 'mamba2'] as const)) {
    for (const phase of ['prefill', 'decode'] as const) {
      for (let i = 0; i < options.perGroup; i++) {
        const block = randomBlock(rand, type)
        const shape = randomShape(rand, phase)
        for (const dtype of options.dtypes ?? (['bf16'] as const)) {
          // Box–Muller normal draw for the log-normal noise.
          const normal = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
          const query = { id: rows.length, gpu: 'h200', dtype, block, ...shape }
          const base = { ...query, measuredUs: 1, gpuName: 'synthetic', torch: 'synthetic', date: '2026-01-01', impl: 'synthetic' } as Measurement
          const us = predictedSeconds(prepareRow(base), systems.h200, model) * 1e6 * Math.exp((options.noise ?? 0) * normal)
          rows.push({ ...base, measuredUs: us })
        }
      }
    }
  }
  return rows
}
