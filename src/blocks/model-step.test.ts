import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Architecture, LayerChoice } from './architecture.ts'
import { embeddingWork, samplingWork } from './embedding.ts'
import { layerGlueWork } from './layer-glue.ts'
import { blockCounts, modelStepWork, stepKernelCount } from './model-step.ts'
import { bf16Everywhere } from './precision.ts'
import { blockModel } from './registry.ts'
import type { AttentionSpec, FfnSpec, NoopSpec } from './spec.ts'

const exec = { precision: bf16Everywhere, tp: 1 }
// Llama-3.1-8B's blocks (data/models/llama-3.1-8b.json): hidden 4096, 32 heads, 8 KV heads, head dim 128, FFN 14336, vocab 128256.
const attn: AttentionSpec = { type: 'attention', hidden: 4096, heads: 32, kvHeads: 8, headDim: 128 }
const ffn: FfnSpec = { type: 'ffn', hidden: 4096, intermediate: 14336, activation: 'swiglu' }
const noop: NoopSpec = { type: 'noop', hidden: 4096 }

function model(layers: readonly LayerChoice[]): Architecture {
  return { name: 'm', hidden: 4096, embedding: { vocabSize: 128256, hidden: 4096, tied: false }, layers }
}

describe('layerGlueWork', () => {
  it('gives an attention layer one RoPE kernel, plus its K and V cache writes in prefill only', () => {
    expect(layerGlueWork(attn, { phase: 'prefill', batch: 2, seqLen: 100 }, exec).map((k) => k.name)).toEqual(['rope', 'k_cache_write', 'v_cache_write'])
    expect(layerGlueWork(attn, { phase: 'decode', batch: 2, contextLen: 100 }, exec).map((k) => k.name)).toEqual(['rope'])
    expect(layerGlueWork(ffn, { phase: 'prefill', batch: 2, seqLen: 100 }, exec)).toEqual([])
  })

  it('rotates the query and key heads of every new token: reads and writes each once, plus fp32 cos and sin', () => {
    const [rope] = layerGlueWork(attn, { phase: 'prefill', batch: 1, seqLen: 10 }, exec)
    const rotated = 10 * (32 + 8) * 128
    expect(rope!.bytes).toBe(2 * rotated * 2 + rotated * 4)
  })

  it('writes no cache for a layer that shares another layer’s KV, and rotates only its queries', () => {
    const shared = layerGlueWork({ ...attn, sharesKv: true }, { phase: 'prefill', batch: 1, seqLen: 10 }, exec)
    expect(shared.map((k) => k.name)).toEqual(['rope'])
    expect(shared[0]!.flops).toBe(3 * 10 * 32 * 128)
  })
})

describe('embeddingWork', () => {
  it('runs the final norm, the LM head and sampling on one row per sequence in prefill, whatever the prompt length', () => {
    const short = embeddingWork({ vocabSize: 1000, hidden: 64, tied: false }, { phase: 'prefill', batch: 3, seqLen: 10 }, exec)
    const long = embeddingWork({ vocabSize: 1000, hidden: 64, tied: false }, { phase: 'prefill', batch: 3, seqLen: 1000 }, exec)
    expect(long.find((k) => k.name === 'lm_head')).toEqual(short.find((k) => k.name === 'lm_head'))
    expect(long.find((k) => k.name === 'lm_head')!.gemm).toMatchObject({ m: 3, n: 1000, k: 64 })
    expect(long.find((k) => k.name === 'embed_lookup')!.bytes).toBe(100 * short.find((k) => k.name === 'embed_lookup')!.bytes)
  })

  it('samples over the whole vocabulary in fp32, so sampling bytes grow with batch × vocab', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 512 }), fc.integer({ min: 1000, max: 300000 }), (batch, vocab) => {
        const bytes = samplingWork(batch, vocab, 'bf16').reduce((s, k) => s + k.bytes, 0)
        // logits 2+4, softmax 4+4, noise 4, divide 8+4, argmax 4 bytes per value, and the token written.
        expect(bytes).toBe(batch * vocab * 34 + batch * 16)
      }),
    )
  })
})

describe('modelStepWork', () => {
  it('counts every block of every layer once, the glue once per attention layer and the ends once', () => {
    const arch = model([...Array<LayerChoice>(3).fill({ mixer: attn, ffn }), { mixer: noop, ffn }])
    const shape = { phase: 'decode', batch: 4, contextLen: 512 } as const
    const work = modelStepWork(arch, shape, exec)
    const perAttention = blockModel(attn).work(attn, shape, exec).length + 1
    const perFfn = blockModel(ffn).work(ffn, shape, exec).length
    expect(stepKernelCount(work)).toBe(3 * perAttention + 4 * perFfn + embeddingWork(arch.embedding, shape, exec).length)
    // Equal specs in different objects are one block with a count.
    expect(blockCounts(model([{ mixer: { ...attn }, ffn }, { mixer: { ...attn }, ffn: { ...ffn } }])).map((b) => b.count)).toEqual([2, 2])
  })

  it('sums to more FLOPs than the blocks alone, by exactly the glue and the ends', () => {
    const arch = model(Array<LayerChoice>(2).fill({ mixer: attn, ffn }))
    const shape = { phase: 'prefill', batch: 1, seqLen: 256 } as const
    const total = modelStepWork(arch, shape, exec).reduce((s, w) => s + w.count * w.kernel.flops, 0)
    const blocks = 2 * [attn, ffn].reduce((s, b) => s + blockModel(b).work(b, shape, exec).reduce((t, k) => t + k.flops, 0), 0)
    const glue = 2 * layerGlueWork(attn, shape, exec).reduce((s, k) => s + k.flops, 0)
    const ends = embeddingWork(arch.embedding, shape, exec).reduce((s, k) => s + k.flops, 0)
    expect(total).toBe(blocks + glue + ends)
  })
})
