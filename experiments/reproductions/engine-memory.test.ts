import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { trtLlmMemoryUtilization } from './engine-memory.ts'

describe('trtLlmMemoryUtilization', () => {
  it('gives the cache 90% of what the weights leave free (TensorRT-LLM free_gpu_memory_fraction 0.9)', () => {
    // 70 GB of weights on an 80 GB GPU: 70 + 0.9 × 10 = 79 GB of 80.
    expect(trtLlmMemoryUtilization(70e9, 80e9)).toBeCloseTo(79 / 80, 12)
    expect(trtLlmMemoryUtilization(0, 80e9)).toBeCloseTo(0.9, 12)
  })

  it('grows with the weights, stays within [0.9, 1], and is 1 when the weights alone fill the GPU', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 200e9, noNaN: true }), fc.double({ min: 0, max: 200e9, noNaN: true }), (a, b) => {
        const [small, large] = a <= b ? [a, b] : [b, a]
        const u = (w: number) => trtLlmMemoryUtilization(w, 80e9)
        expect(u(small)).toBeLessThanOrEqual(u(large) + 1e-12)
        expect(u(small)).toBeGreaterThanOrEqual(0.9 - 1e-12)
        expect(u(large)).toBeLessThanOrEqual(1)
      }),
    )
    expect(trtLlmMemoryUtilization(90e9, 80e9)).toBe(1)
  })
})
