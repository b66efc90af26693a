import * as Schema from 'effect/Schema'

/**
 * The largest count or width nas-sim accepts: 2²⁴. Published models stay far below it (the widest FFN of the
 * reference models, Nemotron-4 340B's, is 73,728; the largest vocabulary 256,000), so a larger value is a typo,
 * and refusing it keeps every later product of sizes finite.
 */
export const maxSize = 2 ** 24

/** A count or width: an integer from 1 to {@link maxSize}. */
export const PositiveInt = Schema.Int.check(
  Schema.isGreaterThan(0),
  Schema.isLessThanOrEqualTo(maxSize, { message: `expected at most ${maxSize.toLocaleString('en-US')} (larger than any published model)` }),
)

/**
 * The most layers nas-sim accepts. The deepest reference model, Llama-3.1-Nemotron-Ultra-253B, has 162
 * (../shared/reference/models); every layer is costed and searched, so an absurd count would run for minutes.
 */
export const maxLayers = 1024

/** A layer count: an integer from 1 to {@link maxLayers}. */
export const LayerCount = Schema.Int.check(
  Schema.isGreaterThan(0),
  Schema.isLessThanOrEqualTo(maxLayers, { message: `expected at most ${maxLayers} layers (the deepest published model has 162)` }),
)

/**
 * Fields every supported decoder-only family shares, under their Hugging Face
 * names. Defaults follow `transformers.PretrainedConfig` where the format
 * defines one (`tie_word_embeddings` false for these families).
 */
export const commonFields = {
  hidden_size: PositiveInt,
  num_hidden_layers: LayerCount,
  vocab_size: PositiveInt,
  tie_word_embeddings: Schema.optionalKey(Schema.Boolean),
  max_position_embeddings: Schema.optionalKey(Schema.NullOr(PositiveInt)),
  /** HF's own bookkeeping key; nas-sim uses it as the default display name. */
  _name_or_path: Schema.optionalKey(Schema.String),
  /** nas-sim's provenance key on shipped fixtures: one citation or several. */
  _source: Schema.optionalKey(Schema.Union([Schema.String, Schema.Array(Schema.String)])),
} as const

/** Fields of a grouped-query attention block under their HF names. */
export const attentionFields = {
  num_attention_heads: PositiveInt,
  /** Absent or null means multi-head attention (HF's default: as many as query heads). */
  num_key_value_heads: Schema.optionalKey(Schema.NullOr(PositiveInt)),
  /** Absent or null means `hidden_size / num_attention_heads` (HF's default). */
  head_dim: Schema.optionalKey(Schema.NullOr(PositiveInt)),
} as const

/** Bias switches; nas-sim's blocks are bias-free, so only false (or absent) is accepted after decoding. */
export const biasFields = {
  attention_bias: Schema.optionalKey(Schema.Boolean),
  mlp_bias: Schema.optionalKey(Schema.Boolean),
  use_bias: Schema.optionalKey(Schema.Boolean),
  mamba_proj_bias: Schema.optionalKey(Schema.Boolean),
} as const
