/**
 * Feed-forward network. SwiGLU (Llama, Qwen): a fused gate-and-up projection to
 * 2 × intermediate, SiLU(gate) × up, then down. Squared ReLU (Nemotron): up to
 * intermediate, relu(x)², then down. Column-parallel up, row-parallel down,
 * one all-reduce under tensor parallelism.
 */
import type { BlockModel } from './block-model.ts'
import { allReduce, elementwise, residualAdd, rmsNorm, weightGemm } from './kernels.ts'
import type { FfnActivation, FfnSpec } from './spec.ts'
import { firstError, positiveIntegerError, splitError } from './tensor-parallel.ts'
import { tokensPerSequence, type Kernel } from './work.ts'

/** Up-projection matrices per activation: SwiGLU has a gate and an up matrix. */
const upMatrices: Readonly<Record<FfnActivation, number>> = { swiglu: 2, relu2: 1 }

export const ffn: BlockModel<FfnSpec> = {
  params: (s) => (upMatrices[s.activation] + 1) * s.hidden * s.intermediate + s.hidden,

  work: (s, shape, { precision, tp }) => {
    const tokens = shape.batch * tokensPerSequence(shape)
    const width = s.intermediate / tp
    const up = upMatrices[s.activation]
    const act =
      s.activation === 'swiglu'
        ? elementwise('silu_mul', tokens * width, 2, 1, 5, precision.activations) // sigmoid, two multiplies
        : elementwise('relu2', tokens * width, 1, 1, 2, precision.activations) // max and square
    const kernels: Kernel[] = [
      rmsNorm('ffn_norm', tokens, s.hidden, precision.activations),
      weightGemm(s.activation === 'swiglu' ? 'gate_up_proj' : 'up_proj', tokens, up * width, s.hidden, precision),
      act,
      weightGemm('down_proj', tokens, s.hidden, width, precision),
      residualAdd(tokens, s.hidden, precision.activations),
    ]
    if (tp > 1) kernels.push(allReduce(tokens, s.hidden, precision.activations, tp))
    return kernels
  },

  kvCacheBytes: () => 0,
  stateBytes: () => 0,

  validate: (s, tp) =>
    firstError(
      positiveIntegerError('hidden', s.hidden),
      positiveIntegerError('intermediate', s.intermediate),
      s.activation === 'swiglu' || s.activation === 'relu2' ? undefined : `activation: ${String(s.activation)} (expected "swiglu" or "relu2")`,
      splitError('intermediate', s.intermediate, tp, false),
    ),
}
