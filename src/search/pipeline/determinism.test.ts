/**
 * The solver's limits are counts (states, nodes), never seconds, so a search
 * gives the same answer however busy the machine is. Checked by running one
 * search alone and again while other threads keep every core busy.
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import * as Effect from 'effect/Effect'
import { describe, expect, it } from 'vitest'
import { requestFromOptions } from './options.ts'
import type { SearchResult } from './result.ts'
import { runSearch } from './run-search.ts'

/** The result without what measures time: when it ran and how long it took. */
function timeless(result: SearchResult): string {
  return JSON.stringify(result, (key, value: unknown) => (key === 'createdAt' || key === 'seconds' || key === 'searchSeconds' ? undefined : value))
}

/** Threads that spin until terminated, so that the search shares the cores with them. */
function busyThreads(count: number): Worker[] {
  return Array.from({ length: count }, () => new Worker('for (;;) {}', { eval: true }))
}

describe('search results', () => {
  it('are byte for byte the same, timings aside, on an idle machine and under load', async () => {
    const req = await Effect.runPromise(
      requestFromOptions({ parent: 'llama-3.1-8b', gpu: 'h100-sxm', weights: 'fp8', kv: 'fp8', scenarios: [{ input: 128, output: 1024, batch: 'auto' }], speedup: 1.5, params: 6.5, top: 3 }),
    )
    const idle = timeless(await Effect.runPromise(runSearch(req)))
    const workers = busyThreads(Math.max(2, availableParallelism()))
    try {
      const loaded = timeless(await Effect.runPromise(runSearch(req)))
      expect(loaded).toBe(idle)
    } finally {
      await Promise.all(workers.map((w) => w.terminate()))
    }
    expect(JSON.parse(idle).alternatives.length).toBe(2)
  })
})
