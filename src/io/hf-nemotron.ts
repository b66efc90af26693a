import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import type { Architecture } from '../blocks/architecture.ts'
import type { FfnSpec } from '../blocks/spec.ts'
import type { ConfigFieldError } from './errors.ts'
import { decodeConfig } from './hf-decode.ts'
import { attentionFields, biasFields, commonFields, PositiveInt } from './hf-fields.ts'
import { assembleArchitecture, type ImportOptions, gqaAttention, rejectBiases } from './hf-architecture.ts'

/**
 * `NemotronForCausalLM` (`model_type` "nemotron", Nemotron-4): GQA attention
 * and a non-gated squared-ReLU FFN in every layer. Its LayerNorm1p norms carry
 * a bias beside the weight (hidden parameters per norm) that the shared block
 * models, counting RMSNorm weights only, leave out.
 */
export const NemotronConfig = Schema.Struct({
  ...commonFields,
  ...attentionFields,
  ...biasFields,
  intermediate_size: PositiveInt,
  /** HF NemotronConfig's default is relu2; anything else is another FFN. */
  hidden_act: Schema.optionalKey(Schema.Literal('relu2')),
})

export function importNemotron(json: unknown, options: ImportOptions = {}): Result.Result<Architecture, ConfigFieldError> {
  return Result.gen(function* () {
    const config = yield* decodeConfig(NemotronConfig, json)
    yield* rejectBiases(config)
    const mixer = yield* gqaAttention(config)
    const ffn: FfnSpec = {
      type: 'ffn',
      hidden: config.hidden_size,
      intermediate: config.intermediate_size,
      activation: 'relu2',
    }
    const layers = Array.from({ length: config.num_hidden_layers }, () => ({ mixer, ffn }))
    return assembleArchitecture(config, 'NemotronForCausalLM', layers, options)
  })
}
