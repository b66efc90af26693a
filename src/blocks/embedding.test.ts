import { describe, expect, it } from 'vitest'
import { embeddingPrecision, embeddingWork } from './embedding.ts'
import { precisions, type Precision } from './precision.ts'

describe('embeddingPrecision', () => {
  it('keeps 16-bit formats and lifts quantised weights (fp8, fp4) and their activations to bf16', () => {
    // Quantised checkpoints leave the embedding table and LM head unquantised (TensorRT-LLM quantize.py
    // exclude_modules; ModelOpt export, TensorRT-LLM issue #2550; vLLM issue #40999).
    for (const weights of precisions)
      for (const activations of precisions) {
        const p = { weights, activations, kv: 'fp8' as Precision }
        const e = embeddingPrecision(p)
        if (weights === 'bf16' || weights === 'fp16') expect(e).toEqual(p)
        else expect(e).toEqual({ weights: 'bf16', activations: activations === 'fp16' ? 'fp16' : 'bf16', kv: 'fp8' })
      }
  })

  it('makes an fp8 deployment read its LM head as bf16: two bytes per weight', () => {
    const spec = { vocabSize: 128_256, hidden: 8192, tied: false }
    const fp8 = { weights: 'fp8', activations: 'fp8', kv: 'fp8' } as const
    const head = embeddingWork(spec, { phase: 'decode', batch: 1, contextLen: 100 }, { precision: fp8, tp: 1 }).find((k) => k.name === 'lm_head')!
    expect(head.math).toBe('bf16')
    expect(head.bytes).toBeGreaterThanOrEqual(2 * 128_256 * 8192)
  })
})
