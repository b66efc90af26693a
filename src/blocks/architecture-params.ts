import type { Architecture } from './architecture.ts'
import { embeddingParams } from './embedding.ts'
import { blockModel } from './registry.ts'

/** Total parameters: every block (with its norm), the embeddings, the LM head unless tied, and the final norm. */
export function architectureParams(arch: Architecture): number {
  let total = embeddingParams(arch.embedding)
  for (const layer of arch.layers) total += blockModel(layer.mixer).params(layer.mixer) + blockModel(layer.ffn).params(layer.ffn)
  return total
}
