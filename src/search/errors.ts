import * as Data from 'effect/Data'
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
 * met (tag counts first, then budgets, each in the order given) and the
 * nearest value achievable for it while the fixed/allowed variants and the
 * constraints before it (`held`) are kept: the smallest total of a budget, or
 * the largest number of tagged layers.
 */
export class SearchInfeasible extends Data.TaggedError('SearchInfeasible')<{
  readonly constraint: Budget | AtLeastTagged
  /** The best value the constrained quantity can reach while `held` is met. */
  readonly nearest: number
  /** The constraints met while computing `nearest`, besides the fixed and allowed variants. */
  readonly held: readonly (Budget | AtLeastTagged)[]
}> {
  override get message(): string {
    const describe = (c: Budget | AtLeastTagged) => ('type' in c ? `at least ${c.count} layers tagged ${c.tag}` : `${c.name} ≤ ${c.max}`)
    const under = ['the structural constraints', ...this.held.map(describe)].join(' and ')
    const c = this.constraint
    if ('type' in c) return `infeasible: ${describe(c)} cannot be met; at most ${this.nearest} are possible under ${under}`
    return `infeasible: ${describe(c)} cannot be met; the best achievable under ${under} is ${this.nearest}`
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
