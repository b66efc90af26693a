import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { architectureParams, blockModel, type Architecture, type AttentionSpec, type FfnSpec, type LayerChoice, type Mamba2Spec } from './index.ts'
import { bf16Everywhere } from './precision.ts'

const exec1 = { precision: bf16Everywhere, tp: 1 }

// Llama-3.1-70B: hidden 8192, 64 heads, 8 KV heads, head dim 128, FFN 28672, 80 layers, vocab 128256
// (../shared/reference/models/llama3.1_70b.json).
const llama70bAttention: AttentionSpec = { type: 'attention', hidden: 8192, heads: 64, kvHeads: 8, headDim: 128 }
const llama70bFfn: FfnSpec = { type: 'ffn', hidden: 8192, intermediate: 28672, activation: 'swiglu' }

describe('attention', () => {
  it('holds 327,680 bytes of bf16 KV cache per token over Llama-3.1-70B’s 80 layers', () => {
    // 80 × 8 × 128 × 2 (K and V) × 2 B = 327,680 B (../shared/reference/README.md)
    expect(80 * blockModel(llama70bAttention).kvCacheBytes(llama70bAttention, exec1, 1)).toBe(327_680)
  })

  it('caps a sliding window’s cache at the window', () => {
    const swa = { ...llama70bAttention, window: 1024 }
    const m = blockModel(swa)
    expect(m.kvCacheBytes(swa, exec1, 8000)).toBe(m.kvCacheBytes(swa, exec1, 1024))
    expect(m.kvCacheBytes(swa, exec1, 512)).toBeLessThan(m.kvCacheBytes(swa, exec1, 1024))
  })

  it('keeps no cache and no K/V projection when it shares another layer’s KV', () => {
    const shared = { ...llama70bAttention, sharesKv: true }
    expect(blockModel(shared).kvCacheBytes(shared, exec1, 4096)).toBe(0)
    expect(blockModel(shared).params(shared)).toBe(blockModel(llama70bAttention).params(llama70bAttention) - 2 * 8192 * 8 * 128)
  })

  it('counts causal prefill FLOPs as half the square, plus the projections', () => {
    const s: AttentionSpec = { type: 'attention', hidden: 1024, heads: 8, kvHeads: 8, headDim: 128 }
    const sdpa = blockModel(s).work(s, { phase: 'prefill', batch: 1, seqLen: 100 }, exec1).find((k) => k.name === 'sdpa')
    expect(sdpa?.flops).toBe(4 * ((100 * 101) / 2) * 8 * 128)
  })

  it('rejects KV heads that do not divide the query heads, naming the field', () => {
    const bad = { ...llama70bAttention, kvHeads: 7 }
    expect(blockModel(bad).validate(bad, 1)).toBe('kvHeads: 7 (must divide heads = 64)')
  })

  it('replicates KV heads when there are fewer than GPUs, and rejects uneven splits', () => {
    const one = { ...llama70bAttention, kvHeads: 1 }
    expect(blockModel(one).validate(one, 8)).toBeUndefined()
    expect(blockModel(one).kvCacheBytes(one, { precision: bf16Everywhere, tp: 8 }, 1)).toBe(2 * 128 * 2)
    const odd: AttentionSpec = { type: 'attention', hidden: 1600, heads: 25, kvHeads: 5, headDim: 64 }
    expect(blockModel(odd).validate(odd, 2)).toMatch(/^heads: 25/)
  })
})

describe('parameter counts', () => {
  it('gives Llama-3.1-8B 8.030 B parameters', () => {
    // Llama-3.1-8B: hidden 4096, 32 heads, 8 KV heads, FFN 14336, 32 layers, vocab 128256, untied
    // (../shared/reference/models/llama3.1_8b.json); 8.030 B in ../shared/reference/README.md.
    const layer: LayerChoice = {
      mixer: { type: 'attention', hidden: 4096, heads: 32, kvHeads: 8, headDim: 128 },
      ffn: { type: 'ffn', hidden: 4096, intermediate: 14336, activation: 'swiglu' },
    }
    const arch: Architecture = { name: '8b', hidden: 4096, embedding: { vocabSize: 128256, hidden: 4096, tied: false }, layers: Array(32).fill(layer) }
    expect(architectureParams(arch) / 1e9).toBeCloseTo(8.03, 2)
  })

  it('counts a no-op as nothing and a linear as one square matrix plus its norm', () => {
    expect(blockModel({ type: 'noop', hidden: 8192 }).params({ type: 'noop', hidden: 8192 })).toBe(0)
    expect(blockModel({ type: 'linear', hidden: 8192 }).params({ type: 'linear', hidden: 8192 })).toBe(8192 * 8192 + 8192)
  })

  it('counts Mamba-2 in_proj as 2·d_inner + 2·groups·d_state + heads outputs', () => {
    // Nemotron-H-8B mixer: hidden 4096, 128 heads × 64, d_state 128, 8 groups, conv 4
    // (../shared/reference/models/nemotron_h_8b.json; layout in ../shared/reference/README.md).
    const m: Mamba2Spec = { type: 'mamba2', hidden: 4096, heads: 128, headDim: 64, stateDim: 128, groups: 8, convKernel: 4 }
    const inner = 128 * 64
    const conv = inner + 2 * 8 * 128
    const expected = 4096 + 4096 * (2 * inner + 2 * 8 * 128 + 128) + conv * 4 + conv + 3 * 128 + inner + inner * 4096
    expect(blockModel(m).params(m)).toBe(expected)
  })
})

describe('no-op', () => {
  it('runs no kernels in any phase', () => {
    const n = { type: 'noop', hidden: 8192 } as const
    expect(blockModel(n).work(n, { phase: 'prefill', batch: 8, seqLen: 4096 }, { precision: bf16Everywhere, tp: 8 })).toEqual([])
  })
})

describe('Mamba-2', () => {
  it('keeps a state whose size does not depend on the sequence length', () => {
    const m: Mamba2Spec = { type: 'mamba2', hidden: 4096, heads: 128, headDim: 64, stateDim: 128, groups: 8, convKernel: 4 }
    const model = blockModel(m)
    expect(model.kvCacheBytes(m, exec1, 100_000)).toBe(0)
    // 128 heads × 64 × 128 state + 3 × (8192 + 2048) conv state, bf16
    expect(model.stateBytes(m, exec1)).toBe((128 * 64 * 128 + 3 * (8192 + 2 * 8 * 128)) * 2)
    const short = model.work(m, { phase: 'decode', batch: 4, contextLen: 100 }, exec1)
    const long = model.work(m, { phase: 'decode', batch: 4, contextLen: 100_000 }, exec1)
    expect(long).toEqual(short)
  })

  it('keeps its state in the model dtype and runs its scans at bf16 under an fp8 KV cache and fp8 GEMMs', () => {
    // vLLM's mamba_cache_dtype/mamba_ssm_cache_dtype default "auto" = the model dtype, apart from --kv-cache-dtype
    // (vllm/config/cache.py; MambaStateDtypeCalculator in vllm/model_executor/layers/mamba/mamba_utils.py).
    const m: Mamba2Spec = { type: 'mamba2', hidden: 4096, heads: 128, headDim: 64, stateDim: 128, groups: 8, convKernel: 4 }
    const model = blockModel(m)
    const fp8 = { precision: { weights: 'fp8', activations: 'fp8', kv: 'fp8' }, tp: 1 } as const
    expect(model.stateBytes(m, fp8)).toBe(model.stateBytes(m, exec1))
    for (const shape of [{ phase: 'prefill', batch: 2, seqLen: 1024 }, { phase: 'decode', batch: 64, contextLen: 4096 }] as const) {
      const kernels = model.work(m, shape, fp8)
      const bf16 = model.work(m, shape, exec1)
      const scans = kernels.filter((k) => k.kind === 'scan' || k.name.startsWith('ssd_'))
      expect(scans.length).toBeGreaterThan(0)
      for (const k of scans) expect(k.math).toBe('bf16')
      // The scans move the same bytes as in a bf16 deployment; the GEMMs stay fp8.
      expect(scans).toEqual(bf16.filter((k) => k.kind === 'scan' || k.name.startsWith('ssd_')))
      for (const k of kernels.filter((k) => k.kind === 'gemm')) expect(k.math).toBe('fp8')
    }
    // The decode conv update reads and writes the bf16 conv state: only its token in/out shrinks at fp8.
    const conv = (e: typeof exec1 | typeof fp8) => model.work(m, { phase: 'decode', batch: 1, contextLen: 10 }, e).find((k) => k.name === 'conv1d_update')!.bytes
    expect(conv(exec1) - conv(fp8)).toBe(2 * (8192 + 2 * 8 * 128))
  })
})

describe('work', () => {
  const dims = fc.record({
    kvHeadsLog: fc.integer({ min: 0, max: 3 }),
    groupsMul: fc.integer({ min: 1, max: 8 }),
    headDim: fc.constantFrom(64, 96, 128),
    batch: fc.integer({ min: 1, max: 256 }),
    seqLen: fc.integer({ min: 1, max: 8192 }),
  })

  it('never has negative or non-finite FLOPs or bytes', () => {
    fc.assert(
      fc.property(dims, fc.constantFrom(1, 2, 4, 8), ({ kvHeadsLog, groupsMul, headDim, batch, seqLen }, tp) => {
        const kv = 2 ** kvHeadsLog * 8 >= tp ? 2 ** kvHeadsLog * 8 : tp
        const s: AttentionSpec = { type: 'attention', hidden: 4096, heads: kv * groupsMul, kvHeads: kv, headDim }
        for (const k of blockModel(s).work(s, { phase: 'prefill', batch, seqLen }, { precision: bf16Everywhere, tp })) {
          expect(Number.isFinite(k.flops) && k.flops >= 0).toBe(true)
          expect(Number.isFinite(k.bytes) && k.bytes >= 0).toBe(true)
        }
      }),
    )
  })

  it('adds one all-reduce per non-empty sub-block under tensor parallelism, none on one GPU', () => {
    const exec8 = { precision: bf16Everywhere, tp: 8 }
    const shape = { phase: 'decode', batch: 1, contextLen: 10 } as const
    const count = (spec: AttentionSpec | FfnSpec, e: typeof exec8) => blockModel(spec).work(spec, shape, e).filter((k) => k.kind === 'communication').length
    expect(count(llama70bAttention, exec8)).toBe(1)
    expect(count(llama70bFfn, exec8)).toBe(1)
    expect(count(llama70bFfn, exec1)).toBe(0)
  })

  it('sends all-reduce messages of 2-byte elements whatever the activations are stored in, as engines reduce the 16-bit residual stream', () => {
    // vLLM PR #22086 and TensorRT-LLM PR #12887 reduce bf16 and quantise to fp8/fp4 after the all-reduce.
    const shape = { phase: 'prefill', batch: 3, seqLen: 100 } as const
    const messages = (spec: AttentionSpec | FfnSpec, activations: 'bf16' | 'fp16' | 'fp8' | 'fp4') =>
      blockModel(spec)
        .work(spec, shape, { precision: { weights: activations, activations, kv: activations }, tp: 4 })
        .filter((k) => k.kind === 'communication')
    for (const spec of [llama70bAttention, llama70bFfn]) {
      for (const activations of ['bf16', 'fp16', 'fp8', 'fp4'] as const) {
        const [m] = messages(spec, activations)
        // 300 tokens × hidden 8192 × 2 bytes, the full hidden width on every rank.
        expect(m?.bytes).toBe(300 * 8192 * 2)
        expect(m?.math).toBe(activations === 'fp16' ? 'fp16' : 'bf16')
      }
    }
  })
})
