import * as Result from 'effect/Result'
import type { Architecture } from '../blocks/architecture.ts'
import type { AttentionSpec, FfnSlotSpec, MixerSpec } from '../blocks/spec.ts'
import { deciLmFfnGranule, deciLmFfnMult } from './decilm-ffn.ts'
import { DeciLmExportError } from './errors.ts'
import { hfSettings } from './hf-settings.ts'

/** One layer's attention entry, with every field the Llama-3.3-Nemotron-Super-49B config.json writes. */
export interface DeciLmAttentionBlock {
  readonly n_heads_in_group: number | null
  readonly no_op: boolean
  readonly num_sink_tokens: null
  readonly replace_with_linear: boolean
  readonly sparsify: null
  readonly unshifted_sink: false
  readonly use_prefill_window_in_sink_attention: false
  readonly window_length: number | null
}

/** One layer's FFN entry, as in the Super-49B config.json. */
export interface DeciLmFfnBlock {
  readonly ffn_mult: number | null
  readonly no_op: boolean
  readonly replace_with_linear: boolean
  readonly sparsify: null
}

/** A DeciLM (`nemotron-nas`) config.json: the architectural fields plus whatever was carried over from the parent. */
export interface DeciLmConfigJson {
  readonly _name_or_path: string
  readonly architectures: readonly ['DeciLMForCausalLM']
  readonly model_type: 'nemotron-nas'
  readonly auto_map: { readonly AutoConfig: string; readonly AutoModelForCausalLM: string }
  readonly block_configs: readonly { readonly attention: DeciLmAttentionBlock; readonly ffn: DeciLmFfnBlock }[]
  readonly hidden_act: 'silu'
  readonly hidden_size: number
  readonly num_attention_heads: number
  readonly num_hidden_layers: number
  /** Per layer in `block_configs`, so null globally. */
  readonly num_key_value_heads: null
  /** Per layer in `block_configs`, so null globally. */
  readonly intermediate_size: null
  readonly attention_bias: false
  readonly mlp_bias: false
  readonly tie_word_embeddings: boolean
  readonly vocab_size: number
  readonly max_position_embeddings?: number
  readonly [inherited: string]: unknown
}

/**
 * The remote-code classes a DeciLM checkpoint ships (`configuration_decilm.py`,
 * `modeling_decilm.py`), named as in the Super-49B config.json; HF transformers
 * needs them with trust_remote_code, and vLLM and TensorRT-LLM key on the
 * `DeciLMForCausalLM` architecture.
 */
const deciLmAutoMap = {
  AutoConfig: 'configuration_decilm.DeciLMConfig',
  AutoModelForCausalLM: 'modeling_decilm.DeciLMForCausalLM',
} as const

function fail(field: string, problem: string): Result.Result<never, DeciLmExportError> {
  return Result.fail(new DeciLmExportError({ field, problem }))
}

const disabledAttention = {
  n_heads_in_group: null,
  num_sink_tokens: null,
  sparsify: null,
  unshifted_sink: false,
  use_prefill_window_in_sink_attention: false,
  window_length: null,
} as const

function attentionBlock(mixer: MixerSpec, heads: number, at: string): Result.Result<DeciLmAttentionBlock, DeciLmExportError> {
  switch (mixer.type) {
    case 'noop':
      return Result.succeed({ ...disabledAttention, no_op: true, replace_with_linear: false })
    case 'linear':
      return Result.succeed({ ...disabledAttention, no_op: false, replace_with_linear: true })
    case 'mamba2':
      return fail(at, 'Mamba-2 mixers cannot be expressed; DeciLM layers hold only Llama attention and FFN blocks')
    case 'hybrid-heads':
      return fail(at, 'Hymba hybrid-head mixers cannot be expressed; DeciLM layers hold only Llama attention and FFN blocks')
    case 'attention':
      if (mixer.sharesKv === true) return fail(`${at}.sharesKv`, 'cross-layer KV sharing cannot be expressed in DeciLM; expected false')
      if (mixer.heads !== heads) return fail(`${at}.heads`, `expected ${heads} like the first attention layer (DeciLM has one num_attention_heads), got ${mixer.heads}`)
      if (mixer.heads * mixer.headDim !== mixer.hidden) {
        return fail(`${at}.headDim`, `DeciLM derives the head size as hidden / heads; expected ${mixer.hidden / heads}, got ${mixer.headDim}`)
      }
      if (heads % mixer.kvHeads !== 0) return fail(`${at}.kvHeads`, `expected a divisor of heads = ${heads}, got ${mixer.kvHeads}`)
      return Result.succeed({
        ...disabledAttention,
        n_heads_in_group: heads / mixer.kvHeads,
        no_op: false,
        replace_with_linear: false,
        window_length: mixer.window ?? null,
      })
  }
}

function ffnBlock(ffn: FfnSlotSpec, hidden: number, at: string): Result.Result<DeciLmFfnBlock, DeciLmExportError> {
  switch (ffn.type) {
    case 'noop':
      return Result.succeed({ ffn_mult: null, no_op: true, replace_with_linear: false, sparsify: null })
    case 'linear':
      return Result.succeed({ ffn_mult: null, no_op: false, replace_with_linear: true, sparsify: null })
    case 'ffn': {
      if (ffn.activation !== 'swiglu') return fail(`${at}.activation`, `DeciLM FFNs are gated SwiGLU; expected swiglu, got ${ffn.activation}`)
      const ffnMult = deciLmFfnMult(ffn.intermediate, hidden)
      if (ffnMult === undefined) {
        return fail(
          `${at}.intermediate`,
          `no ffn_mult gives ${ffn.intermediate} at hidden ${hidden}; DeciLM widths are multiples of ${deciLmFfnGranule}`,
        )
      }
      return Result.succeed({ ffn_mult: ffnMult, no_op: false, replace_with_linear: false, sparsify: null })
    }
  }
}

/** The query-head count every attention layer must share, checked against the width DeciLM splits over it. */
function sharedHeads(arch: Architecture): Result.Result<number, DeciLmExportError> {
  const attention = arch.layers.map((layer) => layer.mixer).find(isAttention)
  return attention === undefined
    ? fail('layers', 'at least one attention layer is needed to set num_attention_heads')
    : Result.succeed(attention.heads)
}

function isAttention(mixer: MixerSpec): mixer is AttentionSpec {
  return mixer.type === 'attention'
}

function checkWidths(arch: Architecture): Result.Result<void, DeciLmExportError> {
  if (arch.embedding.hidden !== arch.hidden) return fail('embedding.hidden', `expected hidden = ${arch.hidden}, got ${arch.embedding.hidden}`)
  for (const [index, layer] of arch.layers.entries()) {
    for (const slot of ['mixer', 'ffn'] as const) {
      const width = layer[slot].hidden
      if (width !== arch.hidden) return fail(`layers[${index}].${slot}.hidden`, `expected hidden = ${arch.hidden}, got ${width}`)
    }
  }
  return Result.void
}

/**
 * Writes a heterogeneous Llama-family architecture as a DeciLM config.json
 * with the field set of Llama-3.3-Nemotron-Super-49B, so that HF transformers
 * (remote code), vLLM and TensorRT-LLM build the same layers. Each FFN width
 * becomes the `ffn_mult` that the loaders' rounding maps back to it exactly.
 * Note that vLLM's DeciLM model reads `no_op` but not `replace_with_linear`.
 *
 * Every setting of the parent's config that the child does not change
 * (`rope_theta`, `rope_scaling`, `rms_norm_eps`, token ids, `torch_dtype`, …)
 * is copied: without them the loaders fall back to LlamaConfig's defaults,
 * whose RoPE (theta 10000, no scaling) gives a different model. Keys are
 * sorted, as transformers writes them.
 *
 * @param parent the parent's config.json, when its settings should come from
 *   it rather than from `arch.settings` (what the importer kept).
 */
export function exportDeciLm(
  arch: Architecture,
  parent?: Readonly<Record<string, unknown>>,
): Result.Result<DeciLmConfigJson, DeciLmExportError> {
  return Result.gen(function* () {
    yield* checkWidths(arch)
    const heads = yield* sharedHeads(arch)
    const blockConfigs: DeciLmConfigJson['block_configs'][number][] = []
    for (const [index, layer] of arch.layers.entries()) {
      const attention = yield* attentionBlock(layer.mixer, heads, `layers[${index}].mixer`)
      const ffn = yield* ffnBlock(layer.ffn, arch.hidden, `layers[${index}].ffn`)
      blockConfigs.push({ attention, ffn })
    }
    const settings = parent === undefined ? (arch.settings ?? {}) : hfSettings(parent)
    const config: DeciLmConfigJson = {
      ...settings,
      _name_or_path: arch.name,
      architectures: ['DeciLMForCausalLM'],
      model_type: 'nemotron-nas',
      auto_map: deciLmAutoMap,
      attention_bias: false,
      mlp_bias: false,
      block_configs: blockConfigs,
      hidden_act: 'silu',
      hidden_size: arch.hidden,
      intermediate_size: null,
      num_attention_heads: heads,
      num_hidden_layers: arch.layers.length,
      num_key_value_heads: null,
      tie_word_embeddings: arch.embedding.tied,
      vocab_size: arch.embedding.vocabSize,
      ...(arch.maxContext === undefined ? {} : { max_position_embeddings: arch.maxContext }),
    }
    return sortedKeys(config)
  })
}

function sortedKeys<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T
}
