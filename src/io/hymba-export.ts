/**
 * A child of hybrid-head layers as a HymbaConfig `config.json` that Hymba's
 * published remote code (`configuration_hymba.py`, `modeling_hymba.py` of
 * huggingface.co/nvidia/Hymba-1.5B-Base) loads, with the field names of
 * Hymba-1.5B-Base's own config (../shared/reference/models/hymba_1.5b_base.json).
 *
 * HymbaConfig holds one head layout, one Mamba width, one window length, one
 * FFN width and one meta-token count for the whole model; only the windows
 * (`global_attn_idx`: the layers without one) and the KV sharing
 * (`kv_reuse_group`: a layer that makes a cache, then the layers that reuse it)
 * vary by layer. A child outside that is refused with the first layer and field
 * that breaks it. The search's hymba space only makes children inside it.
 */
import * as Data from 'effect/Data'
import * as Result from 'effect/Result'
import type { Architecture } from '../blocks/architecture.ts'
import type { FfnSlotSpec, HybridHeadsSpec } from '../blocks/spec.ts'
import { hfSettings } from './hf-settings.ts'

export class HymbaExportError extends Data.TaggedError('HymbaExportError')<{
  readonly field: string
  readonly problem: string
}> {
  override get message(): string {
    return `cannot export as HymbaConfig: ${this.field}: ${this.problem}`
  }
}

/** The remote-code classes a Hymba checkpoint ships, which HF transformers loads with trust_remote_code. */
const hymbaAutoMap = {
  AutoConfig: 'configuration_hymba.HymbaConfig',
  AutoModelForCausalLM: 'modeling_hymba.HymbaForCausalLM',
} as const

function fail(field: string, problem: string): Result.Result<never, HymbaExportError> {
  return Result.fail(new HymbaExportError({ field, problem }))
}

/** Fields every layer must agree on, with the HymbaConfig key each becomes. */
const uniform = ['heads', 'kvHeads', 'ssmInner', 'stateDim', 'dtRank', 'convKernel', 'metaTokens'] as const satisfies readonly (keyof HybridHeadsSpec)[]

function sameFfn(a: FfnSlotSpec, b: FfnSlotSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** `kv_reuse_group`: each layer that makes a cache followed by the layers that reuse it, for groups of two or more. */
function reuseGroups(mixers: readonly HybridHeadsSpec[]): Result.Result<number[][], HymbaExportError> {
  const groups: number[][] = []
  for (const [l, m] of mixers.entries()) {
    if (m.sharesKv !== true) {
      groups.push([l])
      continue
    }
    const group = groups.at(-1)
    if (group === undefined) return fail(`layers[${l}].mixer.sharesKv`, 'the first layer has no earlier cache to reuse')
    const owner = mixers[group[0]!]!
    if (owner.window !== m.window) return fail(`layers[${l}].mixer.window`, `a layer reusing layer ${group[0]}'s cache must have its window (${owner.window ?? 'global'}), got ${m.window ?? 'global'}`)
    group.push(l)
  }
  return Result.succeed(groups.filter((g) => g.length > 1))
}

/** The child as a HymbaConfig config.json, or the first reason it cannot be one. */
export function exportHymba(arch: Architecture): Result.Result<Readonly<Record<string, unknown>>, HymbaExportError> {
  return Result.gen(function* () {
    const mixers: HybridHeadsSpec[] = []
    for (const [l, layer] of arch.layers.entries()) {
      if (layer.mixer.type !== 'hybrid-heads') return yield* fail(`layers[${l}].mixer`, `HymbaConfig layers are all hybrid-head; this one is ${layer.mixer.type}`)
      mixers.push(layer.mixer)
    }
    const first = mixers[0]
    if (first === undefined) return yield* fail('layers', 'no layers')
    for (const [l, m] of mixers.entries()) {
      for (const key of uniform)
        if ((m[key] ?? 0) !== (first[key] ?? 0)) return yield* fail(`layers[${l}].mixer.${key}`, `HymbaConfig has one value for the whole model; layer 0 has ${first[key] ?? 0}, this layer ${m[key] ?? 0}`)
      if (m.hidden !== arch.hidden) return yield* fail(`layers[${l}].mixer.hidden`, `expected ${arch.hidden}, got ${m.hidden}`)
      if (m.qkHeadDim * m.heads !== arch.hidden) return yield* fail(`layers[${l}].mixer.qkHeadDim`, `Hymba's modelling code derives it as hidden / heads = ${arch.hidden / m.heads}, got ${m.qkHeadDim}`)
      if (m.vHeadDim * m.heads !== m.ssmInner) return yield* fail(`layers[${l}].mixer.vHeadDim`, `Hymba's modelling code derives it as d_inner / heads = ${m.ssmInner / m.heads}, got ${m.vHeadDim}`)
      if (m.ssmInner % arch.hidden !== 0) return yield* fail(`layers[${l}].mixer.ssmInner`, `HymbaConfig sets it as mamba_expand × hidden; ${m.ssmInner} is not a multiple of ${arch.hidden}`)
    }
    const windows = [...new Set(mixers.flatMap((m) => (m.window === undefined ? [] : [m.window])))]
    if (windows.length > 1) return yield* fail('layers[].mixer.window', `HymbaConfig has one sliding_window; this child has ${windows.join(', ')}`)
    const ffn = arch.layers[0]!.ffn
    for (const [l, layer] of arch.layers.entries()) if (!sameFfn(layer.ffn, ffn)) return yield* fail(`layers[${l}].ffn`, 'HymbaConfig has one intermediate_size; this layer differs from layer 0')
    if (ffn.type === 'linear') return yield* fail('layers[0].ffn', 'a linear FFN cannot be expressed (intermediate_size 0 means none)')
    const groups = yield* reuseGroups(mixers)
    const global = mixers.flatMap((m, l) => (m.window === undefined ? [l] : []))
    const settings = arch.settings ?? {}
    return {
      _name_or_path: arch.name,
      architectures: ['HymbaForCausalLM'],
      model_type: 'hymba',
      auto_map: hymbaAutoMap,
      // Hymba's modelling code applies rotary embeddings only when `rope` is set; a Llama parent's settings lack it.
      rope: true,
      ...hfSettings(settings),
      vocab_size: arch.embedding.vocabSize,
      tie_word_embeddings: arch.embedding.tied,
      hidden_size: arch.hidden,
      num_hidden_layers: arch.layers.length,
      intermediate_size: ffn.type === 'ffn' ? ffn.intermediate : 0,
      mlp_hidden_act: ffn.type === 'ffn' && ffn.activation === 'relu2' ? 'relu2' : 'silu',
      hidden_act: 'silu',
      num_attention_heads: first.heads,
      num_key_value_heads: first.kvHeads,
      attn_hidden_size: -1,
      kq_head_dim: -1,
      v_head_dim: first.vHeadDim,
      mamba_expand: first.ssmInner / arch.hidden,
      mamba_d_state: first.stateDim,
      mamba_d_conv: first.convKernel,
      mamba_dt_rank: first.dtRank,
      mamba_conv_bias: true,
      mamba_inner_layernorms: true,
      num_mamba: 1,
      // HymbaConfig's default is a 16-expert MoE FFN; Hymba-1.5B sets 1, a dense FFN, which is what nas-sim costs.
      num_experts: 1,
      num_experts_per_tok: 1,
      sliding_window: windows[0] ?? null,
      global_attn_idx: windows.length === 0 ? null : global,
      kv_reuse_group: groups.length === 0 ? null : groups,
      kv_reuse_every_i_layer: -1,
      kv_weight_reuse: false,
      num_memory_tokens: first.metaTokens ?? 0,
      memory_tokens_interspersed_every: 0,
      ...(arch.maxContext === undefined ? {} : { max_position_embeddings: arch.maxContext }),
    }
  })
}
