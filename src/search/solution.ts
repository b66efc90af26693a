import type { Quantities } from './problem.ts'

/** The exact methods this module offers. */
export type SolverMethod = 'dp' | 'highs' | 'brute-force'

/** Why the returned solution is optimal. */
export interface OptimalityProof {
  /**
   * Relative gap between the solution's objective and the best proven lower
   * bound: 0 for the dynamic program and brute force (they enumerate every
   * nondominated partial solution), HiGHS's reported `mip_gap` otherwise.
   */
  readonly gap: number
  /** Wall-clock seconds the solve took, model building included. */
  readonly seconds: number
  readonly method: SolverMethod
}

/** The totals a set of per-layer choices adds up to. */
export interface Totals {
  /** The objective value (weighted metric sum). */
  readonly objective: number
  /** Every cost dimension that appears in the problem, summed over layers, base costs included. */
  readonly costs: Quantities
  /** Every metric that appears in the problem, summed over layers. */
  readonly metrics: Quantities
}

/** An optimal child: one variant per layer and what it adds up to. */
export interface SearchSolution extends Totals {
  /** Per layer, the index of the chosen variant in `layers[l].variants`. */
  readonly choices: readonly number[]
  /** Per layer, the id of the chosen variant. */
  readonly variants: readonly string[]
  readonly proof: OptimalityProof
}
