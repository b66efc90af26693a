/**
 * What a layer slot holds, as the architecture map colours it and a reader
 * names it: attention by KV heads, Mamba-2, FFN by its width relative to the
 * parent's, linear, no-op.
 */
import type { FfnSlotSpec, MixerSpec } from '../src/blocks/spec.ts'
import { formatInteger } from './formats.ts'

export type SlotVariant =
  | { readonly kind: 'attention'; readonly kvHeads: number }
  | { readonly kind: 'mamba' }
  | { readonly kind: 'hybrid' }
  | { readonly kind: 'ffn'; readonly fraction: number }
  | { readonly kind: 'linear' }
  | { readonly kind: 'noop' }

export function mixerVariant(spec: MixerSpec): SlotVariant {
  switch (spec.type) {
    case 'attention':
      return { kind: 'attention', kvHeads: spec.kvHeads }
    case 'mamba2':
      return { kind: 'mamba' }
    case 'hybrid-heads':
      return { kind: 'hybrid' }
    case 'linear':
      return { kind: 'linear' }
    case 'noop':
      return { kind: 'noop' }
  }
}

/** `parentIntermediate` is the width the fraction is measured against (the parent's FFN at the same layer). */
export function ffnVariant(spec: FfnSlotSpec, parentIntermediate: number): SlotVariant {
  switch (spec.type) {
    case 'ffn':
      return { kind: 'ffn', fraction: spec.intermediate / parentIntermediate }
    case 'linear':
      return { kind: 'linear' }
    case 'noop':
      return { kind: 'noop' }
  }
}

/** One-line description of a mixer, e.g. `GQA, 8 KV heads (64 query heads × 128)`. */
export function describeMixer(spec: MixerSpec): string {
  switch (spec.type) {
    case 'attention': {
      const form = spec.kvHeads === spec.heads ? `MHA, ${spec.heads} heads × ${spec.headDim}` : `GQA, ${spec.kvHeads} KV head${spec.kvHeads === 1 ? '' : 's'} (${spec.heads} query heads × ${spec.headDim})`
      const window = spec.window === undefined ? '' : `, sliding window ${formatInteger(spec.window)}`
      const shared = spec.sharesKv === true ? ", reuses another layer's KV cache" : ''
      return `${form}${window}${shared}`
    }
    case 'mamba2':
      return `Mamba-2, ${spec.heads} heads × ${spec.headDim}, state ${spec.stateDim}, ${spec.groups} group${spec.groups === 1 ? '' : 's'}`
    case 'hybrid-heads': {
      const window = spec.window === undefined ? '' : `, sliding window ${formatInteger(spec.window)}`
      const shared = spec.sharesKv === true ? ", reuses another layer's KV cache" : ''
      const meta = (spec.metaTokens ?? 0) > 0 ? `, ${formatInteger(spec.metaTokens ?? 0)} meta tokens` : ''
      return `hybrid heads: ${spec.heads} attention heads (${spec.kvHeads} KV)${window}${shared} in parallel with Mamba ${formatInteger(spec.ssmInner)} wide, state ${spec.stateDim}${meta}`
    }
    case 'linear':
      return `linear ${formatInteger(spec.hidden)}×${formatInteger(spec.hidden)}`
    case 'noop':
      return 'no-op (skipped)'
  }
}

/** One-line description of an FFN slot, e.g. `14,336 intermediate (50% of the parent's 28,672), SwiGLU`. */
export function describeFfn(spec: FfnSlotSpec, parentIntermediate: number): string {
  switch (spec.type) {
    case 'ffn': {
      const activation = spec.activation === 'swiglu' ? 'SwiGLU' : 'squared ReLU'
      const percent = Math.round((100 * spec.intermediate) / parentIntermediate)
      return `${formatInteger(spec.intermediate)} intermediate (${percent}% of the parent's ${formatInteger(parentIntermediate)}), ${activation}`
    }
    case 'linear':
      return `linear ${formatInteger(spec.hidden)}×${formatInteger(spec.hidden)}`
    case 'noop':
      return 'no-op (skipped)'
  }
}

/** A table cell's worth: `GQA 8 KV`, `MHA`, `Mamba-2`, `linear`, `no-op`. */
export function shortMixer(spec: MixerSpec): string {
  switch (spec.type) {
    case 'attention': {
      const form = spec.kvHeads === spec.heads ? 'MHA' : `GQA ${spec.kvHeads} KV`
      return spec.window === undefined ? form : `${form}, window ${formatInteger(spec.window)}`
    }
    case 'mamba2':
      return 'Mamba-2'
    case 'hybrid-heads':
      return `hybrid ${spec.kvHeads} KV + Mamba`
    case 'linear':
      return 'linear'
    case 'noop':
      return 'no-op'
  }
}

/** A table cell's worth: `14,336 (50%)`, `linear`, `no-op`. */
export function shortFfn(spec: FfnSlotSpec, parentIntermediate: number): string {
  switch (spec.type) {
    case 'ffn':
      return `${formatInteger(spec.intermediate)} (${Math.round((100 * spec.intermediate) / parentIntermediate)}%)`
    case 'linear':
      return 'linear'
    case 'noop':
      return 'no-op'
  }
}
