import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { InfeasibleBudget } from '../../errors.ts'
import { requestFromOptions, type SearchOptions } from './options.ts'
import { runSearch } from './run-search.ts'

const search = async (options: SearchOptions) => Effect.runPromise(Effect.result(Effect.flatMap(requestFromOptions(options), (req) => runSearch(req))))

describe('batch plans settled by another plan (plan-dominance.ts)', () => {
  it('settles only plans whose own exact search finds no better child', async () => {
    // `nas-sim search --parent llama-3.1-8b --gpu h100-sxm --speedup 1.7`, with --params 6 and fp8, and on an H200 at
    // 2048/256 with --params 5, where the best child is also carried over to larger batches (7 plans when written).
    const cases: SearchOptions[] = [
      { parent: 'llama-3.1-8b', gpu: 'h100-sxm', scenarios: [{ input: 128, output: 1024, batch: 'auto' }], speedup: 1.7 },
      { parent: 'llama-3.1-8b', gpu: 'h100-sxm', weights: 'fp8', kv: 'fp8', scenarios: [{ input: 128, output: 1024, batch: 'auto' }], speedup: 1.3, params: 6 },
      { parent: 'llama-3.1-8b', gpu: 'h200', scenarios: [{ input: 2048, output: 256, batch: 'auto' }], speedup: 1.2, params: 5 },
    ]
    for (const options of cases) {
      const auto = await search(options)
      if (!Result.isSuccess(auto)) throw new Error(auto.failure.message)
      const settled = auto.success.batchesTried.filter((t) => t.pruned?.startsWith('every child it allows') === true)
      // The search must take this path for the test to mean anything (it did on both when written).
      expect(settled.length).toBeGreaterThan(0)
      // Each plan searched alone at the same throughput (the parent's best on the GPU times the speedup): a speedup at
      // a fixed batch would be over the parent at that batch, where it may not even fit.
      const served = auto.success.child.scenarios[0]!
      const throughput = (served.child.metrics.outputTokensPerSecondPerGpu / served.speedup!) * options.speedup!
      const { speedup: _, ...rest } = options
      const scenario = options.scenarios![0]!
      const alone = (batch: number) => search({ ...rest, throughput, scenarios: [{ input: scenario.input, output: scenario.output, batch }] })
      for (const plan of settled) {
        const result = await alone(plan.batches[0]!)
        if (Result.isSuccess(result)) expect(result.success.child.objective).toBeGreaterThanOrEqual(auto.success.child.objective - 1e-12)
        else expect(result.failure).toBeInstanceOf(InfeasibleBudget)
      }
      // A plan reported solved has its own optimum, whether its program ran or the best child was carried over to it
      // (a larger batch where nothing beats the best, and the best child fits).
      for (const plan of auto.success.batchesTried.filter((t) => t.objective !== undefined)) {
        const result = await alone(plan.batches[0]!)
        if (!Result.isSuccess(result)) throw new Error(`batch ${plan.batches[0]}: ${result.failure.message}`)
        expect(Math.abs(result.success.child.objective - plan.objective!)).toBeLessThanOrEqual(1e-12)
      }
    }
  }, 120_000)
})
