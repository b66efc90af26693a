/**
 * The reference solver: tries every combination of variants, checking each
 * against the problem exactly as `evaluate` defines it. Independent of the
 * compiled form the other solvers share, so tests can check them against it.
 * Only for tiny problems (the count of combinations is the product of the
 * menu sizes).
 */
import { totalsOf, violationsOf, solutionOf } from './evaluate.ts'
import type { SearchProblem } from './problem.ts'
import type { SearchSolution } from './solution.ts'

/** Refuses problems with more combinations than this, about a second of work. */
export const bruteForceLimit = 1_000_000

/**
 * Every combination of one variant per layer, in lexicographic order. It yields
 * one array, advanced in place between steps: copy a choice to keep it.
 */
export function* everyChoice(problem: SearchProblem): Generator<readonly number[]> {
  const sizes = problem.layers.map((layer) => layer.variants.length)
  if (sizes.some((n) => n === 0)) return
  const choice = sizes.map(() => 0)
  for (;;) {
    yield choice
    let l = choice.length - 1
    for (; l >= 0; l--) {
      choice[l]! += 1
      if (choice[l]! < sizes[l]!) break
      choice[l] = 0
    }
    if (l < 0) return
  }
}

/** The optimal solution by enumeration, or undefined when no combination is feasible. Ties go to the first combination in lexicographic order. */
export function bruteForce(problem: SearchProblem): SearchSolution | undefined {
  const started = performance.now()
  const combinations = problem.layers.reduce((product, layer) => product * layer.variants.length, 1)
  if (combinations > bruteForceLimit) throw new RangeError(`brute force over ${combinations} combinations exceeds ${bruteForceLimit}`)
  let best: { choices: number[]; objective: number } | undefined
  for (const choice of everyChoice(problem)) {
    if (violationsOf(problem, choice).length === 0) {
      const { objective } = totalsOf(problem, choice)
      if (best === undefined || objective < best.objective) best = { choices: [...choice], objective }
    }
  }
  if (best === undefined) return undefined
  return solutionOf(problem, best.choices, { gap: 0, seconds: (performance.now() - started) / 1000, method: 'brute-force' })
}
