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

/** The optimal solution by enumeration, or undefined when no combination is feasible. Ties go to the first combination in lexicographic order. */
export function bruteForce(problem: SearchProblem): SearchSolution | undefined {
  const started = performance.now()
  const sizes = problem.layers.map((layer) => layer.variants.length)
  const combinations = sizes.reduce((product, n) => product * n, 1)
  if (combinations > bruteForceLimit) throw new RangeError(`brute force over ${combinations} combinations exceeds ${bruteForceLimit}`)
  const choice = sizes.map(() => 0)
  let best: { choices: number[]; objective: number } | undefined
  for (let n = 0; n < combinations; n++) {
    if (violationsOf(problem, choice).length === 0) {
      const { objective } = totalsOf(problem, choice)
      if (best === undefined || objective < best.objective) best = { choices: [...choice], objective }
    }
    for (let l = choice.length - 1; l >= 0; l--) {
      choice[l]! += 1
      if (choice[l]! < sizes[l]!) break
      choice[l] = 0
    }
  }
  if (best === undefined) return undefined
  return solutionOf(problem, best.choices, { gap: 0, seconds: (performance.now() - started) / 1000, method: 'brute-force' })
}
