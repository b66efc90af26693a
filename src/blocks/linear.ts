/**
 * A single bias-free hidden×hidden matrix in place of attention or the FFN
 * (Puzzle's `replace_with_linear`). It keeps its pre-norm. Under tensor
 * parallelism it is row-parallel: each GPU holds hidden/tp input rows, then one all-reduce.
 */
import type { BlockModel } from './block-model.ts'
import { allReduce, residualAdd, rmsNorm, weightGemm } from './kernels.ts'
import type { LinearSpec } from './spec.ts'
import { firstError, positiveIntegerError, splitError } from './tensor-parallel.ts'
import { tokensPerSequence, type Kernel } from './work.ts'

export const linear: BlockModel<LinearSpec> = {
  params: (s) => s.hidden * s.hidden + s.hidden,

  work: (s, shape, { precision, tp }) => {
    const tokens = shape.batch * tokensPerSequence(shape)
    const kernels: Kernel[] = [
      rmsNorm('linear_norm', tokens, s.hidden, precision.activations),
      weightGemm('linear', tokens, s.hidden, s.hidden / tp, precision),
      residualAdd(tokens, s.hidden, precision.activations),
    ]
    if (tp > 1) kernels.push(allReduce(tokens, s.hidden, precision.activations, tp))
    return kernels
  },

  kvCacheBytes: () => 0,
  stateBytes: () => 0,

  validate: (s, tp) => firstError(positiveIntegerError('hidden', s.hidden), splitError('hidden', s.hidden, tp, false)),
}
