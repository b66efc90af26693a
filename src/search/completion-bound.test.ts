import { describe, expect, it } from 'vitest'
import { compileProblem } from './compile.ts'
import { chooseMultipliers } from './completion-bound.ts'
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
