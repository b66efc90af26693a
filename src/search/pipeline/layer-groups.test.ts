import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { totalsOf, violationsOf } from '../evaluate.ts'
import { problemArbitrary } from '../problem-arbitrary.ts'
import type { SearchProblem } from '../problem.ts'
import { solve } from '../solve.ts'
import type { LayerGroup, LayerPick } from '../space/types.ts'
import { groupProblem, unitsOf } from './layer-groups.ts'
import { everyChoice } from '../brute-force.ts'

/** A stand-in pick whose mixer id names the layer and variant, for the groups' `admits`. */
function pick(layer: number, variant: number): LayerPick {
  return { mixer: { id: `${layer}:${variant}`, spec: { type: 'noop', hidden: 1 } }, ffn: { id: 'ffn', spec: { type: 'noop', hidden: 1 } } }
}

/** The best child by enumerating one variant per layer, keeping those every group admits. */
function bruteForceGrouped(problem: SearchProblem, groups: readonly LayerGroup[]): number | undefined {
  let best: number | undefined
  for (const choice of everyChoice(problem)) {
    if (!groups.every((g) => g.admits(g.layers.map((l) => pick(l, choice[l]!))))) continue
    if (violationsOf(problem, choice).length > 0) continue
    const { objective } = totalsOf(problem, choice)
    if (best === undefined || objective < best) best = objective
  }
  return best
}

/** Groups of 2 or 3 consecutive layers where `starts` says so, and a random but fixed admission rule that always admits each member's first variant together. */
const groupsArbitrary = (layers: number) =>
  fc.tuple(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: layers, maxLength: layers }), fc.func(fc.boolean())).map(([sizes, rule]) => {
    const groups: LayerGroup[] = []
    for (let l = 0; l < layers; ) {
      const size = Math.min(sizes[l]! + 1, layers - l)
      if (size > 1) {
        const members = Array.from({ length: size }, (_, k) => l + k)
        const admits = (picks: readonly LayerPick[]) => picks.every((p) => p.mixer.id.endsWith(':0')) || rule(picks.map((p) => p.mixer.id).join(','))
        groups.push({ layers: members, admits })
      }
      l += size
    }
    return groups
  })

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-7 * Math.max(1, Math.abs(a), Math.abs(b))

describe('groupProblem', () => {
  it('makes each group one unit and leaves every other layer alone', () => {
    const groups: LayerGroup[] = [{ layers: [1, 2], admits: () => true }, { layers: [4, 5, 6], admits: () => true }]
    expect(unitsOf(8, groups)).toEqual([[0], [1, 2], [3], [4, 5, 6], [7]])
  })

  it('finds the brute-force optimum over per-layer children the groups admit, and maps it back to a feasible per-layer child', async () => {
    const problems = problemArbitrary({ maxLayers: 6, maxVariants: 3, constraints: true, maxBudgets: 3 })
      // At-least-tagged counts units once layers are grouped; the hymba space refuses it, so it is left out here.
      .map((p) => ({ ...p, constraints: p.constraints.filter((c) => c.type !== 'atLeastTagged') }))
      .chain((p) => fc.tuple(fc.constant(p), groupsArbitrary(p.layers.length)))
    await fc.assert(
      fc.asyncProperty(problems, async ([problem, groups]) => {
        const reference = bruteForceGrouped(problem, groups)
        const grouped = groupProblem(problem, groups, pick)
        const outcome = await Effect.runPromise(Effect.result(solve(grouped.problem)))
        if (Result.isFailure(outcome)) {
          // Infeasible, or a unit whose admitted combinations the constraints on its members all exclude.
          expect(['SearchInfeasible', 'InvalidSearchProblem']).toContain(outcome.failure._tag)
          expect(reference).toBeUndefined()
          return
        }
        expect(reference).toBeDefined()
        const child = grouped.ungroup(outcome.success)
        expect(close(child.objective, reference!)).toBe(true)
        expect(child.choices).toHaveLength(problem.layers.length)
        expect(violationsOf(problem, child.choices)).toEqual([])
        expect(close(totalsOf(problem, child.choices).objective, child.objective)).toBe(true)
        for (const g of groups) expect(g.admits(g.layers.map((l) => pick(l, child.choices[l]!)))).toBe(true)
        expect(child.variants).toEqual(child.choices.map((v, l) => problem.layers[l]!.variants[v]!.id))
      }),
      { numRuns: 200 },
    )
  })
})
