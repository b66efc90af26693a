import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bruteForce, everyChoice } from './brute-force.ts'
import { SearchInfeasible } from './errors.ts'
import { budgetTotal, violationsOf } from './evaluate.ts'
import { problemArbitrary } from './problem-arbitrary.ts'
import type { SearchProblem } from './problem.ts'
import { solve, type SolveMethod } from './solve.ts'
import { syntheticPuzzleProblem } from './synthetic.ts'

const run = (problem: SearchProblem, method: SolveMethod) => Effect.runPromise(Effect.result(solve(problem, { method })))

/** The nearest value an infeasibility error should report, by enumeration while the constraints it names as held are met. */
function enumeratedNearest(problem: SearchProblem, error: SearchInfeasible): number {
  const c = error.constraint
  const held = {
    ...problem,
    budgets: problem.budgets.filter((b) => error.held.includes(b)),
    constraints: problem.constraints.filter((d) => d.type !== 'atLeastTagged' || error.held.includes(d)),
  }
  let best = 'type' in c ? -Infinity : Infinity
  for (const choice of everyChoice(problem)) {
    if (violationsOf(held, choice).length > 0) continue
    if ('type' in c) best = Math.max(best, problem.layers.filter((layer, l) => layer.variants[choice[l]!]!.tags?.includes(c.tag)).length)
    else best = Math.min(best, budgetTotal(problem, c, choice))
  }
  return best
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-7 * Math.max(1, Math.abs(a), Math.abs(b))

describe('solve', () => {
  it('finds the brute-force optimum with the dynamic program and with HiGHS on small problems, meeting every constraint', async () => {
    await fc.assert(
      fc.asyncProperty(problemArbitrary({ maxLayers: 6, maxVariants: 5, constraints: true, maxBudgets: 3 }), async (problem) => {
        const reference = bruteForce(problem)
        for (const method of ['dp', 'highs'] as const) {
          const result = await run(problem, method)
          if (reference === undefined) {
            expect(Result.isFailure(result) && result.failure._tag).toBe('SearchInfeasible')
            continue
          }
          if (Result.isFailure(result)) throw result.failure
          expect(close(result.success.objective, reference.objective)).toBe(true)
          expect(violationsOf(problem, result.success.choices)).toEqual([])
          expect(result.success.proof.method).toBe(method)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('reports the nearest achievable value of the constraint an infeasible problem breaks', async () => {
    await fc.assert(
      fc.asyncProperty(problemArbitrary({ maxLayers: 5, maxVariants: 4, constraints: true, maxBudgets: 2 }), async (problem) => {
        fc.pre(bruteForce(problem) === undefined)
        const result = await run(problem, 'auto')
        if (Result.isSuccess(result)) throw new Error('an infeasible problem was solved')
        const error = result.failure
        if (!(error instanceof SearchInfeasible)) throw error
        expect(close(enumeratedNearest(problem, error), error.nearest)).toBe(true)
        const c = error.constraint
        if ('type' in c) expect(error.nearest).toBeLessThan(c.count)
        else expect(error.nearest).toBeGreaterThan(c.max)
      }),
      { numRuns: 150 },
    )
  })

  it('agrees with HiGHS on Puzzle-like problems of 30 layers × 54 variants with two budgets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0.25, max: 0.9, noNaN: true }),
        fc.double({ min: 0.3, max: 0.9, noNaN: true }),
        async (seed, runtimeShare, memoryShare) => {
          const problem = syntheticPuzzleProblem({ layers: 30, seed, runtimeShare, memoryShare })
          const dp = await run(problem, 'dp')
          const highs = await run(problem, 'highs')
          if (Result.isFailure(dp) || Result.isFailure(highs)) {
            expect(Result.isFailure(dp) && Result.isFailure(highs)).toBe(true)
            return
          }
          expect(close(dp.success.objective, highs.success.objective)).toBe(true)
          expect(violationsOf(problem, dp.success.choices)).toEqual([])
        },
      ),
      { numRuns: 12 },
    )
  })

  it('says how fast the fastest child can be when the runtime budget is too tight', async () => {
    const problem: SearchProblem = {
      layers: [
        { variants: [{ id: 'full', costs: { runtime: 3 }, metrics: { kl_div: 0 } }, { id: 'small', costs: { runtime: 1 }, metrics: { kl_div: 0.5 } }] },
        { variants: [{ id: 'full', costs: { runtime: 3 }, metrics: { kl_div: 0 } }, { id: 'small', costs: { runtime: 2 }, metrics: { kl_div: 0.2 } }] },
      ],
      objective: { kl_div: 1 },
      budgets: [{ kind: 'cost', name: 'runtime', max: 3.5 }],
      constraints: [{ type: 'fixed', layer: 1, variant: 'full' }],
      baseCosts: { runtime: 0.25 },
    }
    const result = await run(problem, 'auto')
    if (Result.isSuccess(result)) throw new Error('expected infeasible')
    const error = result.failure
    expect(error).toBeInstanceOf(SearchInfeasible)
    if (!(error instanceof SearchInfeasible)) return
    // Fastest child: small (1) + full (3, fixed) + base 0.25.
    expect(error.nearest).toBeCloseTo(4.25, 12)
    expect(error.message).toBe('infeasible: runtime ≤ 3.5 cannot be met; the best achievable under the structural constraints is 4.25')
  })

  it('falls back to HiGHS when the dynamic program outgrows its state limit, and fails with SolverFailed when told to use the DP alone', async () => {
    const problem = syntheticPuzzleProblem({ layers: 12, seed: 11, memoryShare: 0.5 })
    const exact = await Effect.runPromise(solve(problem, { method: 'dp' }))
    const fallback = await Effect.runPromise(solve(problem, { method: 'auto', dp: { stateLimit: 1 } }))
    expect(fallback.proof.method).toBe('highs')
    expect(close(fallback.objective, exact.objective)).toBe(true)
    const alone = await Effect.runPromise(Effect.result(solve(problem, { method: 'dp', dp: { stateLimit: 1 } })))
    expect(Result.isFailure(alone) && alone.failure._tag).toBe('SolverFailed')
  })
})
