import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { architectureParams } from '../blocks/architecture-params.ts'
import type { Architecture } from '../blocks/architecture.ts'
import { importHfConfig } from './hf-config.ts'
import { importHymba } from './hf-hymba.ts'
import { presetArchitecture, presets } from './presets.ts'

const hymbaConfig = presets.find((p) => p.id === 'hymba-1.5b')!.config as Readonly<Record<string, unknown>>

function imported(json: unknown): Architecture {
  return Result.getOrThrowWith(importHymba(json), (error) => new Error(error.message))
}

function failure(json: unknown): string {
  const result = importHfConfig(json)
  if (Result.isSuccess(result)) throw new Error('expected the import to fail')
  return result.failure.message
}

describe('importHymba', () => {
  const arch = imported(hymbaConfig)

  it('gives Hymba-1.5B 32 hybrid-head layers with a 5504-wide SwiGLU FFN and a tied embedding', () => {
    // ../shared/reference/models/hymba_1.5b_base.json
    expect(arch.layers).toHaveLength(32)
    for (const layer of arch.layers) {
      expect(layer.mixer).toMatchObject({ type: 'hybrid-heads', heads: 25, kvHeads: 5, qkHeadDim: 64, vHeadDim: 128, ssmInner: 3200, stateDim: 16, dtRank: 100, convKernel: 4, metaTokens: 128 })
      expect(layer.ffn).toEqual({ type: 'ffn', hidden: 1600, intermediate: 5504, activation: 'swiglu' })
    }
    expect(arch.embedding).toEqual({ vocabSize: 32001, hidden: 1600, tied: true })
  })

  it('keeps global attention in layers 0, 15 and 31 and a 1024-token window elsewhere', () => {
    // global_attn_idx [0, 15, 31], sliding_window 1024
    const globalLayers = arch.layers.flatMap((l, i) => (l.mixer.type === 'hybrid-heads' && l.mixer.window === undefined ? [i] : []))
    expect(globalLayers).toEqual([0, 15, 31])
    for (const l of arch.layers) if (l.mixer.type === 'hybrid-heads' && l.mixer.window !== undefined) expect(l.mixer.window).toBe(1024)
  })

  it('makes every layer after the first of a kv_reuse_group reuse its cache: 15 of 32', () => {
    const sharing = arch.layers.flatMap((l, i) => (l.mixer.type === 'hybrid-heads' && l.mixer.sharesKv === true ? [i] : []))
    expect(sharing).toEqual([2, 4, 6, 8, 10, 12, 14, 17, 18, 20, 22, 24, 26, 28, 30])
  })

  it('counts 1.5226 B parameters, 1.5228 B with the 128 × 1600 meta tokens (model card: 1.52 B)', () => {
    // The Hymba-1.5B-Base model card (huggingface.co/nvidia/Hymba-1.5B-Base) states 1.52 B parameters.
    const params = architectureParams(arch)
    expect(params).toBe(1_522_593_024)
    expect((params + 128 * 1600) / 1e9).toBeCloseTo(1.52, 2)
  })

  it('loads as the hymba-1.5b preset', () => {
    expect(Result.isSuccess(presetArchitecture('hymba-1.5b'))).toBe(true)
  })

  it('rejects a stated value head size the modelling code would override, naming the field', () => {
    expect(failure({ ...hymbaConfig, v_head_dim: 64 })).toBe("invalid config field v_head_dim: expected -1 or 128 (Hymba's modelling code derives it), got 64")
  })

  it('rejects a KV-sharing group that mixes a global and a windowed layer', () => {
    expect(failure({ ...hymbaConfig, kv_reuse_group: [[0, 1]] })).toBe(
      'invalid config field kv_reuse_group[0][1]: layer 1 and layer 0 share a cache but not the same attention window (see global_attn_idx)',
    )
  })

  it('rejects a global layer index beyond the model', () => {
    expect(failure({ ...hymbaConfig, global_attn_idx: [0, 40] })).toMatch(/^invalid config field global_attn_idx\[1\]: expected a layer index below num_hidden_layers = 32/)
  })

  it('refuses interspersed meta tokens, which it does not model', () => {
    expect(failure({ ...hymbaConfig, memory_tokens_interspersed_every: 4 })).toMatch(/^invalid config field memory_tokens_interspersed_every/)
  })
})
