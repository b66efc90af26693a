import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { presetArchitecture } from '../../io/presets.ts'
import { ffnWidth, hybridSpace, puzzleSpace } from './puzzle.ts'
import { userSpace } from './user-space.ts'

const llama70b = Result.getOrThrow(presetArchitecture('llama-3.3-70b'))

describe('the Puzzle space', () => {
  it('offers 6 × 9 = 54 variants per layer of Llama-70B', () => {
    // Puzzle's Llama-70B space: attention 8/4/2/1 KV heads, linear, no-op; FFN 100/87/75/50/25/20/10%, linear, no-op;
    // 54 variants per layer (../shared/reference/README.md, "The search space for Llama-70B").
    const space = puzzleSpace(llama70b)
    expect(space.layers).toHaveLength(80)
    for (const layer of space.layers) {
      expect(layer.mixers.map((m) => m.id)).toEqual(['attn:kv8', 'attn:kv4', 'attn:kv2', 'attn:kv1', 'attn:linear', 'attn:noop'])
      expect(layer.ffns).toHaveLength(9)
      expect(layer.mixers.length * layer.ffns.length).toBe(54)
      expect(layer.parent).toEqual({ mixer: 'attn:kv8', ffn: 'ffn:100%' })
    }
  })

  it('rounds FFN widths up to multiples of 256 so children export as DeciLM', () => {
    expect(ffnWidth(28672, 100)).toBe(28672)
    expect(ffnWidth(28672, 87) % 256).toBe(0)
    expect(ffnWidth(28672, 87)).toBeGreaterThanOrEqual(0.87 * 28672)
    expect(ffnWidth(28672, 10)).toBe(3072)
  })

  it('keeps a Nemotron-H layer’s kind: Mamba layers keep Mamba or become linear or no-op, FFN-only layers get no mixer', () => {
    const nh = Result.getOrThrow(presetArchitecture('nemotron-h-8b'))
    const space = puzzleSpace(nh)
    expect(space.layers[0]!.mixers.map((m) => m.id)).toEqual(['keep:mamba2', 'attn:linear', 'attn:noop'])
    expect(space.layers[1]!.mixers.map((m) => m.id)).toEqual(['attn:noop'])
  })

  it('adds Mamba-2 in place of attention in the hybrid space', () => {
    const space = hybridSpace(llama70b)
    const mamba = space.layers[5]!.mixers.find((m) => m.id === 'mamba2')
    expect(mamba?.spec).toMatchObject({ type: 'mamba2', hidden: 8192, heads: 256, headDim: 64 })
  })
})

describe('user spaces', () => {
  it('applies relative options to every layer, with the parent always on the menu', () => {
    const r = userSpace('s.json', llama70b, { attention: [{ kvHeads: 2 }, 'noop'], ffn: [{ percent: 60 }, 'linear'] })
    const space = Result.getOrThrow(r)
    expect(space.layers[0]!.mixers.map((m) => m.id)).toEqual(['parent', 'attn:kv2', 'attn:noop'])
    expect(space.layers[0]!.ffns.map((f) => f.id)).toEqual(['parent', 'ffn:60%', 'ffn:linear'])
  })

  it('rejects garbage and invalid blocks with one line naming the field', () => {
    const bad = userSpace('s.json', llama70b, { attention: [{ kvHeads: 7 }], ffn: [] })
    expect(Result.isFailure(bad) && bad.failure.message).toBe('invalid s.json: option attn:kv7 in layer 0: kvHeads: 7 (must divide heads = 64)')
    const garbage = userSpace('s.json', llama70b, { attention: 'all' })
    expect(Result.isFailure(garbage) && garbage.failure.message).toMatch(/^invalid s\.json: attention: /)
  })
})
