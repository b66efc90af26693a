/**
 * Real searches where several rows bind together: the child must meet every
 * budget (a regression guard: forgetting a dimension on a wrong slack once
 * returned an 8B hybrid child 2% over its parameter cap). HiGHS needs
 * minutes on this problem, so exactness is left to the property tests.
 */
import { Effect } from 'effect'
import { describe, expect, it } from 'vitest'
import { violationsOf } from '../evaluate.ts'
import { solve } from '../solve.ts'
import { buildProblem } from './build-problem.ts'
import { scoreSpace } from './candidates.ts'
import { requestFromOptions } from './options.ts'

describe('searches with several binding rows', () => {
  it('the 8B hybrid over two scenarios under a latency and a parameter cap: a child within every budget', async () => {
    const req = await Effect.runPromise(
      requestFromOptions({ parent: 'llama-3.1-8b', gpu: 'h200', space: 'hybrid', scenarios: [{ input: 4096, output: 512, batch: 32 }, { input: 128, output: 1024, batch: 64 }], latency: 6, params: 6 }),
    )
    const scenarios = req.scenarios.map((s) => ({ input: s.input, output: s.output, batch: s.batch as number }))
    const problem = buildProblem(req, scoreSpace(req.parent, req.space, req.quality), scenarios, scenarios.map(() => undefined))
    const dp = await Effect.runPromise(solve(problem, { method: 'dp' }))
    expect(violationsOf(problem, dp.choices)).toEqual([])
  })
})
