import { budgetValue, objectiveOf, type Budget, type LayerConstraint, type SearchProblem, type Variant } from './problem.ts'
import type { SearchSolution, OptimalityProof, Totals } from './solution.ts'

/**
 * Budgets hold to a relative 1e-9: sums of floating-point costs taken in
 * different orders differ in the last bits, and no cost model is within a
 * billionth of the truth.
 */
export const budgetTolerance = 1e-9

/** The largest total that still meets `max`. */
export function budgetCap(max: number): number {
  return max + budgetTolerance * Math.abs(max)
}

/** The variant a layer uses under a choice vector, or a thrown bug report for an out-of-range index. */
function chosen(problem: SearchProblem, choices: readonly number[], layer: number): Variant {
  const variant = problem.layers[layer]?.variants[choices[layer] ?? -1]
  if (variant === undefined) throw new RangeError(`choice ${choices[layer]} is not a variant of layer ${layer}`)
  return variant
}

const namesCache = new WeakMap<SearchProblem, { readonly costs: readonly string[]; readonly metrics: readonly string[] }>()

/** Every cost dimension and metric any variant of the problem has, found once per problem (frontiers total thousands of children). */
function quantityNames(problem: SearchProblem): { readonly costs: readonly string[]; readonly metrics: readonly string[] } {
  let names = namesCache.get(problem)
  if (names === undefined) {
    const costs = new Set<string>()
    const metrics = new Set<string>()
    for (const layer of problem.layers) {
      for (const variant of layer.variants) {
        for (const name of Object.keys(variant.costs)) costs.add(name)
        for (const name of Object.keys(variant.metrics)) metrics.add(name)
      }
    }
    names = { costs: [...costs], metrics: [...metrics] }
    namesCache.set(problem, names)
  }
  return names
}

/** Sums every cost dimension and metric of a choice vector (one variant index per layer). */
export function totalsOf(problem: SearchProblem, choices: readonly number[]): Totals {
  const costs: Record<string, number> = { ...problem.baseCosts }
  const metrics: Record<string, number> = {}
  const names = quantityNames(problem)
  for (const name of names.costs) costs[name] ??= 0
  for (const name of names.metrics) metrics[name] ??= 0
  problem.layers.forEach((_, l) => {
    const variant = chosen(problem, choices, l)
    for (const [name, value] of Object.entries(variant.costs)) costs[name] = (costs[name] ?? 0) + value
    for (const [name, value] of Object.entries(variant.metrics)) metrics[name] = (metrics[name] ?? 0) + value
  })
  return { objective: objectiveOf(problem.objective, metrics), costs, metrics }
}

/** The total a budget limits, base costs included. */
export function budgetTotal(problem: SearchProblem, budget: Budget, choices: readonly number[]): number {
  let total = budget.kind === 'cost' ? (problem.baseCosts?.[budget.name] ?? 0) : 0
  problem.layers.forEach((_, l) => {
    total += budgetValue(budget, chosen(problem, choices, l))
  })
  return total
}

/** A budget or constraint a choice vector breaks, with the value it reached. */
export interface Violation {
  readonly constraint: Budget | LayerConstraint
  /** The budget's total, the number of tagged layers, or the index of the offending layer's variant. */
  readonly value: number
}

/** Every budget and structural constraint the choices break; empty when the child is feasible. */
export function violationsOf(problem: SearchProblem, choices: readonly number[]): readonly Violation[] {
  const found: Violation[] = []
  for (const budget of problem.budgets) {
    const total = budgetTotal(problem, budget, choices)
    if (total > budgetCap(budget.max)) found.push({ constraint: budget, value: total })
  }
  for (const constraint of problem.constraints) {
    if (constraint.type === 'atLeastTagged') {
      const count = problem.layers.filter((_, l) => chosen(problem, choices, l).tags?.includes(constraint.tag) ?? false).length
      if (count < constraint.count) found.push({ constraint, value: count })
      continue
    }
    const id = chosen(problem, choices, constraint.layer).id
    const ok = constraint.type === 'fixed' ? id === constraint.variant : constraint.variants.includes(id)
    if (!ok) found.push({ constraint, value: choices[constraint.layer] ?? -1 })
  }
  return found
}

/** Packages a choice vector as a solution with its totals and proof. */
export function solutionOf(problem: SearchProblem, choices: readonly number[], proof: OptimalityProof): SearchSolution {
  return {
    ...totalsOf(problem, choices),
    choices,
    variants: choices.map((_, l) => chosen(problem, choices, l).id),
    proof,
  }
}
