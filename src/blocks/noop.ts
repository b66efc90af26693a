/** A skipped sub-block: no weights, no norm, no kernels, no cache, no communication. */
import type { BlockModel } from './block-model.ts'
import type { NoopSpec } from './spec.ts'

export const noop: BlockModel<NoopSpec> = {
  params: () => 0,
  work: () => [],
  kvCacheBytes: () => 0,
  stateBytes: () => 0,
  validate: () => undefined,
}
