import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { InfeasibleBudget } from '../../errors.ts'
import type { SearchSpace, WholeModelSetting } from '../space/types.ts'
import type { SearchResult } from './result.ts'
import { bestOverSettings } from './whole-model-settings.ts'

const space = (name: string): SearchSpace => ({ name, layers: [] })
const setting = (name: string, loss: number): WholeModelSetting => ({ label: name, space: space(name), metrics: { kl_div: loss } })

/** A stand-in result with only what bestOverSettings reads. */
function result(objective: number, throughput: number): SearchResult {
  return {
    request: { objective: { kl_div: 1 } },
    child: { objective, metrics: { kl_div: objective }, scenarios: [{ child: { metrics: { outputTokensPerSecondPerGpu: throughput } } }] },
    alternatives: [],
    notes: [],
    searchSeconds: 1,
  } as unknown as SearchResult
}

const infeasible = (nearestValue: number, batch: number) =>
  new InfeasibleBudget({ budget: 'throughput', requested: '≥ 100 tokens/s per GPU', nearest: `${nearestValue.toLocaleString('en-US')} tokens/s per GPU at batch ${batch}`, nearestValue, better: 'higher' })

describe('bestOverSettings', () => {
  it('keeps the child of least loss counting the setting’s own loss, and says what every setting gave', async () => {
    const outcomes: Record<string, Effect.Effect<SearchResult, InfeasibleBudget>> = {
      a: Effect.succeed(result(0.1, 50)),
      b: Effect.succeed(result(0.12, 60)),
      c: Effect.fail(infeasible(90, 8)),
    }
    const r = await Effect.runPromise(bestOverSettings([setting('a', 0.05), setting('b', -0.01), setting('c', 0)], (s) => outcomes[s.name]!))
    // a: 0.1 + 0.05 = 0.15; b: 0.12 − 0.01 = 0.11.
    expect(r.child.objective).toBeCloseTo(0.11, 12)
    expect(r.child.metrics.kl_div).toBeCloseTo(0.11, 12)
    expect(r.notes.at(-1)).toBe('3 whole-model settings, each solved exactly, the best child kept: a: loss 0.1500; b: loss 0.1100; c: infeasible (best 90 tokens/s per GPU at batch 8)')
  })

  it('breaks a tie in loss by throughput', async () => {
    const outcomes: Record<string, Effect.Effect<SearchResult, never>> = { a: Effect.succeed(result(0.1, 50)), b: Effect.succeed(result(0.1, 70)) }
    const r = await Effect.runPromise(bestOverSettings([setting('a', 0), setting('b', 0)], (s) => outcomes[s.name]!))
    expect(r.child.scenarios[0]!.child.metrics.outputTokensPerSecondPerGpu).toBe(70)
  })

  it('when no setting has a child, reports the nearest throughput any setting reaches', async () => {
    const outcomes: Record<string, Effect.Effect<SearchResult, InfeasibleBudget>> = {
      a: Effect.fail(infeasible(17618, 1024)),
      b: Effect.fail(infeasible(22888, 1024)),
    }
    const r = await Effect.runPromise(Effect.result(bestOverSettings([setting('a', 0), setting('b', 0)], (s) => outcomes[s.name]!)))
    expect(Result.isFailure(r) && r.failure.nearest).toBe('22,888 tokens/s per GPU at batch 1024')
  })

  it('for a budget where lower is better (latency), reports the lowest any setting reaches', async () => {
    const latency = (nearestValue: number) => new InfeasibleBudget({ budget: 'end-to-end latency', requested: '≤ 1 s', nearest: `${nearestValue} s at batch 8`, nearestValue, better: 'lower' })
    const outcomes: Record<string, Effect.Effect<SearchResult, InfeasibleBudget>> = { a: Effect.fail(latency(1.7)), b: Effect.fail(latency(1.2)), c: Effect.fail(latency(2.5)) }
    const r = await Effect.runPromise(Effect.result(bestOverSettings([setting('a', 0), setting('b', 0), setting('c', 0)], (s) => outcomes[s.name]!)))
    expect(Result.isFailure(r) && r.failure.nearest).toBe('1.2 s at batch 8')
  })
})
