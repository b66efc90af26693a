/**
 * The Puzzle search space (arXiv:2411.19146 §3; ../shared/reference/README.md,
 * "The search space for Llama-70B"): per layer, attention as the parent's GQA or
 * with 4, 2 or 1 KV heads scaled to the parent (halving, quartering, eighthing),
 * a linear layer or a no-op; the FFN at 100/87/75/50/25/20/10% of its width, a
 * linear layer or a no-op: 6 × 9 = 54 variants for Llama-70B.
 */
import type { Architecture, LayerChoice } from '../../blocks/architecture.ts'
import { blockModel } from '../../blocks/registry.ts'
import type { AttentionSpec, FfnSpec, Mamba2Spec } from '../../blocks/spec.ts'
import type { FfnOption, LayerMenu, MixerOption, SearchSpace } from './types.ts'

/** FFN width fractions, percent of the parent's (Puzzle's Llama-70B space). */
export const puzzleFfnPercents = [100, 87, 75, 50, 25, 20, 10] as const

/** KV-head reductions relative to the parent: the parent's, then ÷2, ÷4, ÷8 (8 → 8, 4, 2, 1 for Llama-70B). */
export const puzzleKvDivisors = [1, 2, 4, 8] as const

/**
 * FFN widths are rounded up to a multiple of 256, the granule DeciLM loaders use
 * (../shared/reference/README.md, "DeciLM block_configs"), so every child exports.
 */
export const ffnWidthGranule = 256

export function ffnWidth(parentIntermediate: number, percent: number): number {
  if (percent === 100) return parentIntermediate
  return Math.max(ffnWidthGranule, Math.ceil((parentIntermediate * percent) / 100 / ffnWidthGranule) * ffnWidthGranule)
}

function attentionOptions(a: AttentionSpec): MixerOption[] {
  const seen = new Set<number>()
  const options: MixerOption[] = []
  for (const divisor of puzzleKvDivisors) {
    const kvHeads = a.kvHeads / divisor
    if (!Number.isInteger(kvHeads) || kvHeads < 1 || a.heads % kvHeads !== 0 || seen.has(kvHeads)) continue
    seen.add(kvHeads)
    options.push({ id: `attn:kv${kvHeads}`, spec: { ...a, kvHeads } })
  }
  return options
}

function ffnOptions(f: FfnSpec): FfnOption[] {
  const seen = new Set<number>()
  const options: FfnOption[] = []
  for (const percent of puzzleFfnPercents) {
    const intermediate = ffnWidth(f.intermediate, percent)
    if (seen.has(intermediate)) continue
    seen.add(intermediate)
    options.push({ id: `ffn:${percent}%`, spec: { ...f, intermediate } })
  }
  return options
}

/** Options to replace a mixer: shrink attention, keep others; linear and no-op always. */
function mixerMenu(layer: LayerChoice, extra: (a: AttentionSpec) => readonly MixerOption[]): { options: MixerOption[]; parent: string } {
  const m = layer.mixer
  const hidden = m.hidden
  const replace: MixerOption[] = [
    { id: 'attn:linear', spec: { type: 'linear', hidden } },
    { id: 'attn:noop', spec: { type: 'noop', hidden } },
  ]
  switch (m.type) {
    case 'attention': {
      const shrunk = attentionOptions(m)
      return { options: [...shrunk, ...extra(m), ...replace], parent: shrunk[0]!.id }
    }
    case 'noop':
      return { options: [replace[1]!], parent: 'attn:noop' }
    case 'linear':
      return { options: replace, parent: 'attn:linear' }
    default: {
      const keep: MixerOption = { id: `keep:${m.type}`, spec: m }
      return { options: [keep, ...replace], parent: keep.id }
    }
  }
}

function ffnMenu(layer: LayerChoice): { options: FfnOption[]; parent: string } {
  const f = layer.ffn
  const hidden = f.hidden
  const replace: FfnOption[] = [
    { id: 'ffn:linear', spec: { type: 'linear', hidden } },
    { id: 'ffn:noop', spec: { type: 'noop', hidden } },
  ]
  if (f.type === 'ffn') {
    const shrunk = ffnOptions(f)
    return { options: [...shrunk, ...replace], parent: shrunk[0]!.id }
  }
  if (f.type === 'noop') return { options: [replace[1]!], parent: 'ffn:noop' }
  return { options: replace, parent: 'ffn:linear' }
}

function space(name: string, parent: Architecture, extra: (a: AttentionSpec) => readonly MixerOption[]): SearchSpace {
  const layers: LayerMenu[] = parent.layers.map((layer) => {
    const mixers = mixerMenu(layer, extra)
    const ffns = ffnMenu(layer)
    return { mixers: mixers.options, ffns: ffns.options, parent: { mixer: mixers.parent, ffn: ffns.parent } }
  })
  return { name, layers }
}

/** Puzzle's space over a parent's layers; layers the parent leaves empty stay empty. */
export function puzzleSpace(parent: Architecture): SearchSpace {
  return space('puzzle', parent, () => [])
}

/** Mamba-2 dimensions offered in place of attention by the hybrid space. */
export interface MambaOptions {
  /** Per-head dimension; 64 in Nemotron-H (../shared/reference/models/nemotron_h_8b.json, mamba_head_dim). */
  readonly headDim: number
  /** d_inner = expand × hidden; 2 in Nemotron-H (`expand` in the same config). */
  readonly expand: number
  /** SSM state size; 128 in Nemotron-H-8B (`ssm_state_size`). */
  readonly stateDim: number
  /** B/C groups; 8 in Nemotron-H (`n_groups`). */
  readonly groups: number
  /** Conv width; 4 in Nemotron-H (`conv_kernel`). */
  readonly convKernel: number
}

export const nemotronHMamba: MambaOptions = { headDim: 64, expand: 2, stateDim: 128, groups: 8, convKernel: 4 }

export function mambaFor(hidden: number, m: MambaOptions): Mamba2Spec {
  return { type: 'mamba2', hidden, heads: (m.expand * hidden) / m.headDim, headDim: m.headDim, stateDim: m.stateDim, groups: m.groups, convKernel: m.convKernel }
}

/** Puzzle's space plus a Mamba-2 mixer in place of every attention layer (Nemotron-H style). */
export function hybridSpace(parent: Architecture, mamba: MambaOptions = nemotronHMamba): SearchSpace {
  return space('hybrid', parent, (a) => {
    const spec = mambaFor(a.hidden, mamba)
    // A width the Mamba dimensions cannot tile (heads not an integer multiple of groups) gets no Mamba option.
    return blockModel(spec).validate(spec, 1) === undefined ? [{ id: 'mamba2', spec }] : []
  })
}
