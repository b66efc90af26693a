import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { budgetCap, budgetTotal, totalsOf, violationsOf } from './evaluate.ts'
import { paretoFrontier, type Frontier } from './frontier.ts'
import { problemArbitrary } from './problem-arbitrary.ts'
import type { Budget, SearchProblem } from './problem.ts'
import { solve } from './solve.ts'
import { syntheticPuzzleProblem } from './synthetic.ts'
import { everyChoice } from './brute-force.ts'

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))

/** The (runtime, objective) staircase of every feasible child, by enumeration. */
function enumeratedFrontier(problem: SearchProblem): { cost: number; objective: number }[] {
  const runtime: Budget = { kind: 'cost', name: 'runtime', max: Infinity }
  const children: { cost: number; objective: number }[] = []
  for (const choice of everyChoice(problem)) {
    if (violationsOf(problem, choice).length === 0) {
      children.push({ cost: budgetTotal(problem, runtime, choice), objective: totalsOf(problem, choice).objective })
    }
  }
  children.sort((a, b) => a.cost - b.cost || a.objective - b.objective)
  const staircase: { cost: number; objective: number }[] = []
  for (const c of children) {
    const last = staircase[staircase.length - 1]
    if (last !== undefined && (c.objective >= last.objective || close(c.objective, last.objective))) continue
    // Costs within the budget tolerance are one budget level, as in the frontier.
    if (last !== undefined && c.cost <= budgetCap(last.cost)) staircase.pop()
    staircase.push(c)
  }
  return staircase
}

/**
 * Traces the frontier and checks it point for point against enumeration (or that it is
 * infeasible when nothing is); returns the frontier for further checks, undefined when infeasible.
 */
async function expectEnumeratedFrontier(problem: SearchProblem): Promise<Frontier | undefined> {
  const expected = enumeratedFrontier(problem)
  const result = await Effect.runPromise(Effect.result(paretoFrontier(problem, { cost: 'runtime' })))
  if (expected.length === 0) {
    expect(Result.isFailure(result) && result.failure._tag).toBe('SearchInfeasible')
    return undefined
  }
  if (Result.isFailure(result)) throw result.failure
  const frontier = result.success
  expect(frontier.points.length).toBe(expected.length)
  frontier.points.forEach((point, i) => {
    expect(close(point.cost, expected[i]!.cost)).toBe(true)
    expect(close(point.objective, expected[i]!.objective)).toBe(true)
  })
  return frontier
}

describe('paretoFrontier', () => {
  it('returns exactly the nondominated (runtime, objective) points of all feasible children, each reached by its own solution', async () => {
    await fc.assert(
      fc.asyncProperty(problemArbitrary({ maxLayers: 5, maxVariants: 5, constraints: true, maxBudgets: 2 }), async (problem) => {
        const frontier = await expectEnumeratedFrontier(problem)
        frontier?.points.forEach((point, i) => {
          const child = frontier.solutionAt(i)
          expect(violationsOf(problem, child.choices)).toEqual([])
          expect(close(child.costs['runtime']!, point.cost)).toBe(true)
          expect(close(child.objective, point.objective)).toBe(true)
        })
      }),
      { numRuns: 300 },
    )
  })

  it('with a cheapest end, returns exactly the enumerated frontier points of at least that cost, and nothing a cheaper child beats', async () => {
    await fc.assert(
      fc.asyncProperty(problemArbitrary({ maxLayers: 5, maxVariants: 5, constraints: true, maxBudgets: 2 }), fc.double({ min: 0, max: 1, noNaN: true }), async (problem, at) => {
        const whole = enumeratedFrontier(problem)
        if (whole.length === 0) return
        // A floor somewhere between the cheapest and the costliest point, on a point or between two.
        const minCost = whole[0]!.cost + at * (whole.at(-1)!.cost - whole[0]!.cost)
        const expected = whole.filter((p) => p.cost >= minCost || close(p.cost, minCost))
        const result = await Effect.runPromise(paretoFrontier(problem, { cost: 'runtime', minCost }))
        expect(result.points.length).toBe(expected.length)
        result.points.forEach((point, i) => {
          expect(close(point.cost, expected[i]!.cost)).toBe(true)
          expect(close(point.objective, expected[i]!.objective)).toBe(true)
        })
      }),
      { numRuns: 300 },
    )
  })

  it('stays exact when sums of identical layer menus round to the same or neighbouring costs, with and without a binding memory budget', async () => {
    // Decimal costs such as 0.1 and 0.7 are not binary fractions, so equal multisets summed in
    // different orders, and some different multisets, land on the same or neighbouring doubles.
    const decimal = fc.constantFrom(0.1, 0.2, 0.3, 0.7, 1.1, 1.3)
    const menu = fc.array(fc.record({ runtime: decimal, memory: decimal }), { minLength: 2, maxLength: 4 })
    // Losses are binary fractions, so objective sums are exact and only the costs round.
    const loss = fc.integer({ min: 0, max: 64 }).map((x) => x / 64)
    const losses = fc.array(fc.array(loss, { minLength: 4, maxLength: 4 }), { minLength: 3, maxLength: 6 })
    const memoryShare = fc.option(fc.double({ min: 0.3, max: 1, noNaN: true }))
    await fc.assert(
      fc.asyncProperty(menu, losses, memoryShare, async (costs, perLayer, share) => {
        const largest = perLayer.length * Math.max(...costs.map((c) => c.memory))
        const problem: SearchProblem = {
          layers: perLayer.map((q) => ({ variants: costs.map((c, v) => ({ id: `v${v}`, costs: c, metrics: { loss: q[v]! } })) })),
          objective: { loss: 1 },
          budgets: share === null ? [] : [{ kind: 'cost', name: 'memory', max: share * largest }],
          constraints: [],
        }
        await expectEnumeratedFrontier(problem)
      }),
      { numRuns: 200 },
    )
  })

  it('gives, at every point, the optimum of a solve with that point as the runtime budget', async () => {
    const problem = syntheticPuzzleProblem({ layers: 24, seed: 7, memoryShare: 0.7 })
    const frontier = await Effect.runPromise(paretoFrontier(problem, { cost: 'runtime' }))
    const step = Math.max(1, Math.floor(frontier.points.length / 15))
    for (let i = 0; i < frontier.points.length; i += step) {
      const point = frontier.points[i]!
      const next = frontier.points[i + 1]
      const budgets = (max: number) => problem.budgets.map((b) => (b.name === 'runtime' ? { ...b, max } : b))
      const atPoint = await Effect.runPromise(solve({ ...problem, budgets: budgets(point.cost) }))
      expect(atPoint.objective).toBeCloseTo(point.objective, 12)
      if (next !== undefined) {
        // Just below the next point, the earlier point is still the optimum.
        const between = await Effect.runPromise(solve({ ...problem, budgets: budgets((point.cost + next.cost) / 2) }))
        expect(between.objective).toBeCloseTo(point.objective, 12)
      }
    }
  })

  it('stops at a runtime budget of the problem and honours its other budgets', async () => {
    const problem = syntheticPuzzleProblem({ layers: 16, seed: 3, runtimeShare: 0.6, memoryShare: 0.55 })
    const frontier = await Effect.runPromise(paretoFrontier(problem, { cost: 'runtime' }))
    const runtimeMax = problem.budgets[0]!.max
    expect(frontier.points[frontier.points.length - 1]!.cost).toBeLessThanOrEqual(runtimeMax)
    frontier.points.forEach((_, i) => expect(violationsOf(problem, frontier.solutionAt(i).choices)).toEqual([]))
  })
})
