import { Data } from 'effect'
import type { AtLeastTagged, Budget } from './problem.ts'

/** A malformed problem: an unknown variant id, a layer out of range, a non-finite number. */
export class InvalidSearchProblem extends Data.TaggedError('InvalidSearchProblem')<{
  /** Path of the offending field, e.g. `constraints[2].variant`. */
  readonly field: string
  /** What is wrong and how to fix it. */
  readonly reason: string
}> {
  override get message(): string {
    return `invalid ${this.field}: ${this.reason}`
  }
}

/**
 * No child meets every constraint. Names the first constraint that cannot be
 * met and the nearest value achievable for it: the smallest total of a budget,
 * or the largest number of tagged layers.
 */
export class SearchInfeasible extends Data.TaggedError('SearchInfeasible')<{
  readonly constraint: Budget | AtLeastTagged
  /** The best value the constrained quantity can reach under `given`. */
  readonly nearest: number
  /**
   * What `nearest` was computed under: the structural constraints alone (fixed
   * and allowed variants, tag counts) or those plus every other budget.
   */
  readonly given: 'structure' | 'structure and other budgets'
}> {
  override get message(): string {
    const c = this.constraint
    const under = this.given === 'structure' ? 'the structural constraints' : 'the other constraints'
    if ('type' in c) {
      return `infeasible: at least ${c.count} layers tagged ${c.tag} cannot be met; at most ${this.nearest} are possible under ${under}`
    }
    return `infeasible: ${c.name} ≤ ${c.max} cannot be met; the best achievable under ${under} is ${this.nearest}`
  }
}

/** The solver failed for a reason other than infeasibility (a HiGHS error, a time limit). */
export class SolverFailed extends Data.TaggedError('SolverFailed')<{
  readonly method: string
  readonly reason: string
}> {
  override get message(): string {
    return `${this.method} solver failed: ${this.reason}`
  }
}
