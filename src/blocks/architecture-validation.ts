import type { Architecture } from './architecture.ts'
import { blockModel } from './registry.ts'

/** The first block that cannot run split over `tp` GPUs, as a one-line reason naming its layer and slot, or undefined. */
export function architectureError(arch: Architecture, tp: number): string | undefined {
  for (const [i, layer] of arch.layers.entries()) {
    for (const slot of ['mixer', 'ffn'] as const) {
      const spec = layer[slot]
      const problem = blockModel(spec).validate(spec, tp)
      if (problem !== undefined) return `layer ${i} ${slot}: ${problem}`
    }
  }
  return undefined
}
