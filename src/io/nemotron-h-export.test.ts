import fc from 'fast-check'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import type { Architecture } from '../blocks/index.ts'
import { defaultMinitronGrid, parentWidths, prunedArchitecture, widthSettings } from '../search/space/minitron.ts'
import { childConfigJson } from './child-config.ts'
import { importHfConfig } from './hf-config.ts'
import { exportNemotronH } from './nemotron-h-export.ts'
import { presetArchitecture, presets, type PresetId } from './presets.ts'

function preset(id: PresetId): Architecture {
  return Result.getOrThrowWith(presetArchitecture(id), (error) => new Error(error.message))
}

/** The architecture minus its name and provenance, which the round trip renames. */
function shape({ source: _source, name: _name, ...arch }: Architecture): Omit<Architecture, 'name' | 'source'> {
  return arch
}

function exported(arch: Architecture, parent?: Record<string, unknown>): Record<string, unknown> {
  return Result.getOrThrowWith(exportNemotronH(arch, parent), (error) => new Error(error.message))
}

function roundTrip(arch: Architecture): Architecture {
  // Through text, as a file on disk would go.
  return Result.getOrThrowWith(importHfConfig(JSON.parse(JSON.stringify(exported(arch)))), (error) => new Error(error.message))
}

function failure(arch: Architecture): string {
  const r = exportNemotronH(arch)
  if (Result.isSuccess(r)) throw new Error('expected the export to fail')
  return r.failure.message
}

const nh8b = preset('nemotron-h-8b')
const parent8b = Result.getOrThrow(parentWidths(nh8b))

describe('exportNemotronH', () => {
  it('writes Nemotron-H-8B with the fields of its published config.json', () => {
    // ../shared/reference/models/nemotron_h_8b.json: the pattern, 52 layers, 128 Mamba heads × 64 in 8 groups, FFN 21504.
    const json = exported(nh8b)
    expect(json).toMatchObject({
      architectures: ['NemotronHForCausalLM'],
      model_type: 'nemotron_h',
      hidden_size: 4096,
      num_hidden_layers: 52,
      hybrid_override_pattern: 'M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M-',
      intermediate_size: 21504,
      mamba_num_heads: 128,
      mamba_head_dim: 64,
      n_groups: 8,
      ssm_state_size: 128,
      conv_kernel: 4,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      head_dim: 128,
      vocab_size: 131072,
      tie_word_embeddings: false,
      max_position_embeddings: 8192,
    })
  })

  it.each(presets.filter((p) => p.id.startsWith('nemotron-h')).map((p) => p.id))('round-trips %s through export and import', (id) => {
    const arch = preset(id)
    expect(shape(roundTrip(arch))).toEqual(shape(arch))
  })

  it('round-trips every pruned child of the default grid, dropped layers leaving the pattern', () => {
    const settings = widthSettings(defaultMinitronGrid(parent8b), parent8b)
    fc.assert(
      fc.property(fc.integer({ min: 0, max: settings.length - 1 }), fc.array(fc.boolean(), { minLength: 52, maxLength: 52 }), (s, drop) => {
        fc.pre(drop.some((d) => !d))
        const pruned = prunedArchitecture(nh8b, settings[s]!)
        const child: Architecture = {
          ...pruned,
          layers: pruned.layers.map((layer, l) => (drop[l] ? { mixer: { type: 'noop', hidden: pruned.hidden }, ffn: { type: 'noop', hidden: pruned.hidden } } : layer)),
        }
        const json = exported(child)
        expect(json.num_hidden_layers).toBe(drop.filter((d) => !d).length)
        expect((json.hybrid_override_pattern as string).length).toBe(json.num_hidden_layers)
        expect(shape(roundTrip(child))).toEqual(shape({ ...child, layers: child.layers.filter((_, l) => !drop[l]) }))
      }),
      { numRuns: 60 },
    )
  })

  it('keeps every setting of the parent config it does not change, unknown keys included', () => {
    const parent = { ...presets.find((p) => p.id === 'nemotron-h-8b')!.config, layer_norm_epsilon: 1e-5, bos_token_id: 1, eos_token_id: 2, torch_dtype: 'bfloat16', my_custom_key: [1, 2] }
    const child = prunedArchitecture(nh8b, { hidden: 3072, ffn: 12288, mamba: { groups: 8, headsPerGroup: 14, headDim: 64 } })
    const json = exported(child, parent)
    expect(json).toMatchObject({ layer_norm_epsilon: 1e-5, bos_token_id: 1, eos_token_id: 2, torch_dtype: 'bfloat16', my_custom_key: [1, 2], hidden_size: 3072, mamba_num_heads: 112 })
    expect(json).not.toHaveProperty('_source')
    // Importing the export gives the settings back, so a second export is the same file.
    const again = Result.getOrThrow(importHfConfig(JSON.parse(JSON.stringify(json))))
    expect(exported(again)).toEqual(json)
  })

  it('refuses what a Nemotron-H layer cannot hold, naming the layer', () => {
    const h = nh8b.hidden
    const both: Architecture = { ...nh8b, layers: [{ mixer: nh8b.layers[0]!.mixer, ffn: nh8b.layers[1]!.ffn }] }
    expect(failure(both)).toBe('cannot export as Nemotron-H: layers[0]: holds a mamba2 mixer and a ffn FFN; a Nemotron-H layer holds one of them')
    const linear: Architecture = { ...nh8b, layers: [{ mixer: { type: 'linear', hidden: h }, ffn: { type: 'noop', hidden: h } }] }
    expect(failure(linear)).toMatch(/^cannot export as Nemotron-H: layers\[0\]: a linear block/)
    const ffn = nh8b.layers[1]!.ffn
    if (ffn.type !== 'ffn') throw new Error('layer 1 of Nemotron-H-8B is an MLP')
    const uneven: Architecture = { ...nh8b, layers: [nh8b.layers[1]!, { mixer: { type: 'noop', hidden: h }, ffn: { ...ffn, intermediate: 1024 } }] }
    expect(failure(uneven)).toBe('cannot export as Nemotron-H: layers[1].ffn.intermediate: 1024 differs from the first such layer’s 21504; Nemotron-H has one shape per layer kind'.replace('’', "'"))
    const empty: Architecture = { ...nh8b, layers: [{ mixer: { type: 'noop', hidden: h }, ffn: { type: 'noop', hidden: h } }] }
    expect(failure(empty)).toMatch(/every layer is empty/)
  })

  it('imports a config without the fields of a layer kind its pattern lacks, and names a missing one it needs', () => {
    const config = presets.find((p) => p.id === 'nemotron-h-8b')!.config as Record<string, unknown>
    const { num_attention_heads: _h, num_key_value_heads: _kv, attention_head_dim: _d, ...noAttention } = config
    const pattern = 'M-M-'
    const arch = Result.getOrThrow(importHfConfig({ ...noAttention, hybrid_override_pattern: pattern, num_hidden_layers: 4 }))
    expect(arch.layers.map((l) => `${l.mixer.type}/${l.ffn.type}`)).toEqual(['mamba2/noop', 'noop/ffn', 'mamba2/noop', 'noop/ffn'])
    const r = importHfConfig({ ...noAttention, hybrid_override_pattern: 'M*', num_hidden_layers: 2 })
    expect(Result.isFailure(r) && r.failure.message).toBe('invalid config field num_attention_heads: required but missing (hybrid_override_pattern has attention layers)')
  })

  it('is the format search outputs choose for hybrid children, DeciLM staying for Llama children', () => {
    expect(childConfigJson(nh8b)).toMatchObject({ model_type: 'nemotron_h' })
    expect(childConfigJson(preset('llama-3.1-8b'))).toMatchObject({ model_type: 'nemotron-nas' })
  })
})
