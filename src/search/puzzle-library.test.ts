import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { decodePuzzleLibrary, libraryProblem, parentChoice } from './puzzle-library.ts'
import { solve } from './solve.ts'

/** A block as the demo library writes it; the split fields are there to show they are accepted. */
const block = (runtimeMs: number, kv: number, ffn: number, kl: number) => ({
  stats: {
    runtime_ms: runtimeMs,
    memory_mib: 100 * kv + ffn / 100,
    num_params: 1e6 * kv + 1e3 * ffn,
    num_kv_heads: kv,
    ffn_intermediate_size: ffn,
    attention_runtime_ms: runtimeMs / 3,
    ffn_runtime_ms: (2 * runtimeMs) / 3,
  },
  metrics: { kl_div: kl, lm_loss: 2 + kl },
})

const library = {
  layer_0: { 'attn kv8 + ffn 28672': block(3, 8, 28672, 0), 'attn kv1 + ffn 14336': block(1.5, 1, 14336, 0.2), 'no-op + ffn 14336': block(1, 0, 14336, 0.5) },
  layer_1: { 'attn kv8 + ffn 28672': block(3, 8, 28672, 0), 'attn kv1 + ffn 14336': block(1.5, 1, 14336, 0.05), 'no-op + no-op': block(0, 0, 0, 0.9) },
}

const decoded = () => {
  const d = decodePuzzleLibrary('lib.json', library)
  if (Result.isFailure(d)) throw d.failure
  return d.success
}

describe('Puzzle block libraries', () => {
  it('become a problem with the library\'s own costs in seconds, bytes and parameters', () => {
    const problem = libraryProblem(decoded())
    if (Result.isFailure(problem)) throw problem.failure
    const v = problem.success.layers[0]!.variants[1]!
    expect(v.id).toBe('attn kv1 + ffn 14336')
    expect(v.costs['runtime']).toBeCloseTo(1.5e-3, 15)
    expect(v.costs['memory']).toBe((100 + 143.36) * 2 ** 20)
    expect(v.costs['params']).toBe(1e6 + 14336e3)
    expect(v.metrics).toEqual({ kl_div: 0.2, lm_loss: 2.2 })
    expect(v.tags).toEqual(['attention'])
    expect(problem.success.layers[0]!.variants[2]!.tags).toEqual([])
  })

  it('takes the full variant of each layer as the parent and bounds runtime at 1/speedup of it', async () => {
    expect(parentChoice(decoded())).toEqual([0, 0])
    const problem = libraryProblem(decoded(), { speedup: 2 })
    if (Result.isFailure(problem)) throw problem.failure
    expect(problem.success.budgets).toEqual([{ kind: 'cost', name: 'runtime', max: 3e-3 }])
    // Within 3 ms, kv1 in both layers (KL 0.25) beats the parent's first layer with a no-op second (KL 0.9) and every other pair.
    const child = await Effect.runPromise(solve(problem.success))
    expect(child.variants).toEqual(['attn kv1 + ffn 14336', 'attn kv1 + ffn 14336'])
    expect(child.metrics['kl_div']).toBeCloseTo(0.25, 12)
  })

  it('names the missing layer, the bad field and a bad speedup in one line', () => {
    const missing = decodePuzzleLibrary('lib.json', { layer_0: library.layer_0, layer_2: library.layer_1 })
    expect(Result.isFailure(missing) && missing.failure.message).toBe(
      'invalid lib.json: layer_1: missing (the library has 2 layers, so layer_0 … layer_1 must all be present)',
    )
    const badStats = decodePuzzleLibrary('lib.json', { layer_0: { x: { ...block(1, 8, 1, 0), stats: { ...block(1, 8, 1, 0).stats, runtime_ms: 'fast' } } } })
    expect(Result.isFailure(badStats) && badStats.failure.message).toMatch(/^invalid lib\.json: layer_0\.x\.stats\.runtime_ms: /)
    const speedup = libraryProblem(decoded(), { speedup: 0 })
    expect(Result.isFailure(speedup) && speedup.failure.message).toBe("invalid speedup: 0 (must be a number > 0, e.g. 2 for twice the parent's speed)")
  })
})
