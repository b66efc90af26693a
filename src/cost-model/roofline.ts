import type { Kernel } from '../blocks/work.ts'
import { allReduceSeconds } from './all-reduce.ts'
import type { Deployment } from './deployment.ts'

export type Bound = 'compute' | 'memory' | 'communication'

/** One kernel's predicted time and what bounds it, kept for "where does this time go". */
export interface KernelTiming {
  readonly kernel: Kernel
  readonly seconds: number
  readonly computeSeconds: number
  readonly memorySeconds: number
  readonly overheadSeconds: number
  readonly bound: Bound
}

/**
 * Roofline time of one kernel: max(FLOPs / achievable compute, bytes / achievable
 * bandwidth) plus a fixed overhead; all-reduces use the communication model.
 */
export function kernelTiming(kernel: Kernel, d: Deployment): KernelTiming {
  if (kernel.kind === 'communication') {
    const seconds = allReduceSeconds(d.allReduce, kernel.bytes, kernel.ranks ?? d.tp)
    return { kernel, seconds, computeSeconds: 0, memorySeconds: 0, overheadSeconds: 0, bound: 'communication' }
  }
  const gpu = d.system.gpu
  const peak = gpu.denseFlops[kernel.math]
  if (peak === undefined) throw new Error(`${gpu.name} has no ${kernel.math} rate; validate the deployment before costing`)
  const eff = d.efficiency
  const computeSeconds = kernel.flops / (peak * eff.computeFraction(kernel, gpu))
  const memorySeconds = kernel.bytes / (gpu.memoryBandwidth * eff.bandwidthFraction(kernel))
  const overheadSeconds = eff.overheadSeconds(kernel)
  return {
    kernel,
    seconds: Math.max(computeSeconds, memorySeconds) + overheadSeconds,
    computeSeconds,
    memorySeconds,
    overheadSeconds,
    bound: computeSeconds >= memorySeconds ? 'compute' : 'memory',
  }
}

export function kernelSeconds(kernel: Kernel, d: Deployment): number {
  return kernelTiming(kernel, d).seconds
}
