import type { FfnSlotSpec, MixerSpec } from '../../blocks/spec.ts'
import type { MinitronPlan } from './minitron.ts'

/** One choice for a layer's mixer slot. */
export interface MixerOption {
  /** Stable id within the layer, e.g. `attn:kv4`, `attn:linear`, `attn:noop`, `mamba2`, `parent`. */
  readonly id: string
  readonly spec: MixerSpec
}

/** One choice for a layer's FFN slot. */
export interface FfnOption {
  /** Stable id within the layer, e.g. `ffn:100%`, `ffn:50%`, `ffn:linear`, `ffn:noop`. */
  readonly id: string
  readonly spec: FfnSlotSpec
}

/**
 * A layer's menu: every mixer option with every FFN option (Puzzle's
 * 6 × 9 = 54 variants for Llama-70B). `parent` names the options that
 * reproduce the parent's layer.
 */
export interface LayerMenu {
  readonly mixers: readonly MixerOption[]
  readonly ffns: readonly FfnOption[]
  readonly parent: { readonly mixer: string; readonly ffn: string }
}

export interface SearchSpace {
  /** `puzzle`, `hybrid`, or the file a user space came from. */
  readonly name: string
  readonly layers: readonly LayerMenu[]
  /** The Minitron space's model-wide width grid (`--space minitron`); `layers` are then its depth menus at the parent's widths. */
  readonly minitron?: MinitronPlan
}

/** The id of a layer variant: the mixer option and the FFN option, joined. */
export function variantId(mixer: string, ffn: string): string {
  return `${mixer}|${ffn}`
}

/** The two option ids of a variant id. */
export function splitVariantId(id: string): { readonly mixer: string; readonly ffn: string } {
  const bar = id.indexOf('|')
  return { mixer: id.slice(0, bar), ffn: id.slice(bar + 1) }
}
