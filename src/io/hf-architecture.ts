import * as Result from 'effect/Result'
import type { Architecture, LayerChoice } from '../blocks/architecture.ts'
import type { AttentionSpec } from '../blocks/spec.ts'
import { ConfigFieldError } from './errors.ts'

/** The decoded fields every supported family shares (see `commonFields`). */
export interface CommonConfig {
  readonly hidden_size: number
  readonly num_hidden_layers: number
  readonly vocab_size: number
  readonly tie_word_embeddings?: boolean | undefined
  readonly max_position_embeddings?: number | null | undefined
  readonly _name_or_path?: string | undefined
  readonly _source?: string | readonly string[] | undefined
}

/** The decoded fields of a grouped-query attention block (see `attentionFields`). */
export interface AttentionConfig {
  readonly hidden_size: number
  readonly num_attention_heads: number
  readonly num_key_value_heads?: number | null | undefined
  readonly head_dim?: number | null | undefined
}

/** Config switches that add biases to projections; nas-sim's blocks are bias-free. */
const biasSwitches = ['attention_bias', 'mlp_bias', 'use_bias', 'mamba_proj_bias'] as const

/** The decoded bias switches (see `biasFields`). */
export type BiasConfig = { readonly [K in (typeof biasSwitches)[number]]?: boolean | undefined }

/** Biased projections would add parameters the block models do not count, so they are refused rather than ignored. */
export function rejectBiases(config: BiasConfig): Result.Result<void, ConfigFieldError> {
  const field = biasSwitches.find((name) => config[name] === true)
  return field === undefined
    ? Result.void
    : Result.fail(new ConfigFieldError({ field, problem: 'biased projections are not modelled yet; expected false' }))
}

/**
 * The attention block a config describes, checked the way the model code
 * would fail: KV heads must divide query heads, and without `head_dim` the
 * width must split evenly over the heads.
 */
export function gqaAttention(config: AttentionConfig): Result.Result<AttentionSpec, ConfigFieldError> {
  const heads = config.num_attention_heads
  const kvHeads = config.num_key_value_heads ?? heads
  if (heads % kvHeads !== 0) {
    return Result.fail(
      new ConfigFieldError({
        field: 'num_key_value_heads',
        problem: `expected a divisor of num_attention_heads = ${heads}, got ${kvHeads}`,
      }),
    )
  }
  const headDim = config.head_dim ?? config.hidden_size / heads
  if (!Number.isInteger(headDim)) {
    return Result.fail(
      new ConfigFieldError({
        field: 'head_dim',
        problem: `required because hidden_size = ${config.hidden_size} is not a multiple of num_attention_heads = ${heads}`,
      }),
    )
  }
  return Result.succeed({ type: 'attention', hidden: config.hidden_size, heads, kvHeads, headDim })
}

/** The layer count must match the per-layer description (pattern or block list). */
export function checkLayerCount(
  config: CommonConfig,
  field: string,
  described: number,
): Result.Result<void, ConfigFieldError> {
  return described === config.num_hidden_layers
    ? Result.void
    : Result.fail(
        new ConfigFieldError({
          field,
          problem: `describes ${described} layers, expected num_hidden_layers = ${config.num_hidden_layers}`,
        }),
      )
}

/** How an imported architecture is named and attributed. */
export interface ImportOptions {
  /** Display name; wins over the config's `_name_or_path`. */
  readonly name?: string
  /** Name when neither `name` nor a non-empty `_name_or_path` is given; defaults to the architecture class. */
  readonly defaultName?: string
  /** Provenance when the config has no `_source` key, e.g. the file it was read from. */
  readonly source?: string
}

/**
 * Assembles the architecture, named by `options.name`, else the config's
 * `_name_or_path`, else `options.defaultName`, else its architecture class,
 * and attributed to the config's `_source`, else `options.source`.
 */
export function assembleArchitecture(
  config: CommonConfig,
  architectureClass: string,
  layers: readonly LayerChoice[],
  options: ImportOptions,
): Architecture {
  const source = config._source === undefined ? options.source : [config._source].flat().join('; ')
  return {
    name: options.name ?? (config._name_or_path || (options.defaultName ?? architectureClass)),
    hidden: config.hidden_size,
    embedding: {
      vocabSize: config.vocab_size,
      hidden: config.hidden_size,
      tied: config.tie_word_embeddings ?? false,
    },
    layers,
    ...(config.max_position_embeddings == null ? {} : { maxContext: config.max_position_embeddings }),
    ...(source === undefined ? {} : { source }),
  }
}
