import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import type { Architecture, LayerChoice } from '../blocks/architecture.ts'
import type { AttentionSpec, FfnSpec, Mamba2Spec, NoopSpec } from '../blocks/spec.ts'
import { ConfigFieldError } from './errors.ts'
import { decodeConfig } from './hf-decode.ts'
import { attentionFields, biasFields, commonFields, PositiveInt } from './hf-fields.ts'
import { assembleArchitecture, type ImportOptions, checkLayerCount, gqaAttention, rejectBiases } from './hf-architecture.ts'

/**
 * Chunk length of the SSD scan when a config omits `chunk_size`: the default
 * of Hugging Face's NemotronHConfig (`mamba_chunk_size=128`; the reference
 * notes it as `hf_config_class_default_chunk_size` for Nemotron-H-8B).
 */
const hfDefaultChunkSize = 128

/**
 * `NemotronHForCausalLM` (`model_type` "nemotron_h"): one sub-block per layer,
 * chosen by `hybrid_override_pattern` (`M` Mamba-2, `*` attention, `-`
 * squared-ReLU MLP). Field names are those of the HF config.json, where the
 * attention head size is `attention_head_dim` (newer transformers write
 * `head_dim`; either is accepted). The fields of a layer kind are required
 * only when the pattern has that kind: the published configuration class gives
 * every one a default, and a pruned child whose attention (or MLP, or Mamba)
 * layers were all dropped builds none of them.
 */
export const NemotronHConfig = Schema.Struct({
  ...commonFields,
  ...biasFields,
  num_attention_heads: Schema.optionalKey(PositiveInt),
  num_key_value_heads: attentionFields.num_key_value_heads,
  head_dim: attentionFields.head_dim,
  attention_head_dim: Schema.optionalKey(Schema.NullOr(PositiveInt)),
  hybrid_override_pattern: Schema.String,
  intermediate_size: Schema.optionalKey(PositiveInt),
  mlp_hidden_act: Schema.optionalKey(Schema.Literal('relu2')),
  mamba_num_heads: Schema.optionalKey(PositiveInt),
  mamba_head_dim: Schema.optionalKey(PositiveInt),
  ssm_state_size: Schema.optionalKey(PositiveInt),
  n_groups: Schema.optionalKey(PositiveInt),
  conv_kernel: Schema.optionalKey(PositiveInt),
  chunk_size: Schema.optionalKey(PositiveInt),
})

type NemotronH = Schema.Schema.Type<typeof NemotronHConfig>

/** The value of a field the pattern's layers need; missing, one line naming it and why. */
function required(value: number | undefined, field: string, kind: string): Result.Result<number, ConfigFieldError> {
  return value === undefined ? Result.fail(new ConfigFieldError({ field, problem: `required but missing (hybrid_override_pattern has ${kind} layers)` })) : Result.succeed(value)
}

/** The layer kinds' blocks, each built only when the pattern has that kind. */
function kindBlocks(config: NemotronH): Result.Result<{ mamba?: Mamba2Spec; attention?: AttentionSpec; mlp?: FfnSpec }, ConfigFieldError> {
  return Result.gen(function* () {
    const pattern = config.hybrid_override_pattern
    const out: { mamba?: Mamba2Spec; attention?: AttentionSpec; mlp?: FfnSpec } = {}
    if (pattern.includes('*')) {
      const heads = yield* required(config.num_attention_heads, 'num_attention_heads', 'attention')
      out.attention = yield* gqaAttention({ ...config, num_attention_heads: heads, head_dim: config.head_dim ?? config.attention_head_dim })
    }
    if (pattern.includes('-')) {
      const intermediate = yield* required(config.intermediate_size, 'intermediate_size', 'MLP')
      out.mlp = { type: 'ffn', hidden: config.hidden_size, intermediate, activation: 'relu2' }
    }
    if (pattern.includes('M')) {
      const heads = yield* required(config.mamba_num_heads, 'mamba_num_heads', 'Mamba')
      const groups = yield* required(config.n_groups, 'n_groups', 'Mamba')
      out.mamba = {
        type: 'mamba2',
        hidden: config.hidden_size,
        heads,
        headDim: yield* required(config.mamba_head_dim, 'mamba_head_dim', 'Mamba'),
        stateDim: yield* required(config.ssm_state_size, 'ssm_state_size', 'Mamba'),
        groups,
        convKernel: yield* required(config.conv_kernel, 'conv_kernel', 'Mamba'),
        chunkSize: config.chunk_size ?? hfDefaultChunkSize,
      }
      if (heads % groups !== 0) return yield* Result.fail(new ConfigFieldError({ field: 'n_groups', problem: `expected a divisor of mamba_num_heads = ${heads}, got ${groups}` }))
    }
    return out
  })
}

function layerKinds(config: NemotronH, blocks: { mamba?: Mamba2Spec; attention?: AttentionSpec; mlp?: FfnSpec }): Result.Result<readonly LayerChoice[], ConfigFieldError> {
  const noop: NoopSpec = { type: 'noop', hidden: config.hidden_size }
  const byChar: Readonly<Record<string, LayerChoice | undefined>> = {
    M: blocks.mamba && { mixer: blocks.mamba, ffn: noop },
    '*': blocks.attention && { mixer: blocks.attention, ffn: noop },
    '-': blocks.mlp && { mixer: noop, ffn: blocks.mlp },
  }
  const layers: LayerChoice[] = []
  for (const [index, char] of [...config.hybrid_override_pattern].entries()) {
    const layer = byChar[char]
    if (layer === undefined) {
      return Result.fail(
        new ConfigFieldError({
          field: `hybrid_override_pattern[${index}]`,
          problem: `expected M (Mamba-2), * (attention) or - (MLP), got ${JSON.stringify(char)}${char === 'E' ? ' (MoE layers are not supported yet)' : ''}`,
        }),
      )
    }
    layers.push(layer)
  }
  return Result.succeed(layers)
}

export function importNemotronH(json: unknown, options: ImportOptions = {}): Result.Result<Architecture, ConfigFieldError> {
  return Result.gen(function* () {
    const config = yield* decodeConfig(NemotronHConfig, json)
    yield* rejectBiases(config)
    yield* checkLayerCount(config, 'hybrid_override_pattern', [...config.hybrid_override_pattern].length)
    const blocks = yield* kindBlocks(config)
    const layers = yield* layerKinds(config, blocks)
    return assembleArchitecture(config, 'NemotronHForCausalLM', layers, options)
  })
}
