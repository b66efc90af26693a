import type { PrecisionConfig } from '../blocks/precision.ts'
import type { ExecutionConfig } from '../blocks/work.ts'
import type { AllReduceModel } from './all-reduce.ts'
import { allReduceModelFor } from './all-reduce-figures.ts'
import { datasheetEfficiency, type EfficiencyModel } from './efficiency.ts'
import type { SystemSpec } from './hardware/system.ts'

/**
 * Where and how a model runs: a system, the tensor-parallel degree, precisions,
 * and the efficiency model that turns work into time. How much of the memory a
 * model may use is the serving engine's policy (src/serving/engine.ts), not the
 * hardware's. Pipeline parallelism would add a stage count here.
 */
export interface Deployment {
  readonly system: SystemSpec
  readonly tp: number
  readonly precision: PrecisionConfig
  readonly efficiency: EfficiencyModel
  readonly allReduce: AllReduceModel
}

export interface DeploymentOptions {
  readonly tp?: number
  readonly efficiency?: EfficiencyModel
}

/** A deployment with the datasheet efficiency and the NVLink-scaled all-reduce model unless told otherwise. */
export function deployment(system: SystemSpec, precision: PrecisionConfig, options: DeploymentOptions = {}): Deployment {
  return {
    system,
    tp: options.tp ?? 1,
    precision,
    efficiency: options.efficiency ?? datasheetEfficiency,
    allReduce: allReduceModelFor(system.gpu.nvlinkBandwidth ?? 0),
  }
}

export function executionOf(d: Deployment): ExecutionConfig {
  return { precision: d.precision, tp: d.tp }
}

/** Why the deployment cannot run, as the offending setting (`tp`, `weights`, …) and the problem, or undefined. */
export function deploymentProblem(d: Deployment): { readonly field: string; readonly problem: string } | undefined {
  const { system, tp, precision } = d
  if (!Number.isInteger(tp) || tp < 1 || tp > 8) return { field: 'tp', problem: `${tp} (must be an integer from 1 to 8)` }
  if (tp > system.gpuCount)
    return {
      field: 'tp',
      problem: `${tp} (system ${system.id} has ${system.gpuCount} GPU${system.gpuCount === 1 ? '' : 's'}; use a node such as dgx-h100 for tensor parallelism)`,
    }
  for (const [role, p] of Object.entries(precision)) {
    if (system.gpu.denseFlops[p as keyof typeof system.gpu.denseFlops] === undefined)
      return { field: role, problem: `${p} (${system.gpu.name} has no ${p} tensor cores; supported: ${Object.keys(system.gpu.denseFlops).join(', ')})` }
  }
  return undefined
}

/** Why the deployment cannot run, in one line (`tp: 2 (…)`), or undefined: TP beyond the system, a precision the GPU lacks. */
export function deploymentError(d: Deployment): string | undefined {
  const p = deploymentProblem(d)
  return p === undefined ? undefined : `${p.field}: ${p.problem}`
}
