/** The options every costing command shares (--gpu, --tp, precisions), turned into a Deployment. */
import type { Command } from 'commander'
import type { PrecisionConfig } from '../blocks/precision.ts'
import { deployment, deploymentProblem } from '../cost-model/deployment.ts'
import { servingOptionsOf } from '../search/pipeline/options.ts'
import { servingDeployment, type ServingDeployment, type ServingOptions } from '../serving/serving-deployment.ts'
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
  readonly engine?: string
  readonly batching?: string
}

export function addDeploymentOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--gpu <id>', 'GPU or system: h100-sxm, h100-pcie, h200, a100, b200, dgx-h100, dgx-h200, dgx-b200')
    .option('--tp <n>', 'tensor-parallel degree (1–8, up to the system’s GPUs)', '1')
    .option('--weights <p>', 'weight precision: bf16, fp16, fp8, fp4', 'bf16')
    .option('--activations <p>', 'activation precision (default: the weight precision)')
    .option('--kv <p>', 'KV-cache precision (a Mamba layer’s recurrent state stays in the model dtype)', 'bf16')
    .option('--engine <id>', 'serving engine whose memory policy and scheduler apply: vllm, trtllm, sglang', 'vllm')
    .option('--batching <mode>', 'inflight (continuous batching, chunked prefill, paged KV) or static (one batch, Puzzle’s table)', 'inflight')
}

export function precisionFrom(flags: DeploymentFlags): PrecisionConfig {
  const weights = precision('--weights', flags.weights ?? 'bf16')
  return {
    weights,
    activations: precision('--activations', flags.activations ?? weights),
    kv: precision('--kv', flags.kv ?? 'bf16'),
  }
}

/** The engine and batching flags, checked. */
export function servingFrom(flags: { readonly engine?: string; readonly batching?: string }): ServingOptions {
  return orThrow(servingOptionsOf(flags))
}

export function deploymentFrom(flags: DeploymentFlags, efficiency?: EfficiencyModel): ServingDeployment {
  const system = orThrow(findSystem(flags.gpu))
  const d = deployment(system, precisionFrom(flags), { tp: positiveInt('--tp', flags.tp ?? '1'), ...(efficiency ? { efficiency } : {}) })
  const bad = deploymentProblem(d)
  if (bad !== undefined) throw new InvalidInput({ field: `--${bad.field}`, problem: bad.problem })
  return servingDeployment(d, servingFrom(flags))
}
