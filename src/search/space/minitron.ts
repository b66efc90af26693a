/**
 * The Minitron-SSM space (Taghibakhshi et al., "Efficient Hybrid Language Model
 * Compression through Group-Aware SSM Pruning", arXiv:2504.11409): structured
 * pruning of a hybrid parent such as Nemotron-H along
 * - the embedding channels (hidden size), one width for the whole model;
 * - the FFN width, one width for every FFN;
 * - the Mamba heads, group-aware: every Mamba layer keeps the same number of
 *   groups and the same number of heads in each group (heads = groups × heads
 *   per group), so pruning heads within groups and pruning whole groups both
 *   keep the heads-to-groups layout the SSD kernels need; optionally the head
 *   channels (Mamba head dim);
 * - depth: each layer (each Nemotron-H sub-block) kept or dropped.
 *
 * The width axes are model-wide, as in the paper's pruned Nemotron-H-4B (one
 * hidden size, one FFN width, one Mamba layout in every layer:
 * ../shared/reference/models/nemotron_h_4b.json); depth is per layer. Attention
 * keeps its heads and head size: Nemotron-H-4B keeps the 8B's 32 × 128 query
 * heads and 8 KV heads on a 3072-wide residual stream (same file).
 *
 * The search enumerates the width settings of a small grid and, for each, solves
 * the per-layer depth problem exactly (src/search/pipeline/run-minitron.ts).
 */
import * as Result from 'effect/Result'
import type { Architecture, LayerChoice } from '../../blocks/architecture.ts'
import { blockModel } from '../../blocks/registry.ts'
import type { FfnSlotSpec, MixerSpec, NoopSpec } from '../../blocks/spec.ts'
import { InvalidInput } from '../../errors.ts'
import type { FfnOption, LayerMenu, MixerOption, SearchSpace } from './types.ts'

/** One point of the width grid: the whole model's widths. */
export interface WidthSetting {
  /** Embedding channels (hidden size) of every layer and the embeddings. */
  readonly hidden: number
  /** FFN width (intermediate size) of every FFN; undefined when the parent has no FFN. */
  readonly ffn?: number
  /** Mamba layout of every Mamba-2 layer; undefined when the parent has none. */
  readonly mamba?: MambaLayout
}

export interface MambaLayout {
  /** B/C groups (`n_groups`). */
  readonly groups: number
  /** Heads in each group; `mamba_num_heads` = groups × headsPerGroup. */
  readonly headsPerGroup: number
  /** Head channels (`mamba_head_dim`). */
  readonly headDim: number
}

/** The values each width axis may take; the grid is their cross product. */
export interface MinitronGrid {
  readonly hidden: readonly number[]
  readonly ffn: readonly number[]
  readonly mambaGroups: readonly number[]
  readonly mambaHeadsPerGroup: readonly number[]
  readonly mambaHeadDim: readonly number[]
  /** Whether layers may be dropped (depth pruning). */
  readonly depth: boolean
}

/** What a Minitron space adds to a search space: the parent's widths and the grid to enumerate. */
export interface MinitronPlan {
  readonly parent: WidthSetting
  readonly grid: MinitronGrid
}

/**
 * The parent's model-wide widths. The parent must be uniform: one FFN width,
 * one Mamba layout, every block at the model's hidden size, as Nemotron-H is.
 */
export function parentWidths(parent: Architecture): Result.Result<WidthSetting, InvalidInput> {
  const fail = (problem: string) => Result.fail(new InvalidInput({ field: `--space minitron: parent ${parent.name}`, problem }))
  let ffn: number | undefined
  let mamba: MambaLayout | undefined
  for (const [l, layer] of parent.layers.entries()) {
    for (const block of [layer.mixer, layer.ffn]) {
      if (block.hidden !== parent.hidden) return fail(`layer ${l} has hidden ${block.hidden}, expected the model's ${parent.hidden}`)
      if (block.type === 'ffn') {
        if (ffn !== undefined && ffn !== block.intermediate) return fail(`FFN widths differ (${ffn} and ${block.intermediate} in layer ${l}); the Minitron space prunes one model-wide FFN width`)
        ffn = block.intermediate
      } else if (block.type === 'mamba2') {
        const here = { groups: block.groups, headsPerGroup: block.heads / block.groups, headDim: block.headDim }
        if (mamba !== undefined && (mamba.groups !== here.groups || mamba.headsPerGroup !== here.headsPerGroup || mamba.headDim !== here.headDim))
          return fail(`Mamba layouts differ (layer ${l}); the Minitron space prunes one model-wide Mamba layout`)
        mamba = here
      } else if (block.type === 'hybrid-heads') {
        return fail(`layer ${l} has Hymba hybrid heads, which the Minitron space does not prune`)
      }
    }
  }
  return Result.succeed({ hidden: parent.hidden, ...(ffn === undefined ? {} : { ffn }), ...(mamba === undefined ? {} : { mamba }) })
}

/** Hidden sizes are multiples of 128, the granule the parent's own widths (4096, 3072) and tensor-core tiles share. */
export const hiddenGranule = 128
/** FFN widths are multiples of 256, as in the Puzzle space (`ffnWidthGranule`). */
export const ffnGranule = 256

const roundTo = (x: number, granule: number) => Math.max(granule, Math.round(x / granule) * granule)
const distinct = (xs: readonly number[]) => [...new Set(xs)].filter((x) => Number.isInteger(x) && x > 0)

/**
 * The default grid, in shares of the parent's widths (our choice, documented in
 * the README; a grid file gives any other):
 * - hidden: 8/8, 7/8, 6/8, 5/8, rounded to 128 — at most 37.5% pruned, inside
 *   the 40% per-width limit of NVIDIA's Minitron pruning search (Megatron-Bridge
 *   docs/training/pruning.md: "at most 20% depth and 40% width per prunable
 *   hyperparameter");
 * - FFN: 8/8 … 4/8 in eighths, rounded to 256;
 * - Mamba groups: all, ¾ or ½ of the parent's (8, 6, 4 for Nemotron-H);
 * - heads per group: 8/8 … 4/8 in eighths (16, 14, 12, 10, 8 for Nemotron-H);
 * - head channels: the parent's only;
 * - every layer may be dropped.
 */
export function defaultMinitronGrid(parent: WidthSetting): MinitronGrid {
  const eighths = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => (from - i) / 8)
  const m = parent.mamba
  return {
    hidden: distinct(eighths(8, 5).map((s) => (s === 1 ? parent.hidden : roundTo(parent.hidden * s, hiddenGranule)))),
    ffn: parent.ffn === undefined ? [] : distinct(eighths(8, 4).map((s) => (s === 1 ? parent.ffn! : roundTo(parent.ffn! * s, ffnGranule)))),
    mambaGroups: m === undefined ? [] : distinct([1, 3 / 4, 1 / 2].map((s) => m.groups * s)),
    mambaHeadsPerGroup: m === undefined ? [] : distinct(eighths(8, 4).map((s) => m.headsPerGroup * s)),
    mambaHeadDim: m === undefined ? [] : [m.headDim],
    depth: true,
  }
}

/** Every width setting of a grid, parent first on each axis (the grid's order). */
export function widthSettings(grid: MinitronGrid, parent: WidthSetting): WidthSetting[] {
  const out: WidthSetting[] = []
  const ffns = parent.ffn === undefined ? [undefined] : grid.ffn
  const mambas: (MambaLayout | undefined)[] =
    parent.mamba === undefined
      ? [undefined]
      : grid.mambaGroups.flatMap((groups) => grid.mambaHeadsPerGroup.flatMap((headsPerGroup) => grid.mambaHeadDim.map((headDim) => ({ groups, headsPerGroup, headDim }))))
  for (const hidden of grid.hidden)
    for (const ffn of ffns)
      for (const mamba of mambas) out.push({ hidden, ...(ffn === undefined ? {} : { ffn }), ...(mamba === undefined ? {} : { mamba }) })
  return out
}

/** `hidden 3072, FFN 12288, Mamba 8×14 heads × 64` — how results and notes name a setting. */
export function describeWidths(w: WidthSetting): string {
  const parts = [`hidden ${w.hidden}`]
  if (w.ffn !== undefined) parts.push(`FFN ${w.ffn}`)
  if (w.mamba !== undefined) parts.push(`Mamba ${w.mamba.groups} groups × ${w.mamba.headsPerGroup} heads (${w.mamba.groups * w.mamba.headsPerGroup}) × ${w.mamba.headDim} channels`)
  return parts.join(', ')
}

function prunedBlock<S extends MixerSpec | FfnSlotSpec>(spec: S, w: WidthSetting): S {
  switch (spec.type) {
    case 'ffn':
      return { ...spec, hidden: w.hidden, intermediate: w.ffn ?? spec.intermediate }
    case 'mamba2': {
      const m = w.mamba
      return m === undefined ? { ...spec, hidden: w.hidden } : { ...spec, hidden: w.hidden, heads: m.groups * m.headsPerGroup, groups: m.groups, headDim: m.headDim }
    }
    default:
      // Attention keeps its heads and head size (Nemotron-H-4B: 32 × 128 on hidden 3072); linear and no-op follow the width.
      return { ...spec, hidden: w.hidden }
  }
}

/**
 * The parent with every layer pruned to the setting's widths (no layer dropped). Layers that shared a block
 * object share its pruned one, so that the cost model, which memoises block costs by object, costs each
 * distinct block once (24 Mamba layers, one costing).
 */
export function prunedArchitecture(parent: Architecture, w: WidthSetting): Architecture {
  const pruned = new Map<MixerSpec | FfnSlotSpec, MixerSpec | FfnSlotSpec>()
  const once = <S extends MixerSpec | FfnSlotSpec>(spec: S): S => {
    let p = pruned.get(spec)
    if (p === undefined) pruned.set(spec, (p = prunedBlock(spec, w)))
    return p as S
  }
  const layers: LayerChoice[] = parent.layers.map((layer) => ({ mixer: once(layer.mixer), ffn: once(layer.ffn) }))
  return { ...parent, hidden: w.hidden, embedding: { ...parent.embedding, hidden: w.hidden }, layers }
}

/** Option ids of the depth menu: a slot keeps its block (`keep:<type>`) or is dropped; a slot the parent leaves empty is `none`. */
export const dropId = 'drop'
export const noneId = 'none'

function slotMenu<S extends MixerSpec | FfnSlotSpec>(spec: S, depth: boolean): { readonly id: string; readonly spec: S | NoopSpec }[] {
  if (spec.type === 'noop') return [{ id: noneId, spec }]
  const keep = { id: `keep:${spec.type}`, spec }
  return depth ? [keep, { id: dropId, spec: { type: 'noop', hidden: spec.hidden } }] : [keep]
}

/**
 * The depth menus of a pruned parent: each slot kept or dropped. In Nemotron-H
 * each layer is one sub-block (the other slot is empty), so a layer is kept or
 * dropped whole; in a two-slot layer (Llama) each sub-block may be dropped.
 */
export function depthLayers(pruned: Architecture, depth: boolean): LayerMenu[] {
  return pruned.layers.map((layer) => {
    const mixers: MixerOption[] = slotMenu(layer.mixer, depth)
    const ffns: FfnOption[] = slotMenu(layer.ffn, depth)
    return { mixers, ffns, parent: { mixer: mixers[0]!.id, ffn: ffns[0]!.id } }
  })
}

/** The first block of a setting that is not a valid block at this TP degree, as a one-line problem. */
export function settingProblem(parent: Architecture, w: WidthSetting, tp: number): string | undefined {
  const pruned = prunedArchitecture(parent, w)
  for (const [l, layer] of pruned.layers.entries())
    for (const block of [layer.mixer, layer.ffn]) {
      const problem = blockModel(block).validate(block, tp)
      if (problem !== undefined) return `${describeWidths(w)}: layer ${l} ${block.type}: ${problem}`
    }
  return undefined
}

/**
 * Checks a grid against its parent: every value a positive integer no larger
 * than the parent's (pruning never widens), and the parent's own value present
 * on every axis, so that the parent itself is in the space.
 */
export function checkGrid(grid: MinitronGrid, parent: WidthSetting, field: string): Result.Result<MinitronGrid, InvalidInput> {
  const axes: readonly (readonly [string, readonly number[], number | undefined])[] = [
    ['hidden', grid.hidden, parent.hidden],
    ['ffn', grid.ffn, parent.ffn],
    ['mambaGroups', grid.mambaGroups, parent.mamba?.groups],
    ['mambaHeadsPerGroup', grid.mambaHeadsPerGroup, parent.mamba?.headsPerGroup],
    ['mambaHeadDim', grid.mambaHeadDim, parent.mamba?.headDim],
  ]
  for (const [name, values, max] of axes) {
    if (max === undefined) {
      if (values.length > 0) return Result.fail(new InvalidInput({ field: `${field}: ${name}`, problem: `the parent has no such blocks; leave it out` }))
      continue
    }
    for (const v of values)
      if (!Number.isInteger(v) || v < 1 || v > max)
        return Result.fail(new InvalidInput({ field: `${field}: ${name}`, problem: `${v} (expected an integer from 1 to the parent's ${max}; pruning never widens)` }))
    if (!values.includes(max)) return Result.fail(new InvalidInput({ field: `${field}: ${name}`, problem: `must include the parent's ${max}, so that the parent is in the space` }))
  }
  return Result.succeed({
    ...grid,
    hidden: distinct(grid.hidden),
    ffn: distinct(grid.ffn),
    mambaGroups: distinct(grid.mambaGroups),
    mambaHeadsPerGroup: distinct(grid.mambaHeadsPerGroup),
    mambaHeadDim: distinct(grid.mambaHeadDim),
  })
}

/**
 * The Minitron space of a parent: the depth menus at the parent's own widths
 * (what `--keep-first`, `--allow` and the like refer to) and the width grid.
 */
export function minitronSpace(parent: Architecture, grid: MinitronGrid | undefined, name = 'minitron'): Result.Result<SearchSpace, InvalidInput> {
  return Result.gen(function* () {
    const widths = yield* parentWidths(parent)
    const checked = yield* checkGrid(grid ?? defaultMinitronGrid(widths), widths, `--space ${name}`)
    return { name, layers: depthLayers(parent, checked.depth), minitron: { parent: widths, grid: checked } }
  })
}
