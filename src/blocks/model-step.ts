/**
 * All the kernels of one serving step of a whole model: every layer's blocks,
 * the work between them (layer-glue.ts), and the model's ends (embedding.ts).
 * Layers that repeat a block spec repeat its kernels, so the step is returned
 * as distinct kernels with how many times each runs: an 80-layer model is a
 * handful of distinct blocks.
 */
import type { Architecture } from './architecture.ts'
import { embeddingWork } from './embedding.ts'
import { layerGlueWork } from './layer-glue.ts'
import { blockModel } from './registry.ts'
import type { BlockSpec } from './spec.ts'
import type { ExecutionConfig, Kernel, PhaseShape } from './work.ts'

/** A kernel and the number of times a step runs it. */
export interface CountedKernel {
  readonly kernel: Kernel
  readonly count: number
}

/** Block specs by canonical content, so that equal specs in different objects count together. */
function specKey(spec: BlockSpec): string {
  return JSON.stringify(Object.entries(spec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** The distinct block specs of an architecture (both slots of every layer) with their multiplicities. */
export function blockCounts(arch: Architecture): readonly { readonly spec: BlockSpec; readonly count: number }[] {
  const byKey = new Map<string, { spec: BlockSpec; count: number }>()
  for (const layer of arch.layers)
    for (const spec of [layer.mixer, layer.ffn]) {
      const key = specKey(spec)
      const entry = byKey.get(key)
      if (entry === undefined) byKey.set(key, { spec, count: 1 })
      else entry.count++
    }
  return [...byKey.values()]
}

/** Every kernel of one step of `arch` at `shape`, with multiplicities. */
export function modelStepWork(arch: Architecture, shape: PhaseShape, exec: ExecutionConfig): readonly CountedKernel[] {
  const out: CountedKernel[] = []
  for (const { spec, count } of blockCounts(arch))
    for (const kernel of [...blockModel(spec).work(spec, shape, exec), ...layerGlueWork(spec, shape, exec)]) out.push({ kernel, count })
  for (const kernel of embeddingWork(arch.embedding, shape, exec)) out.push({ kernel, count: 1 })
  return out
}

/** Kernel launches in one step (communication included). */
export function stepKernelCount(work: readonly CountedKernel[]): number {
  return work.reduce((n, k) => n + k.count, 0)
}
