import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import * as Effect from 'effect/Effect'
import { describe, expect, it } from 'vitest'
import { runLibrarySearch } from './run-library.ts'

// A small made-up library in the Puzzle demo format (examples/puzzle-library-small.json; not measured data).
const library: Record<string, Record<string, { stats: { runtime_ms: number; num_params: number }; metrics: { kl_div: number } }>> = JSON.parse(
  readFileSync(new URL('../../../examples/puzzle-library-small.json', import.meta.url), 'utf8'),
)
const layers = Object.keys(library).length

/** Every child, enumerated: the best kl_div whose summed runtime is at most `max` ms. */
function bruteForce(max: number): number {
  let best = Infinity
  const options = Object.values(library).map((l) => Object.values(l))
  const visit = (l: number, runtime: number, kl: number) => {
    if (runtime > max + 1e-9) return
    if (l === options.length) {
      best = Math.min(best, kl)
      return
    }
    for (const v of options[l]!) visit(l + 1, runtime + v.stats.runtime_ms, kl + v.metrics.kl_div)
  }
  visit(0, 0, 0)
  return best
}

describe('searching a Puzzle block library', () => {
  it('finds the same optimum as enumerating every child, for any speedup', async () => {
    const parentMs = Object.values(library).reduce((t, l) => t + Math.max(...Object.values(l).map((v) => v.stats.num_params === 0 ? 0 : v.stats.runtime_ms)), 0)
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 1, max: 6, noNaN: true }), async (speedup) => {
        const r = await Effect.runPromise(Effect.result(runLibrarySearch(library, { source: 'lib', speedup })))
        if (r._tag !== 'Success') throw new Error(r.failure.message)
        expect(r.success.child.objective).toBeCloseTo(bruteForce(r.success.parent.runtimeSeconds * 1000 / speedup), 9)
        expect(r.success.child.variants).toHaveLength(layers)
        expect(r.success.parent.runtimeSeconds * 1000).toBeCloseTo(parentMs, 9)
      }),
      { numRuns: 15 },
    )
  })

  it('rejects a malformed library in one line naming the field', async () => {
    const r = await Effect.runPromise(Effect.result(runLibrarySearch({ layer_0: { a: { stats: { runtime_ms: 'x' } } } }, { source: 'lib.json', speedup: 2 })))
    expect(r._tag).toBe('Failure')
    if (r._tag === 'Failure') {
      expect(r.failure.message).toMatch(/^invalid lib\.json: layer_0\.a\.stats\.runtime_ms: /)
      expect(r.failure.message).not.toContain('\n')
    }
  })
})
