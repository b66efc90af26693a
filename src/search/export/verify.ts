/**
 * Re-scores a child against an exported problem, independently of the
 * search that found it: one listed variant per layer, every budget and
 * structural constraint met (to the solver's tolerance), and the objective
 * recomputed from the exported scores.
 */
import { budgetCap, budgetTotal, totalsOf, violationsOf } from '../evaluate.ts'
import type { ProblemExport } from './problem-json.ts'

/** What verify needs of a child: its batch per scenario, its variant per layer, the objective it claims. */
export interface ClaimedChild {
  readonly batches: readonly number[]
  readonly variants: readonly string[]
  readonly objective: number
}

/** Objectives agree when within this relative difference (sums of the same terms, possibly in another order). */
export const objectiveTolerance = 1e-9

export interface Verified {
  readonly batches: readonly number[]
  readonly objective: number
  /** One line per check, for printing. */
  readonly lines: readonly string[]
}

export type Verification = { readonly _tag: 'Passed'; readonly verified: Verified } | { readonly _tag: 'Failed'; readonly reason: string }

const fail = (reason: string): Verification => ({ _tag: 'Failed', reason })

export function verifyChild(exported: ProblemExport, child: ClaimedChild): Verification {
  const key = child.batches.join('/')
  const plan = exported.plans.find((p) => p.batches.join('/') === key)
  if (plan === undefined) return fail(`the child's batch ${key} is not among the exported plans (${exported.plans.map((p) => p.batches.join('/')).join(', ') || 'none'})`)
  const problem = plan.problem
  if (child.variants.length !== problem.layers.length) return fail(`the child has ${child.variants.length} layers, the problem ${problem.layers.length}`)
  const choices: number[] = []
  for (const [l, id] of child.variants.entries()) {
    const v = problem.layers[l]!.variants.findIndex((x) => x.id === id)
    if (v < 0) return fail(`layer ${l}: variant ${id} is not one of the problem's ${problem.layers[l]!.variants.length} variants for that layer`)
    choices.push(v)
  }
  const violation = violationsOf(problem, choices)[0]
  if (violation !== undefined) {
    const c = violation.constraint
    if ('kind' in c) return fail(`budget ${c.name} exceeded: the child totals ${violation.value}, the budget is ${c.max} (at most ${budgetCap(c.max)} with the solver's tolerance)`)
    if (c.type === 'atLeastTagged') return fail(`only ${violation.value} layers use a variant tagged ${c.tag}, at least ${c.count} required`)
    if (c.type === 'fixed') return fail(`layer ${c.layer} must be ${c.variant}, the child has ${child.variants[c.layer]}`)
    return fail(`layer ${c.layer} must use one of ${c.variants.join(', ')}, the child has ${child.variants[c.layer]}`)
  }
  const totals = totalsOf(problem, choices)
  const difference = Math.abs(totals.objective - child.objective)
  if (!(difference <= objectiveTolerance * Math.max(Math.abs(totals.objective), Math.abs(child.objective)) + 1e-15))
    return fail(`objective mismatch: the child claims ${child.objective}, its variants score ${totals.objective} under the exported problem`)
  const lines = [
    `plan at batch ${key}: ${problem.layers.length} layers, each with one of its listed variants`,
    ...problem.budgets.map((b) => {
      const total = budgetTotal(problem, b, choices)
      return `budget ${b.name}: ${total} ≤ ${b.max} (${((100 * total) / b.max).toFixed(2)}% used)`
    }),
    ...problem.constraints.map((c) =>
      c.type === 'atLeastTagged' ? `at least ${c.count} layers tagged ${c.tag}: met` : c.type === 'fixed' ? `layer ${c.layer} fixed to ${c.variant}: met` : `layer ${c.layer} within its allowed variants: met`,
    ),
    `objective ${totals.objective} recomputed (${Object.entries(problem.objective).map(([m, w]) => `${w}·${m}`).join(' + ')}), matches the claimed ${child.objective}`,
  ]
  return { _tag: 'Passed', verified: { batches: child.batches, objective: totals.objective, lines } }
}
