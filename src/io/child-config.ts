/**
 * The config.json a search child exports to: HymbaConfig when every layer is
 * hybrid-head (the hymba space); Nemotron-H for children of single-sub-block
 * hybrids (every layer holds at most one block, and some block is Mamba-2 or
 * a squared-ReLU MLP, which DeciLM cannot hold); DeciLM for Llama-family
 * children. A child none can express gets an `error` object naming why, in
 * place of the config.
 */
import * as Result from 'effect/Result'
import type { Architecture } from '../blocks/architecture.ts'
import { exportDeciLm } from './decilm-export.ts'
import { exportHymba } from './hymba-export.ts'
import { exportNemotronH } from './nemotron-h-export.ts'

/** Whether the architecture has Nemotron-H's shape: one block per layer, and a Mamba-2 mixer or squared-ReLU MLP among them. */
export function isNemotronHShaped(arch: Architecture): boolean {
  const single = arch.layers.every((l) => l.mixer.type === 'noop' || l.ffn.type === 'noop')
  const hybridBlock = arch.layers.some((l) => l.mixer.type === 'mamba2' || (l.ffn.type === 'ffn' && l.ffn.activation === 'relu2'))
  return single && hybridBlock
}

/** The child's config.json (Hymba, Nemotron-H or DeciLM), or `{error}` when its format cannot hold it. */
export function childConfigJson(arch: Architecture): unknown {
  if (arch.layers.length > 0 && arch.layers.every((l) => l.mixer.type === 'hybrid-heads')) {
    const hymba = exportHymba(arch)
    return Result.isSuccess(hymba) ? hymba.success : { error: `not exportable as HymbaConfig: ${hymba.failure.message}` }
  }
  if (isNemotronHShaped(arch)) {
    const nh = exportNemotronH(arch)
    return Result.isSuccess(nh) ? nh.success : { error: `not exportable: ${nh.failure.message}` }
  }
  const exported = exportDeciLm(arch)
  return Result.isSuccess(exported) ? exported.success : { error: `not exportable as DeciLM: ${exported.failure.message}` }
}
