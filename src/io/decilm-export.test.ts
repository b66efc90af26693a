import fc from 'fast-check'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import type { Architecture, AttentionSpec, FfnSlotSpec, LayerChoice, MixerSpec } from '../blocks/index.ts'
import { exportDeciLm } from './decilm-export.ts'
import { deciLmFfnMult, deciLmIntermediate } from './decilm-ffn.ts'
import { importHfConfig } from './hf-config.ts'
import { presetArchitecture, presets, type PresetId } from './presets.ts'

function preset(id: PresetId): Architecture {
  return Result.getOrThrowWith(presetArchitecture(id), (error) => new Error(error.message))
}

/** The architecture minus its provenance, which a config.json written by nas-sim does not carry. */
function shape({ source: _source, ...arch }: Architecture): Architecture {
  return arch
}

function roundTrip(arch: Architecture): Architecture {
  const json = Result.getOrThrowWith(exportDeciLm(arch), (error) => new Error(error.message))
  // Through text, as a file on disk would go.
  return Result.getOrThrowWith(importHfConfig(JSON.parse(JSON.stringify(json))), (error) => new Error(error.message))
}

function exportFailure(arch: Architecture): string {
  const result = exportDeciLm(arch)
  if (Result.isSuccess(result)) throw new Error('expected the export to fail')
  return result.failure.message
}

describe('DeciLM ffn_mult', () => {
  it('maps the reference examples at hidden 8192: 5.25 → 28672, 2.625 → 14336, 1.3125 → 7168', () => {
    // ../shared/reference/README.md, "DeciLM block_configs"
    expect(deciLmIntermediate(5.25, 8192)).toBe(28672)
    expect(deciLmIntermediate(2.625, 8192)).toBe(14336)
    expect(deciLmIntermediate(1.3125, 8192)).toBe(7168)
  })

  it('finds the familiar ffn_mult for those widths', () => {
    expect(deciLmFfnMult(28672, 8192)).toBe(5.25)
    expect(deciLmFfnMult(14336, 8192)).toBe(2.625)
    expect(deciLmFfnMult(7168, 8192)).toBe(1.3125)
  })

  it('finds, for every multiple of 256, an ffn_mult of at most six decimals that maps back exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 32768 }), fc.integer({ min: 1, max: 1024 }), (hidden, units) => {
        const intermediate = units * 256
        const ffnMult = deciLmFfnMult(intermediate, hidden)
        expect(ffnMult).toBeDefined()
        expect(deciLmIntermediate(ffnMult ?? 0, hidden)).toBe(intermediate)
        expect(Number((ffnMult ?? 0).toFixed(6))).toBe(ffnMult)
      }),
    )
  })

  it('finds none for a width that is not a multiple of 256', () => {
    expect(deciLmFfnMult(29568, 8192)).toBeUndefined()
  })
})

describe('exportDeciLm', () => {
  const super49b = presets.find((p) => p.id === 'llama-3.3-nemotron-super-49b')?.config as Readonly<Record<string, unknown>>
  const referenceBlocks = super49b.block_configs as readonly Record<string, Record<string, unknown>>[]

  it('writes Llama-3.3-Nemotron-Super-49B’s block_configs back as in its config.json, with ffn_mults that give the same widths', () => {
    const json = Result.getOrThrow(exportDeciLm(preset('llama-3.3-nemotron-super-49b')))
    const withoutMult = ({ ffn_mult: _mult, ...ffn }: { readonly ffn_mult?: unknown }) => ffn
    expect(json.block_configs.map((b) => ({ ...b, ffn: withoutMult(b.ffn) }))).toEqual(
      referenceBlocks.map((b) => ({ ...b, ffn: withoutMult(b.ffn ?? {}) })),
    )
    // ffn_mult is not unique: the reference's 1.0 and the exported plain ratio 1.03125 both give 5632.
    json.block_configs.forEach((block, index) => {
      expect(deciLmIntermediate(block.ffn.ffn_mult ?? 0, 8192)).toBe(deciLmIntermediate(Number(referenceBlocks[index]?.ffn?.ffn_mult), 8192))
    })
  })

  it('mirrors the Super-49B field set: the same keys per block, and top-level keys the reference has', () => {
    const json = Result.getOrThrow(exportDeciLm(preset('llama-3.1-8b'), super49b))
    expect(Object.keys(json).filter((key) => !(key in super49b))).toEqual([])
    expect(json).toMatchObject({
      architectures: ['DeciLMForCausalLM'],
      model_type: 'nemotron-nas',
      intermediate_size: null,
      num_key_value_heads: null,
      auto_map: super49b.auto_map,
    })
    for (const block of json.block_configs) {
      expect(Object.keys(block.attention).sort()).toEqual(Object.keys(referenceBlocks[0]?.attention ?? {}).sort())
      expect(Object.keys(block.ffn).sort()).toEqual(Object.keys(referenceBlocks[0]?.ffn ?? {}).sort())
    }
  })

  it('carries the parent’s rotary, norm and tokenizer settings over, and nothing architectural', () => {
    const json = Result.getOrThrow(exportDeciLm(preset('llama-3.1-8b'), super49b))
    expect(json.rope_scaling).toEqual(super49b.rope_scaling)
    expect(json.rope_theta).toBe(500000)
    expect(json.eos_token_id).toEqual(super49b.eos_token_id)
    expect(json.hidden_size).toBe(4096)
    expect(json.num_attention_heads).toBe(32)
  })

  it('takes the settings the importer kept when no parent config is given, and writes keys sorted as transformers does', () => {
    const json = Result.getOrThrow(exportDeciLm(preset('llama-3.1-8b')))
    // meta-llama/Llama-3.1-8B config.json: rope_theta 500000, llama3 rope_scaling (factor 8 over 8192 tokens), rms_norm_eps 1e-5, bfloat16.
    expect(json).toMatchObject({
      rope_theta: 500000,
      rope_scaling: { rope_type: 'llama3', factor: 8, original_max_position_embeddings: 8192 },
      rms_norm_eps: 1e-5,
      bos_token_id: 128000,
      eos_token_id: 128001,
      torch_dtype: 'bfloat16',
      max_position_embeddings: 131072,
    })
    expect(json).not.toHaveProperty('head_dim')
    expect(json).not.toHaveProperty('_source')
    expect(Object.keys(json)).toEqual(Object.keys(json).sort())
  })

  it.each(['llama-3.1-8b', 'llama-3.1-70b', 'llama-3.3-70b', 'llama-3.1-405b', 'llama-3.2-3b', 'llama-3.3-nemotron-super-49b'] as const)(
    'writes, for a child of %s, every top-level key of the published DeciLM configs',
    (id) => {
      const json = Result.getOrThrow(exportDeciLm(preset(id)))
      // transformers_version names the library release that wrote a file; nas-sim copies the parent's and never invents one.
      const expected = id === 'llama-3.3-nemotron-super-49b' ? deciLmReferenceKeys : deciLmReferenceKeys.filter((key) => key !== 'transformers_version')
      expect(expected.filter((key) => !(key in json))).toEqual([])
    },
  )

  it('copies every non-architectural field of an imported parent, including ones nas-sim has never heard of', () => {
    const parent = { ...presets.find((p) => p.id === 'llama-3.1-8b')!.config, pad_token_id: 128004, some_future_switch: { on: true } }
    const arch = Result.getOrThrow(importHfConfig(parent))
    const json = Result.getOrThrow(exportDeciLm(arch))
    expect(json).toMatchObject({ pad_token_id: 128004, some_future_switch: { on: true } })
    // And an import of the export gets the same settings back.
    expect(roundTrip(arch).settings).toEqual(arch.settings)
  })

  it.each(['llama-3.1-8b', 'llama-3.1-70b', 'llama-3.3-70b', 'llama-3.1-405b', 'llama-3.2-3b', 'qwen-2.5-7b', 'llama-3.3-nemotron-super-49b'] as const)(
    'round-trips %s: import(export(a)) equals a',
    (id) => {
      const arch = preset(id)
      expect(roundTrip(arch)).toEqual(shape(arch))
    },
  )

  it('round-trips random heterogeneous Llama-family children', () => {
    fc.assert(fc.property(childArbitrary, (arch) => {
      expect(roundTrip(arch)).toEqual(arch)
    }), { numRuns: 200 })
  })

  it('rejects Mamba-2 layers, naming the layer', () => {
    expect(exportFailure(preset('nemotron-h-8b'))).toBe(
      'cannot export as DeciLM: layers[0].mixer: Mamba-2 mixers cannot be expressed; DeciLM layers hold only Llama attention and FFN blocks',
    )
  })

  it('rejects a squared-ReLU FFN (Nemotron-4), since DeciLM FFNs are SwiGLU', () => {
    expect(exportFailure(preset('nemotron-4-340b'))).toBe(
      'cannot export as DeciLM: layers[0].ffn.activation: DeciLM FFNs are gated SwiGLU; expected swiglu, got relu2',
    )
  })

  it('rejects a width no ffn_mult can give (Qwen-2.5-72B’s 29568)', () => {
    expect(exportFailure(preset('qwen-2.5-72b'))).toBe(
      'cannot export as DeciLM: layers[0].ffn.intermediate: no ffn_mult gives 29568 at hidden 8192; DeciLM widths are multiples of 256',
    )
  })

  it('rejects a head size other than hidden / heads, and a child with no attention at all', () => {
    const llama = preset('llama-3.1-8b')
    const wideHeads = { ...llama, layers: llama.layers.map((l) => ({ ...l, mixer: { ...l.mixer, headDim: 256 } as AttentionSpec })) }
    expect(exportFailure(wideHeads)).toBe(
      'cannot export as DeciLM: layers[0].mixer.headDim: DeciLM derives the head size as hidden / heads; expected 128, got 256',
    )
    const noAttention = { ...llama, layers: llama.layers.map((l) => ({ ...l, mixer: { type: 'noop', hidden: 4096 } as const })) }
    expect(exportFailure(noAttention)).toBe('cannot export as DeciLM: layers: at least one attention layer is needed to set num_attention_heads')
  })
})

/**
 * The top-level keys of the two published DeciLM configs, which have the same
 * set: ../shared/reference/models/llama3.3_nemotron_super_49b.config.json and
 * llama3.1_nemotron_ultra_253b.config.json (nvidia/Llama-3_3-Nemotron-Super-49B-v1,
 * nvidia/Llama-3_1-Nemotron-Ultra-253B-v1 on Hugging Face).
 */
const deciLmReferenceKeys = [
  '_name_or_path', 'architectures', 'attention_bias', 'attention_dropout', 'auto_map', 'block_configs', 'bos_token_id',
  'eos_token_id', 'hidden_act', 'hidden_size', 'initializer_range', 'intermediate_size', 'max_position_embeddings', 'mlp_bias',
  'model_type', 'num_attention_heads', 'num_hidden_layers', 'num_key_value_heads', 'pretraining_tp', 'rms_norm_eps',
  'rope_scaling', 'rope_theta', 'tie_word_embeddings', 'torch_dtype', 'transformers_version', 'use_cache', 'vocab_size',
] as const

/** Random Llama-family children: shared heads and head size, per-layer GQA, window, linear or no-op blocks, any FFN width the format can hold. */
const childArbitrary: fc.Arbitrary<Architecture> = fc
  .record({
    heads: fc.constantFrom(8, 16, 32, 64),
    headDim: fc.constantFrom(64, 128),
    vocabSize: fc.integer({ min: 1000, max: 200_000 }),
    tied: fc.boolean(),
    maxContext: fc.option(fc.constantFrom(4096, 8192, 131072), { nil: undefined }),
    depth: fc.integer({ min: 1, max: 24 }),
  })
  .chain(({ heads, headDim, vocabSize, tied, maxContext, depth }) => {
    const hidden = heads * headDim
    const attention: fc.Arbitrary<MixerSpec> = fc
      .record({ kvHeads: fc.constantFrom(...divisors(heads)), window: fc.option(fc.constantFrom(1024, 4096), { nil: undefined }) })
      .map(({ kvHeads, window }) => ({ type: 'attention', hidden, heads, kvHeads, headDim, ...(window === undefined ? {} : { window }) }))
    const mixer = fc.oneof(attention, fc.constant<MixerSpec>({ type: 'linear', hidden }), fc.constant<MixerSpec>({ type: 'noop', hidden }))
    const ffn = fc.oneof(
      fc.integer({ min: 1, max: (4 * hidden) / 256 }).map((units): FfnSlotSpec => ({ type: 'ffn', hidden, intermediate: units * 256, activation: 'swiglu' })),
      fc.constant<FfnSlotSpec>({ type: 'linear', hidden }),
      fc.constant<FfnSlotSpec>({ type: 'noop', hidden }),
    )
    const layer: fc.Arbitrary<LayerChoice> = fc.record({ mixer, ffn })
    return fc.tuple(attention, fc.array(layer, { minLength: depth, maxLength: depth })).map(([first, rest]): Architecture => ({
      name: 'child',
      hidden,
      embedding: { vocabSize, hidden, tied },
      // The first layer keeps attention so that num_attention_heads is defined.
      layers: [{ mixer: first, ffn: rest[0]?.ffn ?? { type: 'noop', hidden } }, ...rest.slice(1)],
      ...(maxContext === undefined ? {} : { maxContext }),
    }))
  })

function divisors(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0)
}
