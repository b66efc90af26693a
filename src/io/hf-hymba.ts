import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import type { Architecture, LayerChoice } from '../blocks/architecture.ts'
import type { FfnSlotSpec, HybridHeadsSpec } from '../blocks/spec.ts'
import { ConfigFieldError } from './errors.ts'
import { decodeConfig } from './hf-decode.ts'
import { biasFields, commonFields, PositiveInt } from './hf-fields.ts'
import { assembleArchitecture, type ImportOptions, rejectBiases } from './hf-architecture.ts'

const NonNegativeInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** HF's "use the default" marker for Hymba's optional widths. */
const unset = -1

/**
 * `HymbaForCausalLM` (`model_type` "hymba"): every layer is a hybrid-head
 * mixer (attention and Mamba heads in parallel) and an FFN. Defaults are those
 * of HymbaConfig in Hymba's published `configuration_hymba.py`; the widths
 * follow its `modeling_hymba.py`, which takes the attention width as
 * hidden_size (so `attn_hidden_size` may only be -1 or hidden_size), the
 * query/key head size as hidden / heads, and the value head size as
 * d_inner / heads so that the attention output matches the Mamba branch.
 */
export const HymbaConfig = Schema.Struct({
  ...commonFields,
  ...biasFields,
  num_attention_heads: PositiveInt,
  num_key_value_heads: Schema.optionalKey(Schema.NullOr(PositiveInt)),
  attn_hidden_size: Schema.optionalKey(Schema.Int),
  kq_head_dim: Schema.optionalKey(Schema.Int),
  v_head_dim: Schema.optionalKey(Schema.Int),
  /** FFN width; 0 means the layers have no FFN. */
  intermediate_size: NonNegativeInt,
  mlp_hidden_act: Schema.optionalKey(Schema.Literals(['silu', 'relu2'])),
  mamba_expand: Schema.optionalKey(PositiveInt),
  mamba_d_state: Schema.optionalKey(PositiveInt),
  mamba_d_conv: Schema.optionalKey(PositiveInt),
  mamba_dt_rank: Schema.optionalKey(Schema.Union([PositiveInt, Schema.Literal('auto')])),
  /** The depthwise conv's bias is counted; a conv without one is not modelled. */
  mamba_conv_bias: Schema.optionalKey(Schema.Literal(true)),
  /** The dt, B and C RMSNorms are counted; a mixer without them is not modelled. */
  mamba_inner_layernorms: Schema.optionalKey(Schema.Literal(true)),
  /** Several Mamba heads groups per layer are not modelled. */
  num_mamba: Schema.optionalKey(Schema.Literal(1)),
  sliding_window: Schema.optionalKey(Schema.NullOr(PositiveInt)),
  global_attn_idx: Schema.optionalKey(Schema.NullOr(Schema.Array(NonNegativeInt))),
  kv_reuse_group: Schema.optionalKey(Schema.NullOr(Schema.Array(Schema.Array(NonNegativeInt)))),
  kv_reuse_every_i_layer: Schema.optionalKey(Schema.Int),
  /** Sharing K/V weights (rather than the cache) is not modelled. */
  kv_weight_reuse: Schema.optionalKey(Schema.Literal(false)),
  num_memory_tokens: Schema.optionalKey(NonNegativeInt),
  /** Meta tokens repeated inside the sequence are not modelled. */
  memory_tokens_interspersed_every: Schema.optionalKey(Schema.Literal(0)),
})

type Hymba = Schema.Schema.Type<typeof HymbaConfig>

/** HymbaConfig defaults (configuration_hymba.py): expand 2, d_state 16, d_conv 4, dt_rank ceil(hidden / 16). */
const defaults = { expand: 2, stateDim: 16, convKernel: 4, dtRankDivisor: 16 }

function fail(field: string, problem: string): Result.Result<never, ConfigFieldError> {
  return Result.fail(new ConfigFieldError({ field, problem }))
}

/** Which layers use a sliding window: all but `global_attn_idx`, when `sliding_window` is set. */
function windowedLayers(config: Hymba): Result.Result<readonly boolean[], ConfigFieldError> {
  const layers = config.num_hidden_layers
  const global = config.global_attn_idx ?? []
  const outside = global.findIndex((i) => i >= layers)
  if (outside >= 0) return fail(`global_attn_idx[${outside}]`, `expected a layer index below num_hidden_layers = ${layers}, got ${global[outside]}`)
  return Result.succeed(Array.from({ length: layers }, (_, i) => config.sliding_window != null && !global.includes(i)))
}

/**
 * Which layers reuse an earlier layer's KV cache. `kv_reuse_group` lists
 * groups whose first layer computes K/V and whose others reuse it; without it,
 * `kv_reuse_every_i_layer` = k makes every layer not divisible by k reuse.
 * Members of a group share one cache, so they must agree on the window.
 */
function sharingLayers(config: Hymba, windowed: readonly boolean[]): Result.Result<readonly boolean[], ConfigFieldError> {
  const layers = config.num_hidden_layers
  const shares = new Array<boolean>(layers).fill(false)
  const groups = config.kv_reuse_group
  if (groups == null) {
    const every = config.kv_reuse_every_i_layer ?? unset
    if (every > 0) for (let i = 0; i < layers; i++) shares[i] = i % every !== 0
    return Result.succeed(shares)
  }
  const seen = new Set<number>()
  for (const [g, group] of groups.entries()) {
    const field = `kv_reuse_group[${g}]`
    if (group.length === 0) return fail(field, 'expected at least one layer index')
    for (const [k, layer] of group.entries()) {
      if (layer >= layers) return fail(`${field}[${k}]`, `expected a layer index below num_hidden_layers = ${layers}, got ${layer}`)
      if (seen.has(layer)) return fail(`${field}[${k}]`, `layer ${layer} already belongs to another group`)
      if (k > 0 && layer <= group[k - 1]!) return fail(`${field}[${k}]`, `expected ascending layer indices (the first layer computes the shared K/V), got ${layer} after ${group[k - 1]}`)
      if (windowed[layer] !== windowed[group[0]!]) return fail(`${field}[${k}]`, `layer ${layer} and layer ${group[0]} share a cache but not the same attention window (see global_attn_idx)`)
      seen.add(layer)
      if (k > 0) shares[layer] = true
    }
  }
  return Result.succeed(shares)
}

/** The widths the modelling code derives, checked against any the config states. */
function mixerShape(config: Hymba) {
  const hidden = config.hidden_size
  const heads = config.num_attention_heads
  const kvHeads = config.num_key_value_heads ?? heads
  const ssmInner = (config.mamba_expand ?? defaults.expand) * hidden
  const dtRank = config.mamba_dt_rank === undefined || config.mamba_dt_rank === 'auto' ? Math.ceil(hidden / defaults.dtRankDivisor) : config.mamba_dt_rank
  return Result.gen(function* () {
    if (heads % kvHeads !== 0) return yield* fail('num_key_value_heads', `expected a divisor of num_attention_heads = ${heads}, got ${kvHeads}`)
    if (hidden % heads !== 0) return yield* fail('num_attention_heads', `expected a divisor of hidden_size = ${hidden} (the query/key head size is hidden_size / heads), got ${heads}`)
    if (ssmInner % heads !== 0) return yield* fail('num_attention_heads', `expected a divisor of the Mamba width ${ssmInner} (the value head size is mamba_expand × hidden_size / heads), got ${heads}`)
    const qkHeadDim = hidden / heads
    const vHeadDim = ssmInner / heads
    const stated: readonly (readonly [string, number | undefined, number])[] = [
      ['attn_hidden_size', config.attn_hidden_size, hidden],
      ['kq_head_dim', config.kq_head_dim, qkHeadDim],
      ['v_head_dim', config.v_head_dim, vHeadDim],
    ]
    for (const [field, value, derived] of stated)
      if (value !== undefined && value !== unset && value !== derived) return yield* fail(field, `expected -1 or ${derived} (Hymba's modelling code derives it), got ${value}`)
    return { hidden, heads, kvHeads, qkHeadDim, vHeadDim, ssmInner, dtRank }
  })
}

export function importHymba(json: unknown, options: ImportOptions = {}): Result.Result<Architecture, ConfigFieldError> {
  return Result.gen(function* () {
    const config = yield* decodeConfig(HymbaConfig, json)
    yield* rejectBiases(config)
    const shape = yield* mixerShape(config)
    const windowed = yield* windowedLayers(config)
    const shares = yield* sharingLayers(config, windowed)
    const base: HybridHeadsSpec = {
      type: 'hybrid-heads',
      ...shape,
      stateDim: config.mamba_d_state ?? defaults.stateDim,
      convKernel: config.mamba_d_conv ?? defaults.convKernel,
      metaTokens: config.num_memory_tokens ?? 0,
    }
    const window = config.sliding_window ?? undefined
    // Four distinct mixers at most, shared across layers so that costs are memoised per spec object.
    const mixers = new Map<string, HybridHeadsSpec>()
    const mixerFor = (local: boolean, shared: boolean): HybridHeadsSpec => {
      const key = `${local}|${shared}`
      let spec = mixers.get(key)
      if (spec === undefined) {
        spec = { ...base, ...(local && window !== undefined ? { window } : {}), ...(shared ? { sharesKv: true } : {}) }
        mixers.set(key, spec)
      }
      return spec
    }
    const ffn: FfnSlotSpec =
      config.intermediate_size === 0
        ? { type: 'noop', hidden: config.hidden_size }
        : { type: 'ffn', hidden: config.hidden_size, intermediate: config.intermediate_size, activation: config.mlp_hidden_act === 'relu2' ? 'relu2' : 'swiglu' }
    const layers: LayerChoice[] = windowed.map((local, i) => ({ mixer: mixerFor(local, shares[i]!), ffn }))
    return assembleArchitecture(config, 'HymbaForCausalLM', layers, options)
  })
}
