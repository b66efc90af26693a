/**
 * Fused children as DeciLM configs: the export writes Llama-Nemotron Ultra's
 * layout, an import reads the same architecture back, and fusing the runs of
 * the Ultra config's structure reproduces its layers and parameter count.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import type { Architecture, LayerChoice } from '../blocks/architecture.ts'
import { architectureParams } from '../blocks/architecture-params.ts'
import { fuseRuns, fusionRuns, maximalRuns } from '../blocks/ffn-fusion.ts'
import { fusedLayerRuns, unfuseRuns } from '../blocks/ffn-unfusion.ts'
import { exportDeciLm } from './decilm-export.ts'
import { deciLmFfnGranule, deciLmIntermediate } from './decilm-ffn.ts'
import { importHfConfig } from './hf-config.ts'
import { presetArchitecture } from './presets.ts'

/** nvidia/Llama-3_1-Nemotron-Ultra-253B-v1's config.json (../shared/reference/README.md). */
const ultraConfig = JSON.parse(readFileSync(new URL('../../../shared/reference/models/llama3.1_nemotron_ultra_253b.config.json', import.meta.url), 'utf8')) as Record<string, unknown>
const ultra = Result.getOrThrow(importHfConfig(ultraConfig))
const llama405b = Result.getOrThrowWith(presetArchitecture('llama-3.1-405b'), (e) => new Error(e.message))

/** The architecture minus its provenance and name, which a config.json written by nas-sim does not carry. */
function shape({ source: _source, name: _name, ...arch }: Architecture): Omit<Architecture, 'source' | 'name'> {
  return arch
}

function roundTrip(arch: Architecture): Architecture {
  const json = Result.getOrThrowWith(exportDeciLm(arch), (error) => new Error(error.message))
  return Result.getOrThrowWith(importHfConfig(JSON.parse(JSON.stringify(json))), (error) => new Error(error.message))
}

/** Llama-3.1-405B's FFN width, Ultra's parent's (53,248): no single pruned FFN is wider. */
const parentWidth = llama405b.layers[0]!.ffn.type === 'ffn' ? llama405b.layers[0]!.ffn.intermediate : 0

describe('the Ultra check: fusing the runs of the Llama-Nemotron Ultra structure reproduces its config', () => {
  const runs = fusedLayerRuns(ultra, parentWidth)
  const unfused = unfuseRuns(ultra, runs, deciLmFfnGranule)

  it('finds Ultra’s four fused FFNs at layers 125, 134, 143 and 149, joining 9, 9, 9 and 6 layers', () => {
    // The FFN Fusion paper (arXiv:2503.18908) describes Ultra-253B-Base as fusing into four wide FFNs; the config shows where.
    expect(runs).toEqual([
      { first: 117, last: 125 },
      { first: 126, last: 134 },
      { first: 135, last: 143 },
      { first: 144, last: 149 },
    ])
  })

  it('gives back the Ultra config’s 162 layers exactly, fused FFN widths included', () => {
    const fused = fuseRuns(unfused, runs)
    expect(fused.layers).toEqual(ultra.layers)
    expect(fused.layers).toHaveLength(162)
  })

  it('gives back the Ultra config’s parameter count, 253.4 B (the model card’s “253B”), and the unfused child has one norm more per joined FFN', () => {
    const params = architectureParams(fuseRuns(unfused, runs))
    expect(params).toBe(architectureParams(ultra))
    // huggingface.co/nvidia/Llama-3_1-Nemotron-Ultra-253B-v1: "253B" parameters.
    expect(params / 1e9).toBeCloseTo(253.4, 1)
    const joined = runs.reduce((s, r) => s + (r.last - r.first), 0)
    expect(architectureParams(unfused) - params).toBe(joined * ultra.hidden)
  })

  it('writes the fused child as DeciLM blocks of the Ultra config’s widths, and its fused FFNs with Ultra’s own ffn_mult', () => {
    const json = Result.getOrThrow(exportDeciLm(fuseRuns(unfused, runs)))
    const reference = ultraConfig.block_configs as readonly { attention: { no_op: boolean }; ffn: { ffn_mult: number | null; no_op: boolean } }[]
    const width = (mult: number | null) => (mult === null ? 0 : deciLmIntermediate(mult, ultra.hidden))
    json.block_configs.forEach((block, i) => {
      expect(block.attention.no_op).toBe(reference[i]!.attention.no_op)
      expect(block.ffn.no_op).toBe(reference[i]!.ffn.no_op)
      // ffn_mult is not unique (several give one width), so narrow FFNs are compared by width.
      expect(width(block.ffn.ffn_mult)).toBe(width(reference[i]!.ffn.ffn_mult))
    })
    expect(runs.map((r) => json.block_configs[r.last]!.ffn.ffn_mult)).toEqual([36.5625, 39, 31.40625, 27.5625])
  })

  it('fuses more than Ultra when every maximal run is fused: its attention-free stretch 117–150 is one run', () => {
    expect(maximalRuns(unfused).filter((r) => r.first >= 100)).toEqual([
      { first: 100, last: 106 },
      { first: 117, last: 150 },
    ])
  })
})

describe('DeciLM round trip of fused children', () => {
  const hidden = 4096
  /** Llama-3.1-8B-shaped children whose attention-free layers have random FFN widths (multiples of 256) or none. */
  const childArb: fc.Arbitrary<Architecture> = fc
    .array(
      fc.oneof(
        fc.constant<LayerChoice>({ mixer: { type: 'attention', hidden, heads: 32, kvHeads: 8, headDim: 128 }, ffn: { type: 'ffn', hidden, intermediate: 14336, activation: 'swiglu' } }),
        fc.constant<LayerChoice>({ mixer: { type: 'noop', hidden }, ffn: { type: 'noop', hidden } }),
        fc.integer({ min: 1, max: 56 }).map((u): LayerChoice => ({ mixer: { type: 'noop', hidden }, ffn: { type: 'ffn', hidden, intermediate: 256 * u, activation: 'swiglu' } })),
      ),
      { minLength: 1, maxLength: 32 },
    )
    .map((rest) => ({
      name: 'child',
      hidden,
      embedding: { vocabSize: 128256, hidden, tied: false },
      layers: [{ mixer: { type: 'attention', hidden, heads: 32, kvHeads: 8, headDim: 128 }, ffn: { type: 'noop', hidden } }, ...rest],
    }))

  it('imports an exported fused child as the same architecture, for every maximal run fused and for runs of at most K FFNs', () => {
    fc.assert(
      fc.property(childArb, fc.option(fc.integer({ min: 2, max: 6 }), { nil: undefined }), (child, k) => {
        const fused = fuseRuns(child, fusionRuns(child, k))
        expect(shape(roundTrip(fused))).toEqual(shape(fused))
      }),
    )
  })

  it('imports the Ultra config, exports it and imports it again unchanged', () => {
    expect(shape(roundTrip(ultra))).toEqual(shape(ultra))
  })
})
