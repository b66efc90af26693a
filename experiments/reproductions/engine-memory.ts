/**
 * TensorRT-LLM's KV-cache memory policy, as a sensitivity check beside
 * nas-sim's default. nas-sim lets weights, cache and workspace use 90% of the
 * GPU's memory (vLLM's `gpu_memory_utilization`); TensorRT-LLM first loads the
 * weights and then gives the KV cache 90% of the memory left free
 * (`KvCacheConfig.free_gpu_memory_fraction` = 0.9; TensorRT-LLM docs, "How to
 * Change KV Cache Behavior"). For a model whose weights nearly fill the GPU the
 * two differ a lot. This changes the deployment the engine would run, not a
 * constant of the cost model.
 */
import type { Architecture } from '../../src/blocks/architecture.ts'
import { architectureCost } from '../../src/cost-model/architecture-cost.ts'
import { deployment } from '../../src/cost-model/deployment.ts'
import { candidateBatches, servingError, type ServingEstimate, type ServingQuery } from '../../src/cost-model/serving.ts'

/** TensorRT-LLM's default share of free memory given to the KV cache (docs cited above). */
const trtLlmFreeMemoryFraction = 0.9

/** The share of total memory TensorRT-LLM ends up using when the weights take `weightBytes` of `capacityBytes`. */
export function trtLlmMemoryUtilization(weightBytes: number, capacityBytes: number): number {
  if (weightBytes >= capacityBytes) return 1
  return (weightBytes + trtLlmFreeMemoryFraction * (capacityBytes - weightBytes)) / capacityBytes
}

/** Like `bestServingSetting`, but each TP degree gets TensorRT-LLM's memory share instead of nas-sim's default. */
export function bestWithTrtLlmMemory(arch: Architecture, q: ServingQuery): ServingEstimate | undefined {
  const tps = q.tp !== undefined ? [q.tp] : [1, 2, 4, 8].filter((t) => t <= q.system.gpuCount)
  const scenarioAt = (batch: number) => ({ batch, input: q.input, output: q.output })
  const options = q.efficiency === undefined ? {} : { efficiency: q.efficiency }
  let best: ServingEstimate | undefined
  for (const tp of tps) {
    const plain = deployment(q.system, q.precision, { tp, ...options })
    if (servingError(arch, plain) !== undefined) continue
    const weights = architectureCost(arch, scenarioAt(1), plain).memory.weights
    const d = deployment(q.system, q.precision, { tp, ...options, memoryUtilization: trtLlmMemoryUtilization(weights, q.system.gpu.memoryBytes) })
    const { maxBatch } = architectureCost(arch, scenarioAt(1), d).memory
    if (maxBatch < (q.batch ?? 1)) continue
    for (const batch of q.batch !== undefined ? [q.batch] : candidateBatches(maxBatch)) {
      const cost = architectureCost(arch, scenarioAt(batch), d)
      const e = { tp, batch, deployment: d, cost, tokensPerSecondPerGpu: cost.metrics.outputTokensPerSecondPerGpu, tokensPerSecondPerUser: cost.metrics.tokensPerSecondPerUser }
      if (best === undefined || e.tokensPerSecondPerGpu > best.tokensPerSecondPerGpu) best = e
    }
  }
  return best
}
