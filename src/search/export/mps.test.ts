import fc from 'fast-check'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { loadHighs } from '../highs.ts'
import type { SearchProblem } from '../problem.ts'
import { problemArbitrary } from '../problem-arbitrary.ts'
import { solve } from '../solve.ts'
import { syntheticPuzzleProblem } from '../synthetic.ts'
import { violationsOf } from '../evaluate.ts'
import { parseMpsColumn, problemMps } from './mps.ts'
import { parseProblemExport, problemExport, problemJson } from './problem-json.ts'

/** HiGHS's own MPS reader (the `highs` package reads MPS text as it is), at the gaps nas-sim's exact solves use. */
async function highsOnMps(problem: SearchProblem): Promise<{ objective: number; choices: number[] } | 'infeasible'> {
  const highs = await loadHighs()
  return highs.withModel({ format: 'mps', data: problemMps(problem, 'test') }, (m) => {
    m.options.set({ output_flag: false, mip_rel_gap: 1e-9, mip_abs_gap: 1e-12, primal_feasibility_tolerance: 1e-9, mip_feasibility_tolerance: 1e-9 })
    const status = m.run().modelStatus
    if (status === 8) return 'infeasible' as const
    expect(status).toBe(7)
    const lp = m.getLp()
    // Every column a binary, one per layer and variant, in the problem's order.
    expect(lp.numCols).toBe(problem.layers.reduce((n, l) => n + l.variants.length, 0))
    expect(Array.from(lp.integrality ?? []).every((t) => t === 1)).toBe(true)
    const choices: number[] = []
    let column = 0
    const values = m.getSolution().colValue
    problem.layers.forEach((layer, l) => {
      layer.variants.forEach((_, v) => {
        if (values[column]! > 0.5) choices[l] = v
        column++
      })
    })
    return { objective: m.getObjectiveValue(), choices }
  })
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-7 * Math.max(1, Math.abs(a), Math.abs(b))

describe('problemMps', () => {
  it('names columns x<layer>_<variant>, which parse back', () => {
    expect(parseMpsColumn('x12_53')).toEqual({ layer: 12, variant: 53 })
    expect(parseMpsColumn('pick3')).toBeUndefined()
  })

  it('solved by HiGHS, gives the objective nas-sim finds on small random problems with every kind of budget and constraint', async () => {
    await fc.assert(
      fc.asyncProperty(problemArbitrary({ maxLayers: 6, maxVariants: 5, constraints: true, maxBudgets: 3 }), async (problem) => {
        const ours = await Effect.runPromise(Effect.result(solve(problem)))
        const theirs = await highsOnMps(problem)
        if (Result.isFailure(ours)) {
          expect(ours.failure._tag).toBe('SearchInfeasible')
          expect(theirs).toBe('infeasible')
          return
        }
        if (theirs === 'infeasible') throw new Error('HiGHS found the exported MPS infeasible where nas-sim solved it')
        expect(close(theirs.objective, ours.success.objective)).toBe(true)
        expect(violationsOf(problem, theirs.choices)).toEqual([])
      }),
      { numRuns: 120 },
    )
  })

  it('solved by HiGHS, gives the objective nas-sim finds on Puzzle-sized problems (54 variants per layer, 8 and 32 layers, runtime and memory budgets)', async () => {
    for (const [layers, seed] of [[8, 1], [32, 2], [32, 3]] as const) {
      const problem = syntheticPuzzleProblem({ layers, seed, runtimeShare: 0.5, memoryShare: 0.6 })
      const ours = await Effect.runPromise(solve(problem))
      const theirs = await highsOnMps(problem)
      if (theirs === 'infeasible') throw new Error(`HiGHS found the ${layers}-layer MPS infeasible`)
      expect(Math.abs(theirs.objective - ours.objective)).toBeLessThanOrEqual(1e-9 * Math.abs(ours.objective))
    }
  })

  it('moves base costs to the right-hand side', () => {
    const problem: SearchProblem = {
      layers: [{ variants: [{ id: 'a', costs: { t: 2 }, metrics: { q: 1 } }, { id: 'b', costs: { t: 1 }, metrics: { q: 3 } }] }],
      objective: { q: 1 },
      budgets: [{ kind: 'cost', name: 't', max: 10 }],
      constraints: [],
      baseCosts: { t: 8.5 },
    }
    expect(problemMps(problem, 'one')).toMatch(/^ {4}RHS budget0_t 1\.5$/m)
  })
})

describe('problem JSON', () => {
  it('reads back what it writes, one plan per distinct batch plan in batch order', () => {
    const a = syntheticPuzzleProblem({ layers: 4, seed: 7 })
    const b = syntheticPuzzleProblem({ layers: 4, seed: 8 })
    const exported = problemExport([{ batches: [64], problem: a }, { batches: [16], problem: b }, { batches: [64], problem: b }])
    expect(exported.plans.map((p) => p.batches)).toEqual([[16], [64]])
    const back = parseProblemExport(problemJson(exported), 'p.json')
    if (Result.isFailure(back)) throw back.failure
    expect(back.success).toEqual(JSON.parse(problemJson(exported)))
  })

  it('refuses another kind, a newer version and garbage, in one line naming the file', () => {
    const message = (text: string) => {
      const r = parseProblemExport(text, 'p.json')
      return Result.isFailure(r) ? r.failure.message : 'accepted'
    }
    expect(message('{"kind":"nas-sim/search-result"}')).toMatch(/^invalid p\.json: kind is "nas-sim\/search-result"/)
    expect(message('{"kind":"nas-sim/problem","version":2,"budgetTolerance":1e-9,"plans":[]}')).toMatch(/^invalid p\.json/)
    expect(message('not json')).toMatch(/^invalid p\.json: not JSON/)
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(message(text)).not.toBe('accepted')
      }),
    )
  })
})
