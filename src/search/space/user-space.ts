/**
 * User-defined spaces from a JSON file: option lists applied to every layer,
 * relative to that layer's parent block, e.g.
 * `{"attention": [{"kvHeads": 2}, "linear", "noop", {"mamba2": {"headDim": 64, "expand": 2, "stateDim": 128, "groups": 8, "convKernel": 4}}],
 *   "ffn": [{"percent": 60}, {"intermediate": 12288}, "linear", "noop"]}`.
 * The parent's own blocks are always on the menu.
 */
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import type { Architecture, LayerChoice } from '../../blocks/architecture.ts'
import { blockModel } from '../../blocks/registry.ts'
import { InvalidInput, invalidFromSchema } from '../../errors.ts'
import { ffnWidth, mambaFor } from './puzzle.ts'
import type { FfnOption, LayerMenu, MixerOption, SearchSpace } from './types.ts'

const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0))
const Replace = Schema.Literals(['linear', 'noop'])

export const UserSpaceSchema = Schema.Struct({
  attention: Schema.Array(
    Schema.Union([
      Replace,
      Schema.Struct({ kvHeads: PositiveInt }),
      Schema.Struct({
        mamba2: Schema.Struct({ headDim: PositiveInt, expand: PositiveInt, stateDim: PositiveInt, groups: PositiveInt, convKernel: PositiveInt }),
      }),
    ]),
  ),
  ffn: Schema.Array(
    Schema.Union([
      Replace,
      Schema.Struct({ percent: Schema.Number.check(Schema.isGreaterThan(0), Schema.isLessThanOrEqualTo(100)) }),
      Schema.Struct({ intermediate: PositiveInt }),
    ]),
  ),
})

export type UserSpace = typeof UserSpaceSchema.Type

function mixerOptions(layer: LayerChoice, u: UserSpace): MixerOption[] {
  const m = layer.mixer
  const parent: MixerOption = { id: 'parent', spec: m }
  const out: MixerOption[] = [parent]
  for (const o of u.attention) {
    if (o === 'linear' || o === 'noop') {
      if (m.type !== 'noop') out.push({ id: `attn:${o}`, spec: { type: o, hidden: m.hidden } })
    } else if (m.type === 'attention' && 'kvHeads' in o) {
      out.push({ id: `attn:kv${o.kvHeads}`, spec: { ...m, kvHeads: o.kvHeads } })
    } else if (m.type === 'attention' && 'mamba2' in o) {
      out.push({ id: 'mamba2', spec: mambaFor(m.hidden, o.mamba2) })
    }
  }
  return out
}

function ffnOptions(layer: LayerChoice, u: UserSpace): FfnOption[] {
  const f = layer.ffn
  const out: FfnOption[] = [{ id: 'parent', spec: f }]
  for (const o of u.ffn) {
    if (o === 'linear' || o === 'noop') {
      if (f.type !== 'noop') out.push({ id: `ffn:${o}`, spec: { type: o, hidden: f.hidden } })
    } else if (f.type === 'ffn' && 'percent' in o) {
      out.push({ id: `ffn:${o.percent}%`, spec: { ...f, intermediate: ffnWidth(f.intermediate, o.percent) } })
    } else if (f.type === 'ffn' && 'intermediate' in o) {
      out.push({ id: `ffn:${o.intermediate}`, spec: { ...f, intermediate: o.intermediate } })
    }
  }
  return out
}

/** Options whose id repeats (the same option given twice) keep their first occurrence. */
function unique<T extends { readonly id: string }>(options: readonly T[]): T[] {
  const seen = new Set<string>()
  return options.filter((o) => !seen.has(o.id) && seen.add(o.id))
}

/** A user space applied to a parent; an option that makes an invalid block is an error naming it. */
export function userSpace(name: string, parent: Architecture, json: unknown): Result.Result<SearchSpace, InvalidInput> {
  const decoded = Schema.decodeUnknownResult(UserSpaceSchema)(json)
  if (Result.isFailure(decoded)) return Result.fail(invalidFromSchema(name, decoded.failure.message))
  const layers: LayerMenu[] = []
  for (const [i, layer] of parent.layers.entries()) {
    const mixers = unique(mixerOptions(layer, decoded.success))
    const ffns = unique(ffnOptions(layer, decoded.success))
    for (const o of [...mixers, ...ffns]) {
      const problem = blockModel(o.spec).validate(o.spec, 1)
      if (problem !== undefined) return Result.fail(new InvalidInput({ field: `${name}: option ${o.id} in layer ${i}`, problem }))
    }
    layers.push({ mixers, ffns, parent: { mixer: 'parent', ffn: 'parent' } })
  }
  return Result.succeed({ name, layers })
}
