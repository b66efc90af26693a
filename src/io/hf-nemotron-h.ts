import { Result, Schema } from 'effect'
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
 * `head_dim`; either is accepted).
 */
export const NemotronHConfig = Schema.Struct({
  ...commonFields,
  ...attentionFields,
  ...biasFields,
  attention_head_dim: Schema.optionalKey(Schema.NullOr(PositiveInt)),
  hybrid_override_pattern: Schema.String,
  intermediate_size: PositiveInt,
  mlp_hidden_act: Schema.optionalKey(Schema.Literal('relu2')),
  mamba_num_heads: PositiveInt,
  mamba_head_dim: PositiveInt,
  ssm_state_size: PositiveInt,
  n_groups: PositiveInt,
  conv_kernel: PositiveInt,
  chunk_size: Schema.optionalKey(PositiveInt),
})

type NemotronH = Schema.Schema.Type<typeof NemotronHConfig>

function layerKinds(config: NemotronH, mamba: Mamba2Spec, attention: AttentionSpec): Result.Result<readonly LayerChoice[], ConfigFieldError> {
  const noop: NoopSpec = { type: 'noop', hidden: config.hidden_size }
  const mlp: FfnSpec = { type: 'ffn', hidden: config.hidden_size, intermediate: config.intermediate_size, activation: 'relu2' }
  const byChar: Readonly<Record<string, LayerChoice>> = {
    M: { mixer: mamba, ffn: noop },
    '*': { mixer: attention, ffn: noop },
    '-': { mixer: noop, ffn: mlp },
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
    const attention = yield* gqaAttention({ ...config, head_dim: config.head_dim ?? config.attention_head_dim })
    const mamba: Mamba2Spec = {
      type: 'mamba2',
      hidden: config.hidden_size,
      heads: config.mamba_num_heads,
      headDim: config.mamba_head_dim,
      stateDim: config.ssm_state_size,
      groups: config.n_groups,
      convKernel: config.conv_kernel,
      chunkSize: config.chunk_size ?? hfDefaultChunkSize,
    }
    if (config.mamba_num_heads % config.n_groups !== 0) {
      return yield* Result.fail(
        new ConfigFieldError({ field: 'n_groups', problem: `expected a divisor of mamba_num_heads = ${config.mamba_num_heads}, got ${config.n_groups}` }),
      )
    }
    yield* checkLayerCount(config, 'hybrid_override_pattern', [...config.hybrid_override_pattern].length)
    const layers = yield* layerKinds(config, mamba, attention)
    return assembleArchitecture(config, 'NemotronHForCausalLM', layers, options)
  })
}
