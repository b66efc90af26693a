/**
 * Serving estimates in the way Puzzle reports its table: for a model, a system
 * and (input, output) lengths, the generated tokens/s per GPU at the best
 * tensor-parallel degree and concurrency (batch) that fit in the engine's
 * memory, or at a fixed TP and batch.
 */
import type { Architecture } from '../blocks/architecture.ts'
import type { PrecisionConfig } from '../blocks/precision.ts'
import { architectureError } from '../blocks/architecture-validation.ts'
import { architectureCost, type ArchitectureCost } from './architecture-cost.ts'
import { deployment, deploymentError, type Deployment } from '../cost-model/deployment.ts'
import type { EngineProfile } from './engine.ts'
import { largestBatchWhere } from './largest-batch.ts'
import { servingDeployment, type Batching, type ServingDeployment } from './serving-deployment.ts'
import type { EfficiencyModel } from '../cost-model/efficiency.ts'
import type { SystemSpec } from '../cost-model/hardware/system.ts'

export interface ServingQuery {
  readonly system: SystemSpec
  readonly precision: PrecisionConfig
  readonly input: number
  readonly output: number
  /** Fix the tensor-parallel degree; otherwise every power of two the system and model allow is tried. */
  readonly tp?: number
  /** Fix the batch; otherwise the batches from 1 up to the largest that fits are tried. */
  readonly batch?: number
  readonly efficiency?: EfficiencyModel
  readonly engine?: EngineProfile
  readonly batching?: Batching
  /** Only settings whose mean time to first token and time per output token stay within these, seconds. */
  readonly sla?: { readonly ttftSeconds?: number; readonly tpotSeconds?: number }
}

export interface ServingEstimate {
  readonly tp: number
  readonly batch: number
  readonly deployment: ServingDeployment
  readonly cost: ArchitectureCost
  /** Generated tokens/s per GPU. */
  readonly tokensPerSecondPerGpu: number
  /** One sequence's decode rate, tokens/s. */
  readonly tokensPerSecondPerUser: number
}

/** Why a setting cannot serve the model, or undefined. */
export function servingError(arch: Architecture, d: Deployment): string | undefined {
  return deploymentError(d) ?? architectureError(arch, d.tp)
}

/**
 * Batches worth trying up to `maxBatch`: powers of two and the largest itself.
 * Throughput per GPU rises with batch until compute saturates, so the best is
 * near the top; the powers of two catch a peak below it.
 */
export function candidateBatches(maxBatch: number): number[] {
  const out: number[] = []
  for (let b = 1; b < maxBatch; b *= 2) out.push(b)
  if (maxBatch >= 1) out.push(maxBatch)
  return out
}

function estimate(arch: Architecture, d: ServingDeployment, batch: number, q: ServingQuery): ServingEstimate {
  const cost = architectureCost(arch, { batch, input: q.input, output: q.output }, d)
  return {
    tp: d.tp,
    batch,
    deployment: d,
    cost,
    tokensPerSecondPerGpu: cost.metrics.outputTokensPerSecondPerGpu,
    tokensPerSecondPerUser: cost.metrics.tokensPerSecondPerUser,
  }
}

function meetsSla(e: ServingEstimate, sla: ServingQuery['sla']): boolean {
  if (sla === undefined) return true
  const m = e.cost.metrics
  return (sla.ttftSeconds === undefined || m.ttftSeconds <= sla.ttftSeconds) && (sla.tpotSeconds === undefined || m.tpotSeconds === undefined || m.tpotSeconds <= sla.tpotSeconds)
}

/** The best fitting (TP, batch), or the reasons none fits. */
export function bestServingSetting(arch: Architecture, q: ServingQuery): { readonly best?: ServingEstimate; readonly rejected: readonly string[] } {
  const tps = q.tp !== undefined ? [q.tp] : [1, 2, 4, 8].filter((t) => t <= q.system.gpuCount)
  const rejected: string[] = []
  let best: ServingEstimate | undefined
  for (const tp of tps) {
    const d = servingDeployment(deployment(q.system, q.precision, { tp, ...(q.efficiency ? { efficiency: q.efficiency } : {}) }), {
      ...(q.engine ? { engine: q.engine } : {}),
      ...(q.batching ? { batching: q.batching } : {}),
    })
    const problem = servingError(arch, d)
    if (problem !== undefined) {
      rejected.push(`TP ${tp}: ${problem}`)
      continue
    }
    const { maxBatch } = architectureCost(arch, { batch: 1, input: q.input, output: q.output }, d).memory
    const batches = q.batch !== undefined ? [q.batch] : candidateBatches(maxBatch)
    if (maxBatch < (q.batch ?? 1)) {
      rejected.push(`TP ${tp}: ${maxBatch === 0 ? 'the weights alone do not fit' : `at most batch ${maxBatch} fits`}`)
      continue
    }
    let slaMissed = 0
    // Under a service level the best batch is often the largest that meets it, between two powers of two: find it by
    // bisection (times grow with the batch; the batch found is checked like the others).
    if (q.sla !== undefined && q.batch === undefined) {
      const largest = largestBatchWhere(maxBatch, (b) => meetsSla(estimate(arch, d, b, q), q.sla))
      if (largest >= 1 && !batches.includes(largest)) batches.push(largest)
    }
    for (const batch of batches) {
      const e = estimate(arch, d, batch, q)
      if (!meetsSla(e, q.sla)) {
        slaMissed++
        continue
      }
      if (best === undefined || e.tokensPerSecondPerGpu > best.tokensPerSecondPerGpu) best = e
    }
    if (slaMissed === batches.length) rejected.push(`TP ${tp}: no batch meets the TTFT/TPOT limits`)
  }
  return best === undefined ? { rejected } : { best, rejected }
}
