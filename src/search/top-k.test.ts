import * as Effect from 'effect/Effect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bruteForce, everyChoice } from './brute-force.ts'
import { violationsOf } from './evaluate.ts'
import { problemArbitrary } from './problem-arbitrary.ts'
import type { SearchProblem } from './problem.ts'
import { solve } from './solve.ts'
import { diverseTopK } from './top-k.ts'

const matches = (a: readonly number[], b: readonly number[]) => a.filter((v, l) => b[l] === v).length

/** The best child that shares at most `maxMatches` layers with each of `earlier`, by enumeration. */
function bestDiverse(problem: SearchProblem, earlier: readonly (readonly number[])[], maxMatches: number): number | undefined {
  let best: number | undefined
  for (const choice of everyChoice(problem)) {
    if (violationsOf(problem, choice).length === 0 && earlier.every((e) => matches(e, choice) <= maxMatches)) {
      const objective = bruteForce({ ...problem, constraints: [...problem.constraints, ...choice.map((v, layer) => ({ type: 'fixed' as const, layer, variant: problem.layers[layer]!.variants[v]!.id }))] })?.objective
      if (objective !== undefined && (best === undefined || objective < best)) best = objective
    }
  }
  return best
}

describe('diverseTopK', () => {
  it('returns solutions in objective order, each the best that differs enough from all earlier ones', async () => {
    await fc.assert(
      fc.asyncProperty(
        problemArbitrary({ maxLayers: 5, maxVariants: 4, constraints: false, maxBudgets: 1 }),
        fc.constantFrom(0.2, 0.4, 0.5, 1),
        fc.constantFrom('highs' as const, 'dp' as const),
        async (problem, share, method) => {
          fc.pre(bruteForce(problem) !== undefined)
          const solutions = await Effect.runPromise(diverseTopK(problem, { k: 3, minDifference: share, method }))
          const maxMatches = Math.floor((1 - share) * problem.layers.length + 1e-9)
          solutions.forEach((s, i) => {
            expect(violationsOf(problem, s.choices)).toEqual([])
            const earlier = solutions.slice(0, i).map((e) => e.choices)
            for (const e of earlier) expect(matches(e, s.choices)).toBeLessThanOrEqual(maxMatches)
            expect(s.objective).toBeCloseTo(bestDiverse(problem, earlier, maxMatches)!, 7)
          })
          if (solutions.length < 3) expect(bestDiverse(problem, solutions.map((s) => s.choices), maxMatches)).toBeUndefined()
        },
      ),
      { numRuns: 150 },
    )
  })

  it('continues from a given best solution (the search\'s child) to the same list as solving it again', async () => {
    await fc.assert(
      fc.asyncProperty(problemArbitrary({ maxLayers: 5, maxVariants: 4, constraints: true, maxBudgets: 2 }), fc.constantFrom(0.2, 0.4), async (problem, share) => {
        fc.pre(bruteForce(problem) !== undefined)
        const first = await Effect.runPromise(solve(problem, { method: 'dp' }))
        const given = await Effect.runPromise(diverseTopK(problem, { k: 3, minDifference: share, method: 'dp', first }))
        const again = await Effect.runPromise(diverseTopK(problem, { k: 3, minDifference: share, method: 'dp' }))
        expect(given[0]).toBe(first)
        expect(given.map((s) => s.choices)).toEqual(again.map((s) => s.choices))
      }),
      { numRuns: 100 },
    )
  })

  it('stays exact with the dynamic program under parameter and metric budgets and at-least-n-attention constraints', async () => {
    await fc.assert(
      fc.asyncProperty(problemArbitrary({ maxLayers: 5, maxVariants: 4, constraints: true, maxBudgets: 3 }), fc.constantFrom(0.2, 0.4), async (problem, share) => {
        fc.pre(bruteForce(problem) !== undefined)
        const solutions = await Effect.runPromise(diverseTopK(problem, { k: 3, minDifference: share, method: 'dp' }))
        const maxMatches = Math.floor((1 - share) * problem.layers.length + 1e-9)
        solutions.forEach((s, i) => {
          expect(violationsOf(problem, s.choices)).toEqual([])
          expect(s.objective).toBeCloseTo(bestDiverse(problem, solutions.slice(0, i).map((e) => e.choices), maxMatches)!, 7)
        })
        if (solutions.length < 3) expect(bestDiverse(problem, solutions.map((s) => s.choices), maxMatches)).toBeUndefined()
      }),
      { numRuns: 100 },
    )
  })
})
