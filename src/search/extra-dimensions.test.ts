/**
 * The exact method with every kind of row a search combines: runtime,
 * memory and parameter budgets, a metric limit, at least n attention layers,
 * fixed and allowed variants. Small cases against enumeration; medium ones
 * against HiGHS under a node limit (a count, so the test never depends on
 * the machine's speed).
 */
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bruteForce } from './brute-force.ts'
import { violationsOf } from './evaluate.ts'
import { problemArbitrary } from './problem-arbitrary.ts'
import { solve } from './solve.ts'
import { syntheticPuzzleProblem, withParamsCap } from './synthetic.ts'

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-7 * Math.max(1, Math.abs(a), Math.abs(b))

describe('the dynamic program with several binding rows', () => {
  it('finds the brute-force optimum with up to four budgets (runtime, memory, parameters, a metric) and counting constraints', async () => {
    await fc.assert(
      fc.asyncProperty(problemArbitrary({ maxLayers: 6, maxVariants: 5, constraints: true, maxBudgets: 4 }), async (problem) => {
        const reference = bruteForce(problem)
        const result = await Effect.runPromise(Effect.result(solve(problem, { method: 'dp' })))
        if (reference === undefined) {
          expect(Result.isFailure(result) && result.failure._tag).toBe('SearchInfeasible')
          return
        }
        if (Result.isFailure(result)) throw result.failure
        expect(close(result.success.objective, reference.objective)).toBe(true)
        expect(violationsOf(problem, result.success.choices)).toEqual([])
      }),
      { numRuns: 250 },
    )
  })

  it('matches HiGHS on medium Puzzle-like problems where runtime, memory and a parameter cap bind together', async () => {
    for (const seed of [3, 17, 29]) {
      const problem = withParamsCap(syntheticPuzzleProblem({ layers: 24, seed, runtimeShare: 0.6, memoryShare: 0.55 }), 0.6)
      const dp = await Effect.runPromise(solve(problem, { method: 'dp' }))
      const highs = await Effect.runPromise(solve(problem, { method: 'highs', highs: { nodeLimit: 50_000 } }))
      expect(violationsOf(problem, dp.choices)).toEqual([])
      expect(dp.objective).toBeLessThanOrEqual(highs.objective + 1e-9 * Math.abs(highs.objective))
      expect(close(dp.objective, highs.objective)).toBe(true)
    }
  })
})
