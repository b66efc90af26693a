/**
 * Small Nemotron-H-like parents and Minitron grids for tests: few enough
 * width settings and layers that brute force over every child stays cheap.
 */
import * as Result from 'effect/Result'
import type { Architecture, LayerChoice } from '../../../blocks/architecture.ts'
import { parentWidths, type MinitronGrid } from '../../space/minitron.ts'

/** A small hybrid of Nemotron-H's kinds, `pattern` as in hybrid_override_pattern. */
export function tinyHybrid(pattern: string): Architecture {
  const hidden = 256
  const noop = { type: 'noop', hidden } as const
  const kinds: Record<string, LayerChoice> = {
    M: { mixer: { type: 'mamba2', hidden, heads: 8, headDim: 32, stateDim: 16, groups: 2, convKernel: 4 }, ffn: noop },
    '*': { mixer: { type: 'attention', hidden, heads: 4, kvHeads: 2, headDim: 64 }, ffn: noop },
    '-': { mixer: noop, ffn: { type: 'ffn', hidden, intermediate: 768, activation: 'relu2' } },
  }
  return { name: `tiny-${pattern}`, hidden, embedding: { vocabSize: 1000, hidden, tied: false }, layers: [...pattern].map((c) => kinds[c]!) }
}

/** Two or three values per axis of `tinyHybrid`'s widths; axes the parent lacks are empty. */
export function tinyGrid(parent: Architecture): MinitronGrid {
  const p = Result.getOrThrow(parentWidths(parent))
  return {
    hidden: [256, 192, 128],
    ffn: p.ffn === undefined ? [] : [768, 512],
    mambaGroups: p.mamba === undefined ? [] : [2, 1],
    mambaHeadsPerGroup: p.mamba === undefined ? [] : [4, 2],
    mambaHeadDim: p.mamba === undefined ? [] : [32],
    depth: true,
  }
}
