/**
 * Which rows the dynamic program must track for a given target: a row that no
 * child below the target can break is left out (see redundant-rows.ts for the
 * test), so that a parameter cap with room to spare does not add a dimension.
 */
import { isCount, largestSums, type DpInput } from './dp-input.ts'
import { reducedCosts } from './reduced-cost.ts'
import { largestWithinSlack } from './redundant-rows.ts'

/**
 * The dimensions worth tracking once reduced-cost fixing has cut the menus:
 * those some remaining choice can still break, the most heavily priced
 * (price times spread) first, so that the completion bound's exact dimension
 * is the one that matters most. Counts go last, where the dominance filter
 * buckets them (see dominance.ts).
 */
export function trackedDimensions(input: DpInput, prices: Float64Array, target: number): number[] {
  const largest = largestSums(input)
  const weight = (d: number) => prices[d]! * (input.maxRest[d]![0]! - input.minRest[d]![0]!)
  const { lagrangian, reduced } = reducedCosts(input, prices)
  // Σ rc(x) ≤ target − lagrangian holds for a child x that keeps every priced row within its bound. Testing whether
  // x can break row d must not assume row d itself holds, nor any row already dropped: each test widens the slack by
  // what that row could add past its bound, p_d · (largest_d − bound_d), as forgetSafeDimensions does per state.
  let slack = target - lagrangian
  const kept: number[] = []
  for (let d = 0; d < input.bounds.length; d++) {
    if (largest[d]! <= input.bounds[d]!) continue
    const widened = slack + prices[d]! * (largest[d]! - input.bounds[d]!)
    if (widened >= 0 && Number.isFinite(widened) && largestWithinSlack(input, reduced, d, widened) <= input.bounds[d]!) slack = widened
    else kept.push(d)
  }
  return kept.sort((x, y) => Number(isCount(input, x)) - Number(isCount(input, y)) || weight(y) - weight(x) || x - y)
}
