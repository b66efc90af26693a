import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import type { Architecture, LayerChoice } from '../blocks/architecture.ts'
import type { FfnSlotSpec, MixerSpec } from '../blocks/spec.ts'
import { ConfigFieldError } from './errors.ts'
import { deciLmIntermediate } from './decilm-ffn.ts'
import { decodeConfig } from './hf-decode.ts'
import { biasFields, commonFields, PositiveInt } from './hf-fields.ts'
import { assembleArchitecture, type ImportOptions, checkLayerCount, gqaAttention, rejectBiases } from './hf-architecture.ts'

/** `block_configs[i].attention`; absent switches default to false as in DeciLM's block_config.py. */
const AttentionBlock = Schema.Struct({
  no_op: Schema.optionalKey(Schema.Boolean),
  replace_with_linear: Schema.optionalKey(Schema.Boolean),
  /** Query heads per KV head; null for no-op and linear blocks. */
  n_heads_in_group: Schema.optionalKey(Schema.NullOr(PositiveInt)),
  /** Sliding-window length; null means global attention. */
  window_length: Schema.optionalKey(Schema.NullOr(PositiveInt)),
  num_sink_tokens: Schema.optionalKey(Schema.NullOr(Schema.Int)),
})

/** `block_configs[i].ffn`: the width as `ffn_mult`, or as `intermediate_size` (which vLLM also reads). */
const FfnBlock = Schema.Struct({
  no_op: Schema.optionalKey(Schema.Boolean),
  replace_with_linear: Schema.optionalKey(Schema.Boolean),
  // Llama-Nemotron Ultra's widest fused FFN has ffn_mult 39 (../shared/reference/models); 64 leaves room and keeps widths finite.
  ffn_mult: Schema.optionalKey(
    Schema.NullOr(Schema.Finite.check(Schema.isGreaterThan(0), Schema.isLessThanOrEqualTo(64, { message: 'expected at most 64 (the widest published fused FFN has 39)' }))),
  ),
  intermediate_size: Schema.optionalKey(Schema.NullOr(PositiveInt)),
})

/**
 * `DeciLMForCausalLM` (`model_type` "nemotron-nas"): a Llama whose layers each
 * pick their own attention (GQA group, linear or no-op) and FFN (width, linear
 * or no-op) in `block_configs`. The global `num_key_value_heads` and
 * `intermediate_size` are null and ignored; the head size is always
 * hidden_size / num_attention_heads.
 */
export const DeciLmConfig = Schema.Struct({
  ...commonFields,
  ...biasFields,
  num_attention_heads: PositiveInt,
  hidden_act: Schema.optionalKey(Schema.Literal('silu')),
  block_configs: Schema.Array(Schema.Struct({ attention: AttentionBlock, ffn: FfnBlock })),
})

type DeciLm = Schema.Schema.Type<typeof DeciLmConfig>
type AttentionBlock = Schema.Schema.Type<typeof AttentionBlock>
type FfnBlock = Schema.Schema.Type<typeof FfnBlock>

function fieldError(field: string, problem: string): Result.Result<never, ConfigFieldError> {
  return Result.fail(new ConfigFieldError({ field, problem }))
}

function mixerOf(config: DeciLm, block: AttentionBlock, at: string): Result.Result<MixerSpec, ConfigFieldError> {
  const hidden = config.hidden_size
  if (block.no_op === true && block.replace_with_linear === true) {
    return fieldError(`${at}.replace_with_linear`, 'expected false when no_op is true (they are exclusive)')
  }
  if (block.no_op === true) return Result.succeed({ type: 'noop', hidden })
  if (block.replace_with_linear === true) return Result.succeed({ type: 'linear', hidden })
  if (block.num_sink_tokens != null) return fieldError(`${at}.num_sink_tokens`, 'sink attention is not modelled yet; expected null')
  const group = block.n_heads_in_group
  if (group == null) return fieldError(`${at}.n_heads_in_group`, 'required for an attention block (query heads per KV head)')
  if (config.num_attention_heads % group !== 0) {
    return fieldError(`${at}.n_heads_in_group`, `expected a divisor of num_attention_heads = ${config.num_attention_heads}, got ${group}`)
  }
  return Result.map(
    gqaAttention({ hidden_size: hidden, num_attention_heads: config.num_attention_heads, num_key_value_heads: config.num_attention_heads / group }),
    (attention) => (block.window_length == null ? attention : { ...attention, window: block.window_length }),
  )
}

function ffnOf(config: DeciLm, block: FfnBlock, at: string): Result.Result<FfnSlotSpec, ConfigFieldError> {
  const hidden = config.hidden_size
  if (block.no_op === true && block.replace_with_linear === true) {
    return fieldError(`${at}.replace_with_linear`, 'expected false when no_op is true (they are exclusive)')
  }
  if (block.no_op === true) return Result.succeed({ type: 'noop', hidden })
  if (block.replace_with_linear === true) return Result.succeed({ type: 'linear', hidden })
  const intermediate = block.ffn_mult == null ? block.intermediate_size : deciLmIntermediate(block.ffn_mult, hidden)
  if (intermediate == null) return fieldError(`${at}.ffn_mult`, 'required for an FFN block (or intermediate_size)')
  return Result.succeed({ type: 'ffn', hidden, intermediate, activation: 'swiglu' })
}

export function importDeciLm(json: unknown, options: ImportOptions = {}): Result.Result<Architecture, ConfigFieldError> {
  return Result.gen(function* () {
    const config = yield* decodeConfig(DeciLmConfig, json)
    yield* rejectBiases(config)
    yield* checkLayerCount(config, 'block_configs', config.block_configs.length)
    const layers: LayerChoice[] = []
    for (const [index, block] of config.block_configs.entries()) {
      const at = `block_configs[${index}]`
      const mixer = yield* mixerOf(config, block.attention, `${at}.attention`)
      const ffn = yield* ffnOf(config, block.ffn, `${at}.ffn`)
      layers.push({ mixer, ffn })
    }
    return assembleArchitecture(config, 'DeciLMForCausalLM', layers, options)
  })
}
