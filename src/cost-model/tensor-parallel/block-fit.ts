/**
 * Fits the GEMM efficiencies of TP-split blocks to measured rows. A TP-split block runs per-GPU GEMMs narrowed
 * by the degree (N / tp column-parallel, K / tp row-parallel) and one all-reduce. Its GEMMs are timed as the
 * datasheet model times them (gemm-shape.ts: tiles, waves and split-K on the GPU's SMs), with three fitted
 * numbers: the compute fraction of whole waves, the bandwidth fraction of weight streaming, and a fixed time
 * per GEMM. Every other kernel is timed by a base efficiency model (the one-GPU calibration where there is one),
 * and the all-reduce by a given all-reduce model (fitted to all-reduce rows of the same machine), so the fit
 * measures what narrowing the GEMMs does, not what the one-GPU fit already knows.
 */
import type { Kernel } from '../../blocks/work.ts'
import type { AllReduceModel } from '../all-reduce.ts'
import { blockTiming } from '../block-cost.ts'
import { absolutePercentageError, summarizeErrors } from '../calibration/error-stats.ts'
import { foldOf } from '../calibration/folds.ts'
import type { ErrorSummary } from '../calibration/format.ts'
import { levenbergMarquardt } from '../calibration/levenberg-marquardt.ts'
import { deployment, type Deployment } from '../deployment.ts'
import type { EfficiencyModel } from '../efficiency.ts'
import { gemmTileEfficiency } from '../gemm-shape.ts'
import type { GpuSpec } from '../hardware/gpu.ts'
import { systems, type SystemSpec } from '../hardware/system.ts'
import { queryShape } from '../predict.ts'
import type { TpBlockRow } from './measurements.ts'

/** The fitted GEMM numbers. */
export interface TpGemmParameters {
  /** Fraction of the dense tensor rate on whole waves of whole tiles, (0, 1]. */
  readonly computeFraction: number
  /** Fraction of peak memory bandwidth when streaming weights, (0, 1]. */
  readonly bandwidthFraction: number
  /** Fixed time per GEMM, microseconds. */
  readonly overheadUs: number
}

const microsecond = 1e-6

/** Keeps a fitted fraction inside (0, 1]: the least-squares solver is unconstrained. */
function fraction(x: number): number {
  return Math.min(1, Math.max(1e-3, x))
}

/** `base` with its GEMMs timed by `p` and the tile and wave structure of gemm-shape.ts. */
export function tpGemmEfficiency(base: EfficiencyModel, p: TpGemmParameters, name: string): EfficiencyModel {
  return {
    name,
    source: 'calibrated',
    computeFraction: (k: Kernel, gpu?: GpuSpec) => {
      if (k.kind !== 'gemm') return base.computeFraction(k, gpu)
      const shape = k.gemm !== undefined && gpu !== undefined ? gemmTileEfficiency(k.gemm, gpu.smCount) : 1
      return fraction(p.computeFraction) * shape
    },
    bandwidthFraction: (k) => (k.kind === 'gemm' ? fraction(p.bandwidthFraction) : base.bandwidthFraction(k)),
    overheadSeconds: (k) => (k.kind === 'gemm' ? Math.max(0, p.overheadUs) * microsecond : base.overheadSeconds(k)),
  }
}

/** The node a row's GPU sits in: TP rows come from a multi-GPU node of that GPU on NVSwitch. */
export function nodeOf(gpuId: string): SystemSpec {
  const node = Object.values(systems).find((s) => s.gpuCount > 1 && s.gpu.id === gpuId)
  if (node === undefined) throw new Error(`no multi-GPU node of ${gpuId} in the system catalogue`)
  return node
}

/** The deployment a row ran on: its node, its degree and dtype, the efficiency and the all-reduce model given. */
function rowDeployment(row: TpBlockRow, efficiency: EfficiencyModel, allReduce: AllReduceModel): Deployment {
  const d = deployment(nodeOf(row.gpu), { weights: row.dtype, activations: row.dtype, kv: row.dtype }, { tp: row.tp, efficiency })
  return { ...d, allReduce }
}

/** Predicted time of one row, microseconds. */
export function predictTpRowUs(row: TpBlockRow, efficiency: EfficiencyModel, allReduce: AllReduceModel): number {
  return blockTiming(row.block, queryShape(row), rowDeployment(row, efficiency, allReduce)).seconds * 1e6
}

/** Where the fit starts: the datasheet's large-GEMM fractions and launch cost (efficiency.ts). */
export const startingTpGemm: TpGemmParameters = { computeFraction: 0.8, bandwidthFraction: 0.55, overheadUs: 2 }

export interface TpFitOptions {
  /** Timing of every non-GEMM kernel. */
  readonly base: EfficiencyModel
  /** The all-reduce model of the machine the rows come from. */
  readonly allReduce: AllReduceModel
}

/** Least squares on log(predicted / measured), so that every row weighs by its relative error. */
export function fitTpGemm(rows: readonly TpBlockRow[], options: TpFitOptions, start: TpGemmParameters = startingTpGemm): TpGemmParameters {
  const toParams = (x: readonly number[]): TpGemmParameters => ({ computeFraction: x[0]!, bandwidthFraction: x[1]!, overheadUs: x[2]! })
  const residuals = (x: readonly number[]) => {
    const eff = tpGemmEfficiency(options.base, toParams(x), 'fit')
    return Float64Array.from(rows, (r) => Math.log(predictTpRowUs(r, eff, options.allReduce) / r.measuredUs))
  }
  const result = levenbergMarquardt(residuals, [start.computeFraction, start.bandwidthFraction, start.overheadUs], { maxIterations: 100 })
  const p = toParams(result.x)
  return { computeFraction: fraction(p.computeFraction), bandwidthFraction: fraction(p.bandwidthFraction), overheadUs: Math.max(0, p.overheadUs) }
}

/** One row and the time a fit that never saw its block shape predicts for it. */
export interface HeldOutTpRow {
  readonly row: TpBlockRow
  readonly heldOutUs: number
}

/** Cross-validation over whole block shapes (calibration/folds.ts): each fold is predicted by a fit to the others. */
export function heldOutTpBlocks(rows: readonly TpBlockRow[], options: TpFitOptions, folds = 5): HeldOutTpRow[] {
  const out: HeldOutTpRow[] = []
  for (let f = 0; f < folds; f++) {
    const test = rows.filter((r) => foldOf(r.block, folds) === f)
    if (test.length === 0) continue
    const p = fitTpGemm(
      rows.filter((r) => foldOf(r.block, folds) !== f),
      options,
    )
    const eff = tpGemmEfficiency(options.base, p, `fold ${f}`)
    for (const row of test) out.push({ row, heldOutUs: predictTpRowUs(row, eff, options.allReduce) })
  }
  return out
}

/** Median and p90 absolute percentage error of held-out TP block predictions. */
export function heldOutTpSummary(predictions: readonly HeldOutTpRow[]): ErrorSummary {
  return summarizeErrors(predictions.map((p) => absolutePercentageError(p.heldOutUs, p.row.measuredUs)))
}
