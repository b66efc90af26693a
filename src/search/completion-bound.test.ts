import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileProblem } from './compile.ts'
import { buildEnvelope, chooseMultipliers, completionBound, lagrangianBound } from './completion-bound.ts'
import { dpInputOf } from './dp-input.ts'
import { dimensionOrder } from './root-relaxation.ts'
import { loadHighs } from './highs.ts'
import { lpModel } from './lp-model.ts'
import { syntheticPuzzleProblem, withParamsCap } from './synthetic.ts'

describe('chooseMultipliers', () => {
  it('reaches the linear relaxation HiGHS solves when runtime, memory and a parameter cap bind together', async () => {
    const highs = await loadHighs()
    for (const seed of [3, 17, 29, 41]) {
      for (const [runtimeShare, memoryShare, paramsShare] of [
        [0.6, 0.55, 0.6],
        [0.7, 0.5, 0.55],
      ] as const) {
        const problem = compileProblem(withParamsCap(syntheticPuzzleProblem({ layers: 24, seed, runtimeShare, memoryShare }), paramsShare))
        const input = dpInputOf(problem, dimensionOrder(problem))
        const model = lpModel(problem)!
        const lp = highs.solve(model.text.replace(/\nBinary\n[\s\S]*\nEnd/, '\nEnd'), {}) as { Status: string; ObjectiveValue: number }
        expect(lp.Status).toBe('Optimal')
        const relaxation = lp.ObjectiveValue * model.objectiveScale
        const { bound } = chooseMultipliers(input)
        // A valid bound never exceeds the relaxation; the search for multipliers should get within 1e-6 of it.
        expect(bound).toBeLessThanOrEqual(relaxation + 1e-9 * Math.abs(relaxation))
        expect(bound).toBeGreaterThanOrEqual(relaxation - 1e-6 * Math.abs(relaxation))
      }
    }
  })
})

describe('lagrangianBound', () => {
  it('never exceeds completionBound for a state within the cap of dimension 0, at any prices', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 24 }),
        fc.infiniteStream(fc.nat()),
        (seed, priceScale, next, picks) => {
          const problem = compileProblem(withParamsCap(syntheticPuzzleProblem({ layers: 24, seed, runtimeShare: 0.6, memoryShare: 0.6 }), 0.7))
          const input = dpInputOf(problem, dimensionOrder(problem))
          const D = input.bounds.length
          const { lambda, mu } = chooseMultipliers(input)
          // The solve's prices scaled at random: the bound must hold whatever they are.
          const prices = Float64Array.from({ length: D }, (_, d) => (d === 0 ? mu : lambda[d]!) * priceScale[d % 3]!)
          const envelope = buildEnvelope(input, Float64Array.from(prices, (p, d) => (d === 0 ? 0 : p)), prices)
          // A state: the sums of a random choice in the first `next` layers, a dimension sometimes forgotten.
          const keys = new Float64Array(D)
          for (let l = 0; l < next; l++) {
            const layer = input.layers[l]!
            const k = layer.menu[picks.next().value % layer.menu.length]!
            for (let d = 0; d < D; d++) keys[d]! += layer.a[d]![k]!
          }
          if (D > 1 && picks.next().value % 3 === 0) keys[D - 1] = -Infinity
          fc.pre(keys[0]! <= input.bounds[0]! - input.minRest[0]![next]!)
          expect(lagrangianBound(envelope, next, keys)).toBeLessThanOrEqual(completionBound(envelope, next, keys) + 1e-9 * Math.max(1, Math.abs(completionBound(envelope, next, keys))))
        },
      ),
      { numRuns: 200 },
    )
  })
})
