import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Architecture, AttentionSpec, FfnSpec, LayerChoice, PrecisionConfig } from '../blocks/index.ts'
import { bf16Everywhere } from '../blocks/precision.ts'
import { architectureCost, decodeSegments, servingDeployment } from '../serving/index.ts'
import {
  blockTiming,
  deployment as hardwareDeployment,
  deploymentError,
  executionOf,
  systems,
  timeKernels,
} from './index.ts'
import { layerGlueWork } from '../blocks/layer-glue.ts'

const fp8: PrecisionConfig = { weights: 'fp8', activations: 'fp8', kv: 'fp8' }

/** These whole-model checks hold for a static batch under vLLM's memory policy (the serving tests cover in-flight batching). */
const deployment = (...args: Parameters<typeof hardwareDeployment>) => servingDeployment(hardwareDeployment(...args), { batching: 'static' })

function uniform(name: string, hidden: number, vocab: number, layers: number, layer: LayerChoice): Architecture {
  return { name, hidden, embedding: { vocabSize: vocab, hidden, tied: false }, layers: Array(layers).fill(layer) }
}

// Nemotron-4 340B: 96 layers, hidden 18432, 96 heads, 8 KV heads, head dim 192, relu2 FFN 73728, vocab 256000
// (../shared/reference/models/nemotron4_340b.json).
const nemotron4 = uniform('Nemotron-4-340B', 18432, 256000, 96, {
  mixer: { type: 'attention', hidden: 18432, heads: 96, kvHeads: 8, headDim: 192 },
  ffn: { type: 'ffn', hidden: 18432, intermediate: 73728, activation: 'relu2' },
})

describe('memory', () => {
  it('fits Nemotron-4 340B on one DGX H100 in fp8 but not in bf16', () => {
    // "Nemotron-4 340B fits on one DGX H100 (8 GPUs) in FP8"; BF16 needs 8× H200 or 16× H100 (model card,
    // ../shared/reference/README.md).
    const s = { batch: 1, input: 1024, output: 1024 }
    expect(architectureCost(nemotron4, s, deployment(systems['dgx-h100'], fp8, { tp: 8 })).memory.fits).toBe(true)
    expect(architectureCost(nemotron4, s, deployment(systems['dgx-h100'], bf16Everywhere, { tp: 8 })).memory.fits).toBe(false)
    expect(architectureCost(nemotron4, s, deployment(systems['dgx-h200'], bf16Everywhere, { tp: 8 })).memory.fits).toBe(true)
  })

  it('never holds more weight bytes per GPU at a higher tensor-parallel degree', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 4), (tp) => {
        const s = { batch: 1, input: 16, output: 2 }
        const a = architectureCost(nemotron4, s, deployment(systems['dgx-h200'], fp8, { tp })).memory.weights
        const b = architectureCost(nemotron4, s, deployment(systems['dgx-h200'], fp8, { tp: tp * 2 })).memory.weights
        expect(b).toBeLessThanOrEqual(a)
      }),
    )
  })

  it('reports a largest batch that fits and one more that does not', () => {
    const llama8b = uniform('8b', 4096, 128256, 32, {
      mixer: { type: 'attention', hidden: 4096, heads: 32, kvHeads: 8, headDim: 128 },
      ffn: { type: 'ffn', hidden: 4096, intermediate: 14336, activation: 'swiglu' },
    })
    const d = deployment(systems['h100-sxm'], bf16Everywhere)
    const { maxBatch } = architectureCost(llama8b, { batch: 1, input: 4096, output: 4096 }, d).memory
    expect(architectureCost(llama8b, { batch: maxBatch, input: 4096, output: 4096 }, d).memory.fits).toBe(true)
    expect(architectureCost(llama8b, { batch: maxBatch + 1, input: 4096, output: 4096 }, d).memory.fits).toBe(false)
  })
})

describe('latency and memory grow with the block', () => {
  const h200 = deployment(systems.h200, bf16Everywhere)
  const attentionArb = fc.record({
    kvLog: fc.integer({ min: 0, max: 3 }),
    headDim: fc.constantFrom(64, 128),
    batch: fc.integer({ min: 1, max: 128 }),
    len: fc.integer({ min: 1, max: 16384 }),
    phase: fc.constantFrom('prefill', 'decode'),
  })
  const shapeOf = (phase: string, batch: number, len: number) =>
    phase === 'prefill' ? ({ phase: 'prefill', batch, seqLen: len } as const) : ({ phase: 'decode', batch, contextLen: len } as const)
  const attn = (kvHeads: number, headDim: number): AttentionSpec => ({ type: 'attention', hidden: 4096, heads: 32, kvHeads, headDim })

  it('never decreases with more KV heads', () => {
    fc.assert(
      fc.property(attentionArb, ({ kvLog, headDim, batch, len, phase }) => {
        const kv = 2 ** kvLog
        const shape = shapeOf(phase, batch, len)
        expect(blockTiming(attn(kv * 2, headDim), shape, h200).seconds).toBeGreaterThanOrEqual(blockTiming(attn(kv, headDim), shape, h200).seconds)
      }),
    )
  })

  it('never decreases with a longer context or a bigger batch', () => {
    fc.assert(
      fc.property(attentionArb, fc.integer({ min: 1, max: 4096 }), ({ kvLog, headDim, batch, len, phase }, more) => {
        const s = attn(2 ** kvLog, headDim)
        const base = blockTiming(s, shapeOf(phase, batch, len), h200).seconds
        expect(blockTiming(s, shapeOf(phase, batch, len + more), h200).seconds).toBeGreaterThanOrEqual(base)
        expect(blockTiming(s, shapeOf(phase, batch + more, len), h200).seconds).toBeGreaterThanOrEqual(base)
      }),
    )
  })

  it('never decreases with a wider FFN, in time or memory', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom('swiglu', 'relu2'),
        (units, extra, batch, activation) => {
          const narrow: FfnSpec = { type: 'ffn', hidden: 4096, intermediate: 128 * units, activation }
          const wide: FfnSpec = { ...narrow, intermediate: 128 * (units + extra) }
          const s = { batch, input: 512, output: 64 }
          const arch = (f: FfnSpec) => uniform('x', 4096, 32000, 4, { mixer: attn(8, 128), ffn: f })
          const a = architectureCost(arch(narrow), s, h200)
          const b = architectureCost(arch(wide), s, h200)
          expect(b.metrics.e2eSeconds).toBeGreaterThanOrEqual(a.metrics.e2eSeconds)
          expect(b.memory.total).toBeGreaterThanOrEqual(a.memory.total)
        },
      ),
    )
  })

  it('charges a no-op layer nothing', () => {
    const s = { batch: 8, input: 256, output: 32 }
    const withNoop = uniform('n', 4096, 32000, 4, { mixer: { type: 'noop', hidden: 4096 }, ffn: { type: 'noop', hidden: 4096 } })
    const empty: Architecture = { ...withNoop, layers: [] }
    const d = deployment(systems['dgx-h100'], bf16Everywhere, { tp: 8 })
    expect(architectureCost(withNoop, s, d).metrics.e2eSeconds).toBe(architectureCost(empty, s, d).metrics.e2eSeconds)
    expect(architectureCost(withNoop, s, d).memory.total).toBe(architectureCost(empty, s, d).memory.total)
  })
})

describe('decode integration', () => {
  it('covers every decode step exactly once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 }), (input, output) => {
        const segs = decodeSegments({ batch: 1, input, output })
        expect(segs.reduce((n, s) => n + s.steps, 0)).toBe(output - 1)
        expect(segs.length).toBeLessThanOrEqual(16)
      }),
    )
  })

  it('matches a step-by-step sum within 0.1%', () => {
    const d = deployment(systems.h200, bf16Everywhere)
    const spec: AttentionSpec = { type: 'attention', hidden: 4096, heads: 32, kvHeads: 8, headDim: 128 }
    const arch = uniform('a', 4096, 32000, 1, { mixer: spec, ffn: { type: 'noop', hidden: 4096 } })
    const s = { batch: 64, input: 100, output: 3000 }
    let exact = 0
    for (let j = 1; j < s.output; j++) {
      const shape = { phase: 'decode', batch: s.batch, contextLen: s.input + j } as const
      // The block, and its layer's RoPE (layer-glue.ts), which a model counts with attention.
      exact += blockTiming(spec, shape, d).seconds + timeKernels(layerGlueWork(spec, shape, executionOf(d)), d).seconds
    }
    const predicted = architectureCost(arch, s, d).breakdown.decode.attention
    expect(Math.abs(predicted - exact) / exact).toBeLessThan(1e-3)
  })
})

describe('deployments', () => {
  it('refuses fp4 on a GPU without fp4 tensor cores and TP beyond the system', () => {
    expect(deploymentError(deployment(systems['h100-sxm'], { weights: 'fp4', activations: 'bf16', kv: 'bf16' }))).toMatch(/^weights: fp4/)
    expect(deploymentError(deployment(systems.b200, { weights: 'fp4', activations: 'fp4', kv: 'fp8' }))).toBeUndefined()
    expect(deploymentError(deployment(systems.h200, bf16Everywhere, { tp: 2 }))).toMatch(/^tp: 2/)
  })
})
