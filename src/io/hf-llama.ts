import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import type { Architecture, LayerChoice } from '../blocks/architecture.ts'
import type { FfnSpec } from '../blocks/spec.ts'
import type { ConfigFieldError } from './errors.ts'
import { decodeConfig } from './hf-decode.ts'
import { attentionFields, biasFields, commonFields, PositiveInt } from './hf-fields.ts'
import { assembleArchitecture, type ImportOptions, gqaAttention, rejectBiases } from './hf-architecture.ts'

/** `LlamaForCausalLM` (`model_type` "llama"): GQA attention and a SwiGLU FFN in every layer. */
export const LlamaConfig = Schema.Struct({
  ...commonFields,
  ...attentionFields,
  ...biasFields,
  intermediate_size: PositiveInt,
  /** The gate activation of the SwiGLU FFN; only SiLU makes it SwiGLU. */
  hidden_act: Schema.optionalKey(Schema.Literal('silu')),
})

/**
 * `Qwen2ForCausalLM` (`model_type` "qwen2"): Llama's layer shape. Qwen2 always
 * adds a bias to the q, k and v projections, (heads + 2·kvHeads)·headDim
 * parameters per layer, which the attention block does not count; the
 * reference parameter table leaves it out too.
 */
export const Qwen2Config = Schema.Struct({
  ...commonFields,
  ...attentionFields,
  intermediate_size: PositiveInt,
  hidden_act: Schema.optionalKey(Schema.Literal('silu')),
  /** Qwen2's per-layer sliding window is not modelled; the published checkpoints leave it off. */
  use_sliding_window: Schema.optionalKey(Schema.Literal(false)),
})

type LlamaLike = Schema.Schema.Type<typeof Qwen2Config>

function uniformLayers(config: LlamaLike): Result.Result<readonly LayerChoice[], ConfigFieldError> {
  return Result.map(gqaAttention(config), (mixer) => {
    const ffn: FfnSpec = {
      type: 'ffn',
      hidden: config.hidden_size,
      intermediate: config.intermediate_size,
      activation: 'swiglu',
    }
    return Array.from({ length: config.num_hidden_layers }, () => ({ mixer, ffn }))
  })
}

export function importLlama(json: unknown, options: ImportOptions = {}): Result.Result<Architecture, ConfigFieldError> {
  return Result.gen(function* () {
    const config = yield* decodeConfig(LlamaConfig, json)
    yield* rejectBiases(config)
    const layers = yield* uniformLayers(config)
    return assembleArchitecture(config, 'LlamaForCausalLM', layers, options)
  })
}

export function importQwen2(json: unknown, options: ImportOptions = {}): Result.Result<Architecture, ConfigFieldError> {
  return Result.gen(function* () {
    const config = yield* decodeConfig(Qwen2Config, json)
    const layers = yield* uniformLayers(config)
    return assembleArchitecture(config, 'Qwen2ForCausalLM', layers, options)
  })
}
