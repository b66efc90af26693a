import fc from 'fast-check'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { blockModel, type Architecture, type LayerChoice } from '../blocks/index.ts'
import { importHfConfig } from './hf-config.ts'
import { presets, type PresetId } from './presets.ts'

function configOf(id: PresetId): Readonly<Record<string, unknown>> {
  const preset = presets.find((p) => p.id === id)
  if (preset === undefined) throw new Error(`no preset ${id}`)
  return preset.config
}

function imported(json: unknown): Architecture {
  return Result.getOrThrowWith(importHfConfig(json), (error) => new Error(error.message))
}

function failure(json: unknown): string {
  const result = importHfConfig(json)
  if (Result.isSuccess(result)) throw new Error('expected the import to fail')
  return result.failure.message
}

/** How many layers hold each kind of sub-block, keyed `mixer/ffn`. */
function layerKinds(layers: readonly LayerChoice[]): Record<string, number> {
  const kinds: Record<string, number> = {}
  for (const layer of layers) {
    const key = `${layer.mixer.type}/${layer.ffn.type}`
    kinds[key] = (kinds[key] ?? 0) + 1
  }
  return kinds
}

function ffnWidths(layers: readonly LayerChoice[]): Record<number, number> {
  const widths: Record<number, number> = {}
  for (const { ffn } of layers) if (ffn.type === 'ffn') widths[ffn.intermediate] = (widths[ffn.intermediate] ?? 0) + 1
  return widths
}

describe('importHfConfig: Llama and Qwen2', () => {
  it('gives Llama-3.1-70B 80 identical layers of GQA with 8 KV heads of 128 and a 28672-wide SwiGLU FFN', () => {
    // ../shared/reference/models/llama3.1_70b.json
    const arch = imported(configOf('llama-3.1-70b'))
    expect(arch.layers).toHaveLength(80)
    expect(arch.hidden).toBe(8192)
    for (const layer of arch.layers) {
      expect(layer.mixer).toEqual({ type: 'attention', hidden: 8192, heads: 64, kvHeads: 8, headDim: 128 })
      expect(layer.ffn).toEqual({ type: 'ffn', hidden: 8192, intermediate: 28672, activation: 'swiglu' })
    }
    expect(arch.embedding).toEqual({ vocabSize: 128256, hidden: 8192, tied: false })
    expect(arch.maxContext).toBe(131072)
  })

  it('ties Llama-3.2-3B’s LM head to its embedding and takes head_dim from the config', () => {
    // ../shared/reference/models/llama3.2_3b.json: tie_word_embeddings true, head_dim 128
    const arch = imported(configOf('llama-3.2-3b'))
    expect(arch.embedding.tied).toBe(true)
    expect(arch.layers[0]?.mixer).toMatchObject({ heads: 24, kvHeads: 8, headDim: 128 })
  })

  it('uses an explicit head_dim even where it differs from hidden / heads', () => {
    const arch = imported({ ...configOf('llama-3.1-8b'), head_dim: 256 })
    expect(arch.layers[0]?.mixer).toMatchObject({ heads: 32, headDim: 256 })
  })

  it('derives head_dim and multi-head attention when the config leaves them out', () => {
    const { head_dim: _headDim, num_key_value_heads: _kv, ...config } = configOf('llama-3.1-8b')
    expect(imported(config).layers[0]?.mixer).toMatchObject({ heads: 32, kvHeads: 32, headDim: 128 })
  })

  it('reads Qwen-2.5-72B as Llama-shaped layers (its QKV bias is not modelled)', () => {
    const arch = imported(configOf('qwen-2.5-72b'))
    expect(arch.layers).toHaveLength(80)
    expect(arch.layers[0]).toEqual({
      mixer: { type: 'attention', hidden: 8192, heads: 64, kvHeads: 8, headDim: 128 },
      ffn: { type: 'ffn', hidden: 8192, intermediate: 29568, activation: 'swiglu' },
    })
    expect(arch.embedding.vocabSize).toBe(152064)
  })

  it('names an architecture by the caller, else _name_or_path, else its class', () => {
    const config = configOf('llama-3.1-8b')
    expect(Result.getOrThrow(importHfConfig(config, { name: 'Mine' })).name).toBe('Mine')
    expect(imported({ ...config, _name_or_path: 'meta-llama/x' }).name).toBe('meta-llama/x')
    expect(imported(config).name).toBe('LlamaForCausalLM')
    expect(imported(config).source).toContain('sku_list.py')
  })
})

describe('importHfConfig: Nemotron-4', () => {
  it('gives Nemotron-4-340B 96 layers of GQA (8 KV heads of 192) and a non-gated squared-ReLU FFN', () => {
    // ../shared/reference/models/nemotron4_340b.json
    const arch = imported(configOf('nemotron-4-340b'))
    expect(arch.layers).toHaveLength(96)
    expect(arch.layers[0]).toEqual({
      mixer: { type: 'attention', hidden: 18432, heads: 96, kvHeads: 8, headDim: 192 },
      ffn: { type: 'ffn', hidden: 18432, intermediate: 73728, activation: 'relu2' },
    })
  })
})

describe('importHfConfig: Nemotron-H', () => {
  // Mamba-2 / attention / MLP layers per hybrid_override_pattern: the `layer_counts` of
  // ../shared/reference/models/nemotron_h_{8b,56b,47b,4b}.json.
  it.each([
    ['nemotron-h-8b', 24, 4, 24],
    ['nemotron-h-56b', 54, 10, 54],
    ['nemotron-h-47b', 45, 5, 48],
    ['nemotron-h-4b', 24, 4, 24],
  ] as const)('reads %s’s pattern as %i Mamba-2, %i attention and %i MLP layers', (id, mamba, attention, mlp) => {
    const arch = imported(configOf(id))
    expect(layerKinds(arch.layers)).toEqual({ 'mamba2/noop': mamba, 'attention/noop': attention, 'noop/ffn': mlp })
  })

  it('puts attention where the pattern has `*` (Nemotron-H-56B: layers 7, 18, …, 106)', () => {
    // attention_layer_indices_0based in ../shared/reference/models/nemotron_h_56b.json
    const arch = imported(configOf('nemotron-h-56b'))
    const attentionAt = arch.layers.flatMap((layer, index) => (layer.mixer.type === 'attention' ? [index] : []))
    expect(attentionAt).toEqual([7, 18, 29, 40, 51, 62, 73, 84, 95, 106])
  })

  it('builds Nemotron-H-8B’s Mamba-2 mixer and squared-ReLU MLP from the config fields', () => {
    const arch = imported(configOf('nemotron-h-8b'))
    expect(arch.layers[0]?.mixer).toEqual({
      type: 'mamba2', hidden: 4096, heads: 128, headDim: 64, stateDim: 128, groups: 8, convKernel: 4, chunkSize: 128,
    })
    expect(arch.layers[1]?.ffn).toEqual({ type: 'ffn', hidden: 4096, intermediate: 21504, activation: 'relu2' })
    expect(arch.layers[7]?.mixer).toEqual({ type: 'attention', hidden: 4096, heads: 32, kvHeads: 8, headDim: 128 })
  })

  it('rejects a pattern whose length is not num_hidden_layers, and MoE layers, naming the field', () => {
    const config = configOf('nemotron-h-8b')
    expect(failure({ ...config, hybrid_override_pattern: 'M-*' })).toBe(
      'invalid config field hybrid_override_pattern: describes 3 layers, expected num_hidden_layers = 52',
    )
    const withMoe = `ME${String(config.hybrid_override_pattern).slice(2)}`
    expect(failure({ ...config, hybrid_override_pattern: withMoe })).toMatch(/^invalid config field hybrid_override_pattern\[1\]: .*MoE/)
  })
})

describe('importHfConfig: DeciLM (Llama-3.3-Nemotron-Super-49B)', () => {
  const arch = imported(configOf('llama-3.3-nemotron-super-49b'))

  it('has 80 layers, 31 of them without attention and none replaced by a linear layer', () => {
    // ../shared/reference/models/llama3.3_nemotron_super_49b.config.json: 31 attention no_op, 0 replace_with_linear
    expect(arch.layers).toHaveLength(80)
    expect(layerKinds(arch.layers)).toEqual({ 'attention/ffn': 49, 'noop/ffn': 31 })
  })

  it('keeps 8 KV heads (n_heads_in_group 8 of 64) in every attention layer', () => {
    for (const { mixer } of arch.layers) {
      if (mixer.type === 'attention') expect(mixer).toEqual({ type: 'attention', hidden: 8192, heads: 64, kvHeads: 8, headDim: 128 })
    }
  })

  it('turns each ffn_mult into the DeciLM width: 5.25 → 28672, 3.28125 → 17920, 2.625 → 14336, 1.3125 → 7168, 1.0 → 5632, 0.5 → 2816', () => {
    // round_up(int(2 · ffn_mult · 8192 / 3), 256), ../shared/reference/README.md; the counts are the config's ffn_mult tally.
    expect(ffnWidths(arch.layers)).toEqual({ 28672: 49, 17920: 1, 14336: 6, 7168: 10, 5632: 8, 2816: 6 })
  })

  it('reads linear blocks, sliding windows and per-block intermediate_size', () => {
    const config = configOf('llama-3.3-nemotron-super-49b')
    const blocks = config.block_configs as readonly Record<string, Record<string, unknown>>[]
    const edited = [
      { attention: { ...blocks[0]?.attention, replace_with_linear: true, n_heads_in_group: null }, ffn: { ...blocks[0]?.ffn, replace_with_linear: true, ffn_mult: null } },
      { attention: { ...blocks[1]?.attention, window_length: 4096 }, ffn: { no_op: false, replace_with_linear: false, intermediate_size: 9000 } },
      ...blocks.slice(2),
    ]
    const layers = imported({ ...config, block_configs: edited }).layers
    expect(layers[0]).toEqual({ mixer: { type: 'linear', hidden: 8192 }, ffn: { type: 'linear', hidden: 8192 } })
    expect(layers[1]?.mixer).toMatchObject({ type: 'attention', window: 4096 })
    expect(layers[1]?.ffn).toMatchObject({ type: 'ffn', intermediate: 9000 })
  })

  it('rejects a block that is both no-op and linear, and a group that does not divide the heads', () => {
    const config = configOf('llama-3.3-nemotron-super-49b')
    const blocks = config.block_configs as readonly Record<string, Record<string, unknown>>[]
    const both = [{ ...blocks[0], ffn: { ...blocks[0]?.ffn, no_op: true, replace_with_linear: true } }, ...blocks.slice(1)]
    expect(failure({ ...config, block_configs: both })).toBe(
      'invalid config field block_configs[0].ffn.replace_with_linear: expected false when no_op is true (they are exclusive)',
    )
    const badGroup = [{ ...blocks[0], attention: { ...blocks[0]?.attention, n_heads_in_group: 7 } }, ...blocks.slice(1)]
    expect(failure({ ...config, block_configs: badGroup })).toBe(
      'invalid config field block_configs[0].attention.n_heads_in_group: expected a divisor of num_attention_heads = 64, got 7',
    )
  })
})

describe('importHfConfig: rejections', () => {
  it('names the supported classes when the architecture is unknown', () => {
    expect(failure({ architectures: ['GPT2LMHeadModel'] })).toBe(
      'unsupported architecture GPT2LMHeadModel: expected architectures[0] to be one of LlamaForCausalLM, Qwen2ForCausalLM, NemotronForCausalLM, NemotronHForCausalLM, DeciLMForCausalLM, HymbaForCausalLM',
    )
  })

  it('falls back to model_type when architectures is absent', () => {
    const { architectures: _classes, ...config } = configOf('llama-3.1-8b')
    expect(imported(config).layers).toHaveLength(32)
  })

  it('names the field and what was expected for a wrong type, a missing key, bad KV heads and biases', () => {
    const config = configOf('llama-3.1-70b')
    expect(failure({ ...config, hidden_size: 8192.5 })).toBe('invalid config field hidden_size: expected an integer, got 8192.5')
    const { intermediate_size: _width, ...noWidth } = config
    expect(failure(noWidth)).toBe('invalid config field intermediate_size: required but missing')
    expect(failure({ ...config, num_key_value_heads: 7 })).toBe(
      'invalid config field num_key_value_heads: expected a divisor of num_attention_heads = 64, got 7',
    )
    expect(failure({ ...config, attention_bias: true })).toBe(
      'invalid config field attention_bias: biased projections are not modelled yet; expected false',
    )
    expect(failure({ ...config, hidden_act: 'gelu' })).toBe('invalid config field hidden_act: expected "silu", got "gelu"')
  })

  it('never throws on random JSON: it gives a one-line error or an architecture', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const result = importHfConfig(json)
        if (Result.isFailure(result)) expect(result.failure.message).not.toContain('\n')
      }),
    )
  })

  it('never throws when one field of a real config is replaced by random JSON; what it accepts is valid', () => {
    const configs = presets.map((p) => p.config as Readonly<Record<string, unknown>>)
    fc.assert(
      fc.property(
        fc.constantFrom(...configs),
        fc.nat(),
        fc.option(fc.jsonValue(), { nil: undefined }),
        (config, pick, value) => {
          const keys = Object.keys(config)
          const key = keys[pick % keys.length] ?? ''
          const { [key]: _dropped, ...rest } = config
          const result = importHfConfig(value === undefined ? rest : { ...rest, [key]: value })
          if (Result.isFailure(result)) {
            expect(result.failure.message).not.toContain('\n')
            return
          }
          const arch = result.success
          expect(arch.layers.length).toBeGreaterThan(0)
          for (const layer of arch.layers) {
            expect(blockModel(layer.mixer).validate(layer.mixer, 1)).toBeUndefined()
            expect(blockModel(layer.ffn).validate(layer.ffn, 1)).toBeUndefined()
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
