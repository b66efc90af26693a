import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { requestFromOptions } from './options.ts'
import { runFrontier } from './run-frontier.ts'
import { runSearch } from './run-search.ts'

describe('the batches a search tries on its own', () => {
  it('stay within the engine’s sequences in flight, so the child it reports runs and fits', async () => {
    // vLLM on the A100 runs at most 256 sequences (src/serving/engine.ts). Before this limit held, this search
    // reported a child at 491 sequences that vLLM would not run ("fits: false").
    const req = await Effect.runPromise(
      requestFromOptions({ parent: 'llama-3.2-3b', gpu: 'a100', weights: 'fp16', kv: 'fp16', scenarios: [{ input: 1024, output: 7168, batch: 'auto' }], speedup: 2 }),
    )
    const r = await Effect.runPromise(Effect.result(runSearch(req)))
    if (Result.isFailure(r)) throw new Error(r.failure.message)
    const child = r.success.child.scenarios[0]!.child
    expect(child.batch).toBeLessThanOrEqual(256)
    expect(child.memory.fits).toBe(true)
    expect(r.success.batchesTried.every((t) => t.batches[0]! <= 256)).toBe(true)
  })

  it('stay within it for a frontier too', async () => {
    const req = await Effect.runPromise(
      requestFromOptions({ parent: 'llama-3.2-3b', gpu: 'a100', weights: 'fp16', kv: 'fp16', scenarios: [{ input: 1024, output: 7168, batch: 'auto' }], budgetRequired: false }),
    )
    const f = await Effect.runPromise(runFrontier(req))
    expect(f.points.length).toBeGreaterThan(0)
    expect(f.points.every((p) => p.batch <= 256)).toBe(true)
  })
})
