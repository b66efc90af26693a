/**
 * The Hymba space (Dong et al., 2024, arXiv:2411.13676): every layer becomes a
 * hybrid-head mixer, attention heads and a Mamba branch side by side on the
 * same input (src/blocks/hybrid-heads.ts), and the FFN stays the parent's.
 *
 * Per layer: global attention or a sliding window; for a layer after the first
 * of its group, reusing the group's first layer's KV cache. Per model, searched
 * outside the per-layer solve (`SearchSpace.settings`): the head layout
 * (attention heads, KV heads, Mamba width), the window length and the number of
 * meta tokens. HymbaConfig has one `num_attention_heads`, `num_key_value_heads`,
 * `mamba_expand`, `sliding_window` and `num_memory_tokens` for the whole model,
 * so making these whole-model settings keeps every child exportable as a
 * HymbaConfig; only the windows (`global_attn_idx`) and the sharing
 * (`kv_reuse_group`) vary by layer, as they do in the format.
 *
 * KV sharing couples a layer to the one whose cache it reads, so layers are
 * searched in groups (`SearchSpace.groups`): the parent's own `kv_reuse_group`s
 * where it has them, and otherwise consecutive pairs (0, 1), (2, 3), …. A
 * group's joint variants are every combination in which each sharing member has
 * the same window as the group's first layer, which makes its own cache.
 */
import type { Architecture, LayerChoice } from '../../blocks/architecture.ts'
import type { FfnSlotSpec, HybridHeadsSpec } from '../../blocks/spec.ts'
import { blockModel } from '../../blocks/registry.ts'
import { metaTokenLoss } from '../quality/hymba-prior.ts'
import type { FfnOption, LayerGroup, LayerMenu, LayerPick, MixerOption, SearchSpace, WholeModelSetting } from './types.ts'

/** The head layout of every hybrid-head layer of a child. */
export interface HybridShape {
  /** Attention (query) heads. */
  readonly heads: number
  readonly kvHeads: number
  /** Mamba width d_inner = expand × hidden (HymbaConfig `mamba_expand`). */
  readonly expand: number
}

export interface HymbaSpaceOptions {
  /** Meta-token counts tried; 0 and 128, Hymba-1.5B's `num_memory_tokens` (../shared/reference/models/hymba_1.5b_base.json). */
  readonly metaTokens: readonly number[]
  /** Sliding-window lengths tried, one per child; 1024 is Hymba-1.5B's `sliding_window` (same config). */
  readonly windows: readonly number[]
  /** Mamba widths tried: 1 and 2 × hidden; 2 is HymbaConfig's default and Hymba-1.5B's `mamba_expand`. */
  readonly expands: readonly number[]
  /** Attention-head reductions tried, as divisors of the parent's heads. */
  readonly headDivisors: readonly number[]
  /** KV-head reductions tried, as divisors of the parent's KV heads. */
  readonly kvDivisors: readonly number[]
}

export const defaultHymbaOptions: HymbaSpaceOptions = { metaTokens: [0, 128], windows: [1024], expands: [1, 2], headDivisors: [1, 2], kvDivisors: [1, 2] }

/**
 * HymbaConfig's Mamba defaults (`configuration_hymba.py`): d_state 16, d_conv 4,
 * dt_rank ceil(hidden / 16); Hymba-1.5B uses the same (its config.json).
 */
const mambaDefaults = { stateDim: 16, convKernel: 4, dtRankDivisor: 16 }

/** The parent's attention layout: from its first attention or hybrid-head layer. */
function parentLayout(parent: Architecture): { heads: number; kvHeads: number; expand?: number; hybrid?: HybridHeadsSpec } | undefined {
  for (const { mixer: m } of parent.layers) {
    if (m.type === 'attention') return { heads: m.heads, kvHeads: m.kvHeads }
    if (m.type === 'hybrid-heads') return { heads: m.heads, kvHeads: m.kvHeads, expand: m.ssmInner / m.hidden, hybrid: m }
  }
  return undefined
}

/**
 * The hybrid-head block of a shape, with the widths Hymba's modelling code
 * derives: query/key head size hidden / heads, value head size d_inner / heads
 * (so that the attention output matches the Mamba branch it is averaged with).
 */
export function hybridSpec(hidden: number, shape: HybridShape, metaTokens: number, base?: HybridHeadsSpec): HybridHeadsSpec {
  const ssmInner = shape.expand * hidden
  return {
    type: 'hybrid-heads',
    hidden,
    heads: shape.heads,
    kvHeads: shape.kvHeads,
    qkHeadDim: hidden / shape.heads,
    vHeadDim: ssmInner / shape.heads,
    ssmInner,
    stateDim: base?.stateDim ?? mambaDefaults.stateDim,
    dtRank: base?.dtRank ?? Math.ceil(hidden / mambaDefaults.dtRankDivisor),
    convKernel: base?.convKernel ?? mambaDefaults.convKernel,
    metaTokens,
  }
}

/** Shapes tried: the parent's heads and KV heads divided as asked, widths HymbaConfig can express. */
export function hybridShapes(parent: Architecture, o: HymbaSpaceOptions): HybridShape[] {
  const p = parentLayout(parent)
  if (p === undefined) return []
  const shapes: HybridShape[] = []
  const seen = new Set<string>()
  const expands = p.expand === undefined || o.expands.includes(p.expand) ? o.expands : [p.expand, ...o.expands]
  for (const hd of o.headDivisors)
    for (const kd of o.kvDivisors)
      for (const expand of expands) {
        const heads = p.heads / hd
        const kvHeads = p.kvHeads / kd
        if (!Number.isInteger(heads) || !Number.isInteger(kvHeads) || heads % kvHeads !== 0) continue
        if (parent.hidden % heads !== 0 || (expand * parent.hidden) % heads !== 0) continue
        const key = `${heads}/${kvHeads}/${expand}`
        if (seen.has(key)) continue
        seen.add(key)
        const spec = hybridSpec(parent.hidden, { heads, kvHeads, expand }, 0)
        if (blockModel(spec).validate(spec, 1) === undefined) shapes.push({ heads, kvHeads, expand })
      }
  return shapes
}

export function shapeId(s: HybridShape): string {
  return `h${s.heads}kv${s.kvHeads}e${s.expand}`
}

/** A mixer option's id: `hybrid:h12kv4e2:global`, `hybrid:h12kv4e2:w1024`, `…:w1024:shared-kv`. */
export function hybridOptionId(shape: HybridShape, window: number | undefined, sharesKv: boolean): string {
  return `hybrid:${shapeId(shape)}:${window === undefined ? 'global' : `w${window}`}${sharesKv ? ':shared-kv' : ''}`
}

/**
 * Groups of layers that may share a KV cache: the parent's sharing groups
 * (a sharing layer with the layers back to the one that makes the cache), then
 * the remaining layers paired in order. A layer left alone never shares.
 */
export function sharingGroups(parent: Architecture): readonly (readonly number[])[] {
  const n = parent.layers.length
  const shares = (l: number) => {
    const m = parent.layers[l]!.mixer
    return (m.type === 'hybrid-heads' || m.type === 'attention') && m.sharesKv === true
  }
  const inGroup = new Array<boolean>(n).fill(false)
  const groups: number[][] = []
  for (let l = 1; l < n; l++) {
    if (!shares(l) || inGroup[l]) continue
    let first = l - 1
    while (first > 0 && shares(first)) first--
    let last = l
    while (last + 1 < n && shares(last + 1)) last++
    const g = Array.from({ length: last - first + 1 }, (_, k) => first + k)
    g.forEach((m) => (inGroup[m] = true))
    groups.push(g)
  }
  for (let l = 0; l + 1 < n; l++) {
    if (inGroup[l] || inGroup[l + 1]) continue
    inGroup[l] = inGroup[l + 1] = true
    groups.push([l, l + 1])
  }
  return groups.sort((a, b) => a[0]! - b[0]!)
}

/** A group admits a pick when every sharing member has the window of the group's first layer, which makes the cache. */
export function admitsSharing(picks: readonly LayerPick[]): boolean {
  const first = picks[0]!.mixer.spec
  if (first.type !== 'hybrid-heads' || first.sharesKv === true) return false
  return picks.every((p, k) => {
    const m = p.mixer.spec
    return k === 0 || m.type !== 'hybrid-heads' || m.sharesKv !== true || (m.window === first.window && m.kvHeads === first.kvHeads && m.qkHeadDim === first.qkHeadDim && m.vHeadDim === first.vHeadDim)
  })
}

function ffnOption(f: FfnSlotSpec): FfnOption {
  return { id: f.type === 'ffn' ? 'ffn:100%' : `ffn:${f.type}`, spec: f }
}

/** The parent layer's own pick in this setting: its window and sharing when it is hybrid with this shape, else global and unshared. */
function parentMixerId(layer: LayerChoice, shape: HybridShape, windows: readonly (number | undefined)[], canShare: boolean): string {
  const m = layer.mixer
  if (m.type === 'hybrid-heads' && m.heads === shape.heads && m.kvHeads === shape.kvHeads && m.ssmInner === shape.expand * m.hidden && windows.includes(m.window))
    return hybridOptionId(shape, m.window, canShare && m.sharesKv === true)
  return hybridOptionId(shape, undefined, false)
}

/** The per-layer space under one whole-model setting. */
function settingSpace(parent: Architecture, shape: HybridShape, window: number, meta: number, groups: readonly (readonly number[])[]): SearchSpace {
  const base = parentLayout(parent)?.hybrid
  const spec = hybridSpec(parent.hidden, shape, meta, base)
  const windows = [undefined, window] as const
  const sharer = new Set(groups.flatMap((g) => g.slice(1)))
  const layers: LayerMenu[] = parent.layers.map((layer, l) => {
    const mixers: MixerOption[] = []
    for (const w of windows) {
      const windowed: HybridHeadsSpec = w === undefined ? spec : { ...spec, window: w }
      mixers.push({ id: hybridOptionId(shape, w, false), spec: windowed })
      if (sharer.has(l)) mixers.push({ id: hybridOptionId(shape, w, true), spec: { ...windowed, sharesKv: true } })
    }
    const ffn = ffnOption(layer.ffn)
    return { mixers, ffns: [ffn], parent: { mixer: parentMixerId(layer, shape, windows, sharer.has(l)), ffn: ffn.id } }
  })
  const layerGroups: LayerGroup[] = groups.map((g) => ({ layers: g, admits: admitsSharing }))
  return { name: 'hymba', layers, groups: layerGroups }
}

/** What one setting is called in results. */
function settingLabel(shape: HybridShape, window: number, meta: number): string {
  return `heads ${shape.heads}/${shape.kvHeads} KV, Mamba ${shape.expand}× hidden, window ${window}, ${meta} meta tokens`
}

/**
 * The Hymba space of a parent: one per-layer space per whole-model setting
 * (shape × window × meta tokens). The top level's own `layers` are those of the
 * first setting, for callers that look at one menu (their ids differ by shape).
 */
export function hymbaSpace(parent: Architecture, options: HymbaSpaceOptions = defaultHymbaOptions): SearchSpace | string {
  const other = parent.layers.findIndex((l) => l.mixer.type !== 'attention' && l.mixer.type !== 'hybrid-heads')
  if (other >= 0)
    return `the hymba space turns every attention layer into hybrid heads, so it needs a parent whose every layer has attention or hybrid heads; ${parent.name}'s layer ${other} has ${parent.layers[other]!.mixer.type}`
  const shapes = hybridShapes(parent, options)
  if (shapes.length === 0) return `the hymba space needs a parent with attention or hybrid-head layers whose heads divide the hidden size; ${parent.name} has none`
  const groups = sharingGroups(parent)
  const parentHybrid = parentLayout(parent)?.hybrid
  const parentMeta = parentHybrid?.metaTokens ?? 0
  const metaCounts = options.metaTokens.includes(parentMeta) ? options.metaTokens : [parentMeta, ...options.metaTokens]
  const parentWindows = parent.layers.flatMap((l) => (l.mixer.type === 'hybrid-heads' && l.mixer.window !== undefined ? [l.mixer.window] : []))
  const windows = [...new Set([...options.windows, ...parentWindows])]
  const settings: WholeModelSetting[] = []
  for (const shape of shapes)
    for (const window of windows)
      for (const meta of metaCounts)
        settings.push({ label: settingLabel(shape, window, meta), space: settingSpace(parent, shape, window, meta, groups), metrics: { kl_div: metaTokenLoss(parentMeta, meta) } })
  return { name: 'hymba', layers: settings[0]!.space.layers, groups: settings[0]!.space.groups ?? [], settings }
}
