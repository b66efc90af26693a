import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { causalPairs } from './attention.ts'
import { hybridHeads, hybridPrefillPairs } from './hybrid-heads.ts'
import { bf16Everywhere } from './precision.ts'
import type { HybridHeadsSpec } from './spec.ts'

const exec1 = { precision: bf16Everywhere, tp: 1 }

// One Hymba-1.5B layer (../shared/reference/models/hymba_1.5b_base.json): hidden 1600, 25 heads,
// 5 KV heads, q/k head 1600 / 25 = 64, v head 3200 / 25 = 128, mamba_expand 2 (d_inner 3200),
// d_state 16, dt_rank 100, d_conv 4, 128 meta tokens, window 1024 outside the global layers.
const global: HybridHeadsSpec = {
  type: 'hybrid-heads',
  hidden: 1600,
  heads: 25,
  kvHeads: 5,
  qkHeadDim: 64,
  vHeadDim: 128,
  ssmInner: 3200,
  stateDim: 16,
  dtRank: 100,
  convKernel: 4,
  metaTokens: 128,
}
const local: HybridHeadsSpec = { ...global, window: 1024 }
const consumer: HybridHeadsSpec = { ...local, sharesKv: true }

describe('hybridHeads.params', () => {
  it('counts Hymba-1.5B’s mixer from its modelling code: in_proj, conv, x_proj, dt_proj, A, D, five norms, out_proj', () => {
    // in_proj 1600 × (3200 x + 1600 q + 320 k + 640 v + 3200 z), conv 3200 × 4 + 3200, x_proj 3200 × (100 + 32),
    // dt_proj 100 × 3200 + 3200, A_log 3200 × 16, D 3200, dt/B/C norms 132, pre-average norms 2 × 3200,
    // out_proj 3200 × 1600, input norm 1600 (HymbaBlock in nvidia/Hymba-1.5B-Base modeling_hymba.py).
    const expected = 1600 * 8960 + 16_000 + 422_400 + 323_200 + 51_200 + 3200 + 132 + 6400 + 5_120_000 + 1600
    expect(hybridHeads.params(global)).toBe(expected)
  })

  it('drops the K and V columns of in_proj in a layer that reuses another layer’s cache', () => {
    expect(hybridHeads.params(global) - hybridHeads.params(consumer)).toBe(1600 * (320 + 640))
  })
})

describe('hybridHeads.kvCacheBytes', () => {
  it('keeps K (64 wide) and V (128 wide) for 5 KV heads over the tokens and the meta tokens', () => {
    expect(hybridHeads.kvCacheBytes(global, exec1, 8000)).toBe(5 * (64 + 128) * 2 * (8000 + 128))
  })

  it('caps a windowed layer at the window plus the meta tokens, and a sharing layer at zero', () => {
    expect(hybridHeads.kvCacheBytes(local, exec1, 8000)).toBe(5 * (64 + 128) * 2 * (1024 + 128))
    expect(hybridHeads.kvCacheBytes(consumer, exec1, 8000)).toBe(0)
  })

  it('never decreases with length, and never exceeds the global layer’s cache', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000 }), (a, b) => {
        const [short, long] = a <= b ? [a, b] : [b, a]
        expect(hybridHeads.kvCacheBytes(local, exec1, short)).toBeLessThanOrEqual(hybridHeads.kvCacheBytes(local, exec1, long))
        expect(hybridHeads.kvCacheBytes(local, exec1, long)).toBeLessThanOrEqual(hybridHeads.kvCacheBytes(global, exec1, long))
      }),
    )
  })
})

describe('hybridHeads.stateBytes', () => {
  it('holds the d_inner × d_state SSM state and the conv window, constant in length', () => {
    expect(hybridHeads.stateBytes(global, exec1)).toBe((3200 * 16 + 3 * 3200) * 2)
  })

  it('stays in the model dtype (bf16) under an fp8 KV cache, which only shrinks the attention cache', () => {
    const fp8 = { precision: { weights: 'fp8', activations: 'fp8', kv: 'fp8' }, tp: 1 } as const
    expect(hybridHeads.stateBytes(global, fp8)).toBe(hybridHeads.stateBytes(global, exec1))
    expect(hybridHeads.kvCacheBytes(global, fp8, 8000)).toBe(hybridHeads.kvCacheBytes(global, exec1, 8000) / 2)
    const scan = hybridHeads.work(global, { phase: 'decode', batch: 8, contextLen: 1000 }, fp8).find((k) => k.kind === 'scan')!
    expect(scan.math).toBe('bf16')
    expect(scan).toEqual(hybridHeads.work(global, { phase: 'decode', batch: 8, contextLen: 1000 }, exec1).find((k) => k.kind === 'scan'))
  })
})

describe('hybridHeads.work', () => {
  it('runs the meta tokens through prefill with the prompt', () => {
    const kernels = hybridHeads.work(global, { phase: 'prefill', batch: 2, seqLen: 100 }, exec1)
    const inProj = kernels.find((k) => k.name === 'in_proj')
    expect(inProj?.gemm).toMatchObject({ m: 2 * 228, n: 8960, k: 1600 })
  })

  it('counts attention pairs over the meta tokens and the causal window', () => {
    // 128 meta tokens attend causally among themselves; each of 2000 prompt tokens sees them all.
    expect(hybridPrefillPairs(2000, 1024, 128)).toBe((128 * 129) / 2 + 2000 * 128 + causalPairs(2000, 1024))
    const sdpa = hybridHeads.work(local, { phase: 'prefill', batch: 1, seqLen: 2000 }, exec1).find((k) => k.name === 'sdpa')
    expect(sdpa?.flops).toBe(2 * 25 * (64 + 128) * hybridPrefillPairs(2000, 1024, 128))
  })

  it('streams at most the window plus the meta tokens of cache per decode step', () => {
    const at = (contextLen: number) => hybridHeads.work(local, { phase: 'decode', batch: 1, contextLen }, exec1).find((k) => k.name === 'sdpa')?.bytes
    expect(at(50_000)).toBe(at(1024))
    expect(at(512)).toBeLessThan(at(1024) ?? 0)
  })

  it('adds the x_proj and out_proj all-reduces only under tensor parallelism', () => {
    const even: HybridHeadsSpec = { ...global, heads: 32, kvHeads: 8, vHeadDim: 100 }
    const names = (tp: number) => hybridHeads.work(even, { phase: 'decode', batch: 4, contextLen: 10 }, { precision: bf16Everywhere, tp }).filter((k) => k.kind === 'communication').map((k) => k.name)
    expect(names(1)).toEqual([])
    expect(names(2)).toEqual(['x_proj_allreduce', 'allreduce'])
  })
})

describe('hybridHeads.validate', () => {
  it('accepts Hymba-1.5B on one GPU and rejects a split of its 25 heads over 2', () => {
    expect(hybridHeads.validate(global, 1)).toBeUndefined()
    expect(hybridHeads.validate(global, 2)).toBe('heads: 25 (cannot be split evenly over tp = 2)')
  })

  it('names the value head size when the branches cannot be averaged', () => {
    expect(hybridHeads.validate({ ...global, vHeadDim: 100 }, 1)).toBe(
      'vHeadDim: 100 (heads × vHeadDim must equal ssmInner = 3200, so that the two branches can be averaged)',
    )
  })
})
