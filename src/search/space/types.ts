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
  /** `puzzle`, `hybrid`, `hymba`, or the file a user space came from. */
  readonly name: string
  readonly layers: readonly LayerMenu[]
  /** The Minitron space's model-wide width grid (`--space minitron`); `layers` are then its depth menus at the parent's widths. */
  readonly minitron?: MinitronPlan
  /**
   * Consecutive layers chosen jointly, because one's block depends on
   * another's (Hymba's cross-layer KV sharing). Each group is one unit of the
   * problem whose variants are the members' combinations the group admits;
   * layers in no group are units alone.
   */
  readonly groups?: readonly LayerGroup[]
  /**
   * Whole-model settings that no layer can choose alone (Hymba's meta tokens
   * and its one head layout): the search solves each setting's space exactly
   * and keeps the best child over all of them.
   */
  readonly settings?: readonly WholeModelSetting[]
}

/** One layer's pick within a group: a mixer option and an FFN option of that layer's menu. */
export interface LayerPick {
  readonly mixer: MixerOption
  readonly ffn: FfnOption
}

/** Layers searched as one unit (see `SearchSpace.groups`). */
export interface LayerGroup {
  /** Consecutive layer indices, ascending. */
  readonly layers: readonly number[]
  /** Whether the members may take these picks together (one per member, in order). */
  readonly admits: (picks: readonly LayerPick[]) => boolean
}

/** One whole-model setting (see `SearchSpace.settings`). */
export interface WholeModelSetting {
  /** Names the setting in results, e.g. `meta tokens 128, heads 24/kv 8, expand 2, window 1024`. */
  readonly label: string
  /** The per-layer space under this setting. */
  readonly space: SearchSpace
  /** Quality losses of the setting itself, added to the child's (e.g. the prior's credit for meta tokens). */
  readonly metrics: Readonly<Record<string, number>>
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
