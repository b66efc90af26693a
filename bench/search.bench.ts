/**
 * The exact search on synthetic Puzzle-like problems (54 variants per layer:
 * 6 attention × 9 FFN options, costs from Llama-70B shapes with ±2% per-layer
 * noise, losses larger for cheaper variants; see src/search/synthetic.ts):
 *  (a) one exact solve of a 126-layer problem (Llama-3.1-405B's depth) with a
 *      runtime and a memory budget, by the dynamic program and by HiGHS alone;
 *  (b) the whole runtime/quality frontier of an 80-layer problem (Llama-3.3-70B's
 *      depth) in one DP run, against sweeping the budget with HiGHS, whose
 *      cost is estimated from a sample of its solves (a full sweep would take hours);
 *  (c) the same frontier under a binding memory budget (two dimensions).
 * Both methods are timed through the public `solve`, model building included.
 */
import * as Effect from 'effect/Effect'
import { loadHighs } from '../src/search/highs.ts'
import { paretoFrontier, type Frontier } from '../src/search/frontier.ts'
import type { SearchProblem } from '../src/search/problem.ts'
import type { SearchSolution } from '../src/search/solution.ts'
import { solve, type SolveMethod } from '../src/search/solve.ts'
import { syntheticPuzzleProblem } from '../src/search/synthetic.ts'
import type { BenchRow } from './types.ts'

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  const value = await work()
  return { value, ms: performance.now() - started }
}

const solveWith = (problem: SearchProblem, method: SolveMethod) => Effect.runPromise(solve(problem, { method }))

/** Relative difference, for saying how well two exact methods agree. */
const disagreement = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE)

async function singleSolve(): Promise<BenchRow[]> {
  const problem = syntheticPuzzleProblem({ layers: 126, seed: 405, runtimeShare: 0.5, memoryShare: 0.45 })
  const runs: { value: SearchSolution; ms: number }[] = []
  for (let i = 0; i < 9; i++) runs.push(await timed(() => solveWith(problem, 'dp')))
  const dpMs = median(runs.slice(2).map((r) => r.ms))
  const dp = runs[0]!.value
  await loadHighs()
  const highs = await timed(() => solveWith(problem, 'highs'))
  const shape = '126 layers × 54 variants, runtime ≤ 50% and memory ≤ 45% of the parent'
  return [
    { name: 'search: one exact solve, dynamic program', value: dpMs, unit: 'ms', note: `${shape}; median of 7 after 2 warm-ups; objective ${dp.objective.toFixed(6)}` },
    {
      name: 'search: the same solve, HiGHS alone',
      value: highs.ms,
      unit: 'ms',
      note: `one run, runtime already loaded; objective ${highs.value.objective.toFixed(6)} (gap ${highs.value.proof.gap}), differs from the DP's by ${disagreement(dp.objective, highs.value.objective).toExponential(1)}`,
    },
    { name: 'search: one exact solve, DP speedup over HiGHS', value: highs.ms / dpMs, unit: '×' },
  ]
}

async function frontierRows(label: string, problem: SearchProblem, highsSamples: number): Promise<BenchRow[]> {
  const runs: { value: Frontier; ms: number }[] = []
  for (let i = 0; i < 4; i++) runs.push(await timed(() => Effect.runPromise(paretoFrontier(problem, { cost: 'runtime' }))))
  const frontier = runs[0]!.value
  const dpMs = median(runs.slice(1).map((r) => r.ms))
  const rows: BenchRow[] = [
    {
      name: `search: whole exact frontier, ${label}, dynamic program`,
      value: dpMs,
      unit: 'ms',
      note: `one run; ${frontier.points.length} points, ${frontier.states} states kept; median of 3 after a warm-up`,
    },
  ]
  if (highsSamples === 0) return rows
  const budgetAt = (max: number) => ({ ...problem, budgets: [...problem.budgets.filter((b) => b.name !== 'runtime'), { kind: 'cost' as const, name: 'runtime', max }] })
  const picks = Array.from({ length: highsSamples }, (_, i) => Math.round(((i + 0.5) / highsSamples) * (frontier.points.length - 1)))
  const sampled: number[] = []
  let worst = 0
  for (const index of picks) {
    const point = frontier.points[index]!
    const run = await timed(() => solveWith(budgetAt(point.cost), 'highs'))
    sampled.push(run.ms)
    worst = Math.max(worst, disagreement(run.value.objective, point.objective))
  }
  const mean = sampled.reduce((a, b) => a + b, 0) / sampled.length
  rows.push({
    name: `search: the same frontier by sweeping the budget with HiGHS (estimated)`,
    value: (mean * frontier.points.length) / 1000,
    unit: 's',
    note: `${frontier.points.length} points × ${(mean / 1000).toFixed(2)} s, the mean of ${highsSamples} HiGHS solves at frontier points (their optima match the frontier within ${worst.toExponential(1)})`,
  })
  return rows
}

export async function runSearchBench(): Promise<BenchRow[]> {
  const plain = syntheticPuzzleProblem({ layers: 80, seed: 70 })
  const withMemory = syntheticPuzzleProblem({ layers: 80, seed: 70, memoryShare: 0.6 })
  return [
    ...(await singleSolve()),
    ...(await frontierRows('80 layers × 54 variants', { ...plain, budgets: [] }, 5)),
    ...(await frontierRows('80 × 54 under memory ≤ 60% of the parent', { ...withMemory, budgets: withMemory.budgets.filter((b) => b.name !== 'runtime') }, 0)),
  ]
}
