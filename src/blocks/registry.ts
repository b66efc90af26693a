import { attention } from './attention.ts'
import type { BlockModel, BlockModelOf } from './block-model.ts'
import { ffn } from './ffn.ts'
import { hybridHeads } from './hybrid-heads.ts'
import { linear } from './linear.ts'
import { mamba2 } from './mamba2.ts'
import { noop } from './noop.ts'
import type { BlockKind, BlockSpec } from './spec.ts'

/** Every block family, by kind. Adding a family means adding a spec type and one entry here. */
export const blockModels = {
  attention,
  linear,
  noop,
  ffn,
  mamba2,
  'hybrid-heads': hybridHeads,
} satisfies { readonly [K in BlockKind]: BlockModelOf<K> }

/** The model for a spec, typed so that callers never switch on kind. */
export function blockModel<S extends BlockSpec>(spec: S): BlockModel<S> {
  return blockModels[spec.type] as unknown as BlockModel<S>
}
