/** The options every costing command shares (--gpu, --tp, precisions), turned into a Deployment. */
import type { Command } from 'commander'
import type { PrecisionConfig } from '../blocks/precision.ts'
import { deployment, deploymentProblem, type Deployment } from '../cost-model/deployment.ts'
import type { EfficiencyModel } from '../cost-model/efficiency.ts'
import { findSystem } from '../cost-model/hardware/lookup.ts'
import { InvalidInput } from '../errors.ts'
import { orThrow, positiveInt, precision } from './parse.ts'

export interface DeploymentFlags {
  readonly gpu: string
  readonly tp?: string
  readonly weights?: string
  readonly activations?: string
  readonly kv?: string
}

export function addDeploymentOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--gpu <id>', 'GPU or system: h100-sxm, h100-pcie, h200, a100, b200, dgx-h100, dgx-h200, dgx-b200')
    .option('--tp <n>', 'tensor-parallel degree (1–8, up to the system’s GPUs)', '1')
    .option('--weights <p>', 'weight precision: bf16, fp16, fp8, fp4', 'bf16')
    .option('--activations <p>', 'activation precision (default: the weight precision)')
    .option('--kv <p>', 'KV-cache and recurrent-state precision', 'bf16')
}

export function precisionFrom(flags: DeploymentFlags): PrecisionConfig {
  const weights = precision('--weights', flags.weights ?? 'bf16')
  return {
    weights,
    activations: precision('--activations', flags.activations ?? weights),
    kv: precision('--kv', flags.kv ?? 'bf16'),
  }
}

export function deploymentFrom(flags: DeploymentFlags, efficiency?: EfficiencyModel): Deployment {
  const system = orThrow(findSystem(flags.gpu))
  const d = deployment(system, precisionFrom(flags), { tp: positiveInt('--tp', flags.tp ?? '1'), ...(efficiency ? { efficiency } : {}) })
  const bad = deploymentProblem(d)
  if (bad !== undefined) throw new InvalidInput({ field: `--${bad.field}`, problem: bad.problem })
  return d
}
