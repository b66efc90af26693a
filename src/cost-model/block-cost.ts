import { blockModel } from '../blocks/registry.ts'
import type { BlockSpec } from '../blocks/spec.ts'
import type { Kernel, PhaseShape } from '../blocks/work.ts'
import { executionOf, type Deployment } from './deployment.ts'
import { kernelTiming, type KernelTiming } from './roofline.ts'

/** A block's predicted time in one phase, kernel by kernel. */
export interface BlockTiming {
  readonly seconds: number
  /** The part of `seconds` spent in communication (all-reduce). */
  readonly communicationSeconds: number
  readonly flops: number
  readonly bytes: number
  readonly kernels: readonly KernelTiming[]
}

export function timeKernels(kernels: readonly Kernel[], d: Deployment): BlockTiming {
  let seconds = 0
  let communicationSeconds = 0
  let flops = 0
  let bytes = 0
  const timings = kernels.map((k) => {
    const t = kernelTiming(k, d)
    seconds += t.seconds
    if (k.kind === 'communication') communicationSeconds += t.seconds
    else {
      flops += k.flops
      bytes += k.bytes
    }
    return t
  })
  return { seconds, communicationSeconds, flops, bytes, kernels: timings }
}

/** Time of one block for one phase shape on a deployment. */
export function blockTiming(spec: BlockSpec, shape: PhaseShape, d: Deployment): BlockTiming {
  return timeKernels(blockModel(spec).work(spec, shape, executionOf(d)), d)
}
