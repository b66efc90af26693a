import * as Result from 'effect/Result'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Architecture } from '../blocks/architecture.ts'
import type { HybridHeadsSpec } from '../blocks/spec.ts'
import { importHfConfig } from './hf-config.ts'
import { exportHymba } from './hymba-export.ts'
import { presetArchitecture } from './presets.ts'

const hymba = Result.getOrThrow(presetArchitecture('hymba-1.5b'))
const llama3b = Result.getOrThrow(presetArchitecture('llama-3.2-3b'))

function exported(arch: Architecture): Readonly<Record<string, unknown>> {
  return Result.getOrThrowWith(exportHymba(arch), (e) => new Error(e.message))
}

function reimported(arch: Architecture): Architecture {
  return Result.getOrThrowWith(importHfConfig(JSON.parse(JSON.stringify(exported(arch)))), (e) => new Error(e.message))
}

/** A hybrid child of Llama-3.2-3B: 24 heads, 8 KV heads, Mamba 2 × hidden, as the hymba space builds it. */
const hybrid3b: HybridHeadsSpec = { type: 'hybrid-heads', hidden: 3072, heads: 24, kvHeads: 8, qkHeadDim: 128, vHeadDim: 256, ssmInner: 6144, stateDim: 16, dtRank: 192, convKernel: 4, metaTokens: 128 }

describe('exportHymba', () => {
  it('writes Hymba-1.5B back with the fields of its published config', () => {
    // ../shared/reference/models/hymba_1.5b_base.json
    const json = exported(hymba)
    expect(json).toMatchObject({
      architectures: ['HymbaForCausalLM'],
      model_type: 'hymba',
      num_attention_heads: 25,
      num_key_value_heads: 5,
      v_head_dim: 128,
      mamba_expand: 2,
      mamba_dt_rank: 100,
      sliding_window: 1024,
      global_attn_idx: [0, 15, 31],
      num_memory_tokens: 128,
      num_experts: 1,
    })
    expect(json.kv_reuse_group).toEqual([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12], [13, 14], [16, 17, 18], [19, 20], [21, 22], [23, 24], [25, 26], [27, 28], [29, 30]])
  })

  it('round-trips Hymba-1.5B: export then import gives the same layers and embedding', () => {
    const back = reimported(hymba)
    expect(back.layers).toEqual(hymba.layers)
    expect(back.embedding).toEqual(hymba.embedding)
  })

  it('round-trips any child the hymba space can make: windows and KV-sharing groups per layer', () => {
    // Per layer: global or windowed, and (after the first layer) reusing the cache of the layer that made it when the windows agree.
    const layers = fc.array(fc.record({ windowed: fc.boolean(), shares: fc.boolean() }), { minLength: 1, maxLength: 12 })
    fc.assert(
      fc.property(layers, fc.constantFrom(0, 64, 128), (picks, meta) => {
        let owner: HybridHeadsSpec | undefined
        const mixers = picks.map((p, l) => {
          const windowed = { ...hybrid3b, metaTokens: meta, ...(p.windowed ? { window: 1024 } : {}) }
          const shares = l > 0 && p.shares && owner !== undefined && owner.window === windowed.window
          const spec: HybridHeadsSpec = shares ? { ...windowed, sharesKv: true } : windowed
          if (!shares) owner = spec
          return spec
        })
        const child: Architecture = { ...llama3b, name: 'child', layers: mixers.map((mixer) => ({ mixer, ffn: llama3b.layers[0]!.ffn })) }
        const back = reimported(child)
        expect(back.layers).toEqual(child.layers)
      }),
    )
  })

  it('sets rope for a Llama parent’s child, whose settings lack it, and keeps the parent’s rope_theta', () => {
    const child: Architecture = { ...llama3b, layers: llama3b.layers.map((l) => ({ mixer: hybrid3b, ffn: l.ffn })) }
    const json = exported(child)
    expect(json.rope).toBe(true)
    expect(json.rope_theta).toBe(llama3b.settings?.rope_theta)
  })

  it('refuses a child that mixes head layouts, naming the layer and field', () => {
    const child: Architecture = { ...llama3b, layers: llama3b.layers.map((l, i) => ({ mixer: i === 3 ? { ...hybrid3b, kvHeads: 4 } : hybrid3b, ffn: l.ffn })) }
    const r = exportHymba(child)
    expect(Result.isFailure(r) && r.failure.message).toBe('cannot export as HymbaConfig: layers[3].mixer.kvHeads: HymbaConfig has one value for the whole model; layer 0 has 8, this layer 4')
  })

  it('refuses a child that keeps plain attention', () => {
    const r = exportHymba(llama3b)
    expect(Result.isFailure(r) && r.failure.message).toBe('cannot export as HymbaConfig: layers[0].mixer: HymbaConfig layers are all hybrid-head; this one is attention')
  })
})
