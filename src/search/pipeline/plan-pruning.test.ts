import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { deployment, systems } from '../../cost-model/index.ts'
import { presetArchitecture } from '../../io/presets.ts'
import { servingDeployment } from '../../serving/serving-deployment.ts'
import { priorQuality } from '../quality/prior.ts'
import { puzzleSpace } from '../space/puzzle.ts'
import type { SearchRequest } from './request.ts'
import { runSearch } from './run-search.ts'

const llama8b = Result.getOrThrow(presetArchitecture('llama-3.1-8b'))

function request(overrides: Partial<SearchRequest>): SearchRequest {
  return {
    parent: llama8b,
    deployment: servingDeployment(deployment(systems['h100-sxm'], { weights: 'bf16', activations: 'bf16', kv: 'bf16' })),
    scenarios: [{ input: 128, output: 1024, batch: 'auto' }],
    target: { kind: 'speedup', factor: 1.7 },
    space: puzzleSpace(llama8b),
    quality: priorQuality,
    ...overrides,
  }
}

describe('batch plans settled by another plan (plan-dominance.ts)', () => {
  it('settles only plans whose own exact search finds no better child', async () => {
    for (const limits of [{}, { maxParams: 6e9 }]) {
      // The speedup as a throughput (the parent's best on the GPU times 1.7), so that each batch can be searched alone
      // with the same rows: a speedup at a fixed batch would be over the parent at that batch, where it may not fit.
      const first = await Effect.runPromise(runSearch(request(limits)))
      const served = first.child.scenarios[0]!
      const target = { kind: 'throughput' as const, tokensPerSecondPerGpu: (served.child.metrics.outputTokensPerSecondPerGpu / served.speedup!) * 1.7 }
      const auto = await Effect.runPromise(runSearch(request({ ...limits, target })))
      expect(auto.child.objective).toBeCloseTo(first.child.objective, 9)
      const settled = auto.batchesTried.filter((t) => t.pruned?.startsWith('every child it allows') === true)
      // The search must take this path for the test to mean anything (it did on both requests when written).
      expect(settled.length).toBeGreaterThan(0)
      for (const plan of settled) {
        const alone = await Effect.runPromise(Effect.result(runSearch(request({ ...limits, target, scenarios: [{ input: 128, output: 1024, batch: plan.batches[0]! }] }))))
        if (Result.isSuccess(alone)) expect(alone.success.child.objective).toBeGreaterThanOrEqual(auto.child.objective - 1e-12)
        else expect(alone.failure._tag).toBe('InfeasibleBudget')
      }
    }
  }, 120_000)
})
