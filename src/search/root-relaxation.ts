/**
 * What every solve of a compiled problem starts from: the dynamic program's
 * view of it, Lagrange multipliers (a lower bound, and the prices of every
 * later bound) and the best incumbent that repair finds from their
 * roundings. A batch plan needs it twice, for its bound before any search
 * and for the search, so it is kept per compiled problem; starting hints
 * make a fresh one, since they change the incumbent.
 */
import type { CompiledProblem } from './compile.ts'
import { chooseMultipliers, refineMultipliers, type Multipliers } from './completion-bound.ts'
import { dpInputOf, type DpInput } from './dp-input.ts'
import { findIncumbent, type Incumbent } from './incumbent.ts'

export interface RootRelaxation {
  readonly full: DpInput
  readonly multipliers: Multipliers
  readonly incumbent?: Incumbent
}

/**
 * Row order for the program: budgets first, the one the least-loss choice
 * (each layer's best variant) overshoots most, relative to its spread, ahead
 * (it is the likeliest to bind, and dimension 0 is the one the completion
 * bound treats exactly), then tag counts and extra rows, small integers that
 * clamp early. Rows that no choice can break are left out by `dpInputOf`.
 */
export function dimensionOrder(problem: CompiledProblem): number[] {
  const overshoot = problem.rows.map((row, r) => {
    let best = 0
    let least = 0
    let most = 0
    for (const layer of problem.layers) {
      const a = layer.a[r]!
      let k = 0
      for (let j = 1; j < layer.q.length; j++) if (layer.q[j]! < layer.q[k]!) k = j
      best += a[k]!
      let low = Infinity
      let high = -Infinity
      for (const v of a) {
        low = Math.min(low, v)
        high = Math.max(high, v)
      }
      least += low
      most += high
    }
    return (best - row.bound) / (most - least || 1)
  })
  const rows = problem.rows.map((row, i) => ({ i, budget: 'kind' in row.source }))
  const budgets = rows.filter((r) => r.budget).sort((x, y) => overshoot[y.i]! - overshoot[x.i]! || x.i - y.i)
  return [...budgets, ...rows.filter((r) => !r.budget)].map((r) => r.i)
}

const firstCache = new WeakMap<CompiledProblem, { readonly full: DpInput; readonly first: Multipliers }>()
const cache = new WeakMap<CompiledProblem, RootRelaxation>()

/**
 * The multipliers of coordinate ascent (and the pair search) alone, before
 * any incumbent: a valid lower bound that costs a fraction of the full root,
 * enough to settle a batch plan far from the best child.
 */
export function quickRelaxation(problem: CompiledProblem): { readonly full: DpInput; readonly first: Multipliers } {
  let found = firstCache.get(problem)
  if (found === undefined) {
    const full = dpInputOf(problem, dimensionOrder(problem))
    found = { full, first: chooseMultipliers(full) }
    firstCache.set(problem, found)
  }
  return found
}

/** The root of `problem`, repairing `hints` (choices per layer) besides the roundings. */
export function rootRelaxation(problem: CompiledProblem, hints: readonly Int32Array[] = []): RootRelaxation {
  const cached = hints.length === 0 ? cache.get(problem) : undefined
  if (cached !== undefined) return cached
  const { full, first } = quickRelaxation(problem)
  // Pairs of swaps too: with two or more rows at their bounds (runtime, memory and a parameter cap; top-k's diversity
  // rows) single swaps stall well above the optimum (70B --params 50's first plan: 0.66793 against 0.66680), and
  // the gap sets the targets and the last run's states. Hints (top-k's earlier children) descend by pairs each.
  const start = findIncumbent(full, [...first.roundings, ...hints], true, first.roundings.length)
  const multipliers = start === undefined ? first : refineMultipliers(full, first, start.objective)
  const again = multipliers === first ? undefined : findIncumbent(full, multipliers.roundings.slice(first.roundings.length))
  const found = again !== undefined && (start === undefined || again.objective < start.objective) ? again : start
  const root = { full, multipliers, ...(found === undefined ? {} : { incumbent: found }) }
  if (hints.length === 0) cache.set(problem, root)
  return root
}
