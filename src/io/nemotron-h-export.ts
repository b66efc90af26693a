/**
 * Writes a hybrid architecture as a Nemotron-H (`NemotronHForCausalLM`,
 * `model_type` "nemotron_h") config.json, the format of
 * nvidia/Nemotron-H-8B-Base-8K and of the Minitron-SSM child
 * nvidia/Nemotron-H-4B-Base-8K (../shared/reference/models/nemotron_h_4b.json).
 *
 * Nemotron-H describes its layers with one character each in
 * `hybrid_override_pattern` (`M` Mamba-2, `*` attention, `-` squared-ReLU MLP)
 * and one model-wide shape per kind: `mamba_num_heads`, `mamba_head_dim`,
 * `n_groups`, `ssm_state_size`, `conv_kernel`; `num_attention_heads`,
 * `num_key_value_heads`, `head_dim`; `intermediate_size`. The published
 * configuration code asserts that the pattern has `num_hidden_layers`
 * characters, and its Mamba mixer takes its inner width as
 * mamba_num_heads × mamba_head_dim (not expand × hidden), so a pruned head
 * layout needs no other field. A layer whose two slots are both empty was
 * dropped and leaves the pattern. Everything else the parent's config said
 * (`layer_norm_epsilon`, token ids, `torch_dtype`, unknown keys) is kept.
 */
import * as Data from 'effect/Data'
import * as Result from 'effect/Result'
import type { Architecture } from '../blocks/architecture.ts'
import type { AttentionSpec, FfnSpec, Mamba2Spec } from '../blocks/spec.ts'
import { hfSettings } from './hf-settings.ts'

export class NemotronHExportError extends Data.TaggedError('NemotronHExportError')<{
  readonly field: string
  readonly problem: string
}> {
  override get message(): string {
    return `cannot export as Nemotron-H: ${this.field}: ${this.problem}`
  }
}

/** The config.json fields the exporter writes, beside the parent's settings. */
export interface NemotronHConfigJson {
  readonly _name_or_path: string
  readonly architectures: readonly ['NemotronHForCausalLM']
  readonly model_type: 'nemotron_h'
  readonly hidden_size: number
  readonly num_hidden_layers: number
  readonly hybrid_override_pattern: string
  readonly vocab_size: number
  readonly tie_word_embeddings: boolean
  readonly [field: string]: unknown
}

const fail = (field: string, problem: string) => Result.fail(new NemotronHExportError({ field, problem }))

/** Every block of one kind must have the same shape; the first one sets it. */
function same<T extends object>(first: T | undefined, next: T, keys: readonly (keyof T)[], at: string): Result.Result<T, NemotronHExportError> {
  if (first === undefined) return Result.succeed(next)
  for (const k of keys)
    if (first[k] !== next[k]) return fail(`${at}.${String(k)}`, `${String(next[k])} differs from the first such layer's ${String(first[k])}; Nemotron-H has one shape per layer kind`)
  return Result.succeed(first)
}

/**
 * The Nemotron-H config.json of an architecture whose layers each hold one
 * Mamba-2 mixer, one attention mixer or one squared-ReLU FFN (or nothing:
 * dropped). Anything else (a layer with both slots, a linear block, a
 * window, shared KV, a SwiGLU FFN, differing shapes) is an error naming it.
 *
 * @param parent the parent's config.json, when its settings should come from it rather than from `arch.settings`.
 */
export function exportNemotronH(arch: Architecture, parent?: Readonly<Record<string, unknown>>): Result.Result<NemotronHConfigJson, NemotronHExportError> {
  return Result.gen(function* () {
    if (arch.embedding.hidden !== arch.hidden) return yield* fail('embedding.hidden', `expected hidden = ${arch.hidden}, got ${arch.embedding.hidden}`)
    let mamba: Mamba2Spec | undefined
    let attention: AttentionSpec | undefined
    let ffn: FfnSpec | undefined
    let pattern = ''
    for (const [i, layer] of arch.layers.entries()) {
      const at = `layers[${i}]`
      const { mixer, ffn: f } = layer
      for (const [slot, block] of [['mixer', mixer], ['ffn', f]] as const)
        if (block.hidden !== arch.hidden) return yield* fail(`${at}.${slot}.hidden`, `expected hidden = ${arch.hidden}, got ${block.hidden}`)
      if (mixer.type !== 'noop' && f.type !== 'noop') return yield* fail(at, `holds a ${mixer.type} mixer and a ${f.type} FFN; a Nemotron-H layer holds one of them`)
      if (f.type === 'linear' || mixer.type === 'linear') return yield* fail(at, 'a linear block has no Nemotron-H layer kind (M, * or -)')
      if (f.type === 'ffn') {
        if (f.activation !== 'relu2') return yield* fail(`${at}.ffn.activation`, `Nemotron-H MLPs are squared ReLU; expected relu2, got ${f.activation}`)
        ffn = yield* same(ffn, f, ['intermediate'], `${at}.ffn`)
        pattern += '-'
      } else if (mixer.type === 'mamba2') {
        mamba = yield* same(mamba, mixer, ['heads', 'headDim', 'groups', 'stateDim', 'convKernel', 'chunkSize'], `${at}.mixer`)
        pattern += 'M'
      } else if (mixer.type === 'attention') {
        if (mixer.window !== undefined) return yield* fail(`${at}.mixer.window`, 'Nemotron-H attention is global; expected no window')
        if (mixer.sharesKv === true) return yield* fail(`${at}.mixer.sharesKv`, 'Nemotron-H has no cross-layer KV sharing; expected false')
        attention = yield* same(attention, mixer, ['heads', 'kvHeads', 'headDim'], `${at}.mixer`)
        pattern += '*'
      } else if (mixer.type === 'hybrid-heads') {
        return yield* fail(`${at}.mixer`, 'Hymba hybrid heads have no Nemotron-H layer kind')
      }
      // Both slots empty: a dropped layer, absent from the pattern.
    }
    if (pattern === '') return yield* fail('layers', 'every layer is empty; a Nemotron-H model needs at least one')
    const settings = parent === undefined ? (arch.settings ?? {}) : hfSettings(parent)
    const config: NemotronHConfigJson = {
      ...settings,
      _name_or_path: arch.name,
      architectures: ['NemotronHForCausalLM'],
      model_type: 'nemotron_h',
      attention_bias: false,
      mlp_bias: false,
      use_bias: false,
      mamba_proj_bias: false,
      mlp_hidden_act: 'relu2',
      hidden_size: arch.hidden,
      num_hidden_layers: pattern.length,
      hybrid_override_pattern: pattern,
      vocab_size: arch.embedding.vocabSize,
      tie_word_embeddings: arch.embedding.tied,
      ...(ffn === undefined ? {} : { intermediate_size: ffn.intermediate }),
      ...(attention === undefined
        ? {}
        : // `head_dim` is what the configuration class reads; `attention_head_dim` is what the published 8B config.json writes.
          { num_attention_heads: attention.heads, num_key_value_heads: attention.kvHeads, head_dim: attention.headDim, attention_head_dim: attention.headDim }),
      ...(mamba === undefined
        ? {}
        : {
            mamba_num_heads: mamba.heads,
            mamba_head_dim: mamba.headDim,
            n_groups: mamba.groups,
            ssm_state_size: mamba.stateDim,
            conv_kernel: mamba.convKernel,
            ...(mamba.chunkSize === undefined ? {} : { chunk_size: mamba.chunkSize }),
          }),
      ...(arch.maxContext === undefined ? {} : { max_position_embeddings: arch.maxContext }),
    }
    return Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as NemotronHConfigJson
  })
}
