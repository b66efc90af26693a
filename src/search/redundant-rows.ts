/**
 * Which dimensions no solution better than a target can break. Every
 * feasible x satisfies Σ_l rc_l(x_l) ≤ target − LB for Lagrangian reduced
 * costs rc ≥ 0 and the Lagrangian bound LB at the same prices (see
 * reduced-cost.ts), so the largest sum of dimension d over such x is at most
 * the optimum of the linear program "maximise Σ a_d subject to Σ rc ≤ slack",
 * which a greedy walk up each layer's upper hull of (rc, a_d) solves exactly.
 * When that stays within the bound, the dimension constrains nothing among
 * the solutions the program looks for, and tracking it would only split
 * staircases. Much stronger than the largest sum over the menus when the
 * dimension has slack in the relaxation (memory with a small batch, say).
 */
import type { DpInput } from './dp-input.ts'

/** One step up a layer's hull: `gain` more of the dimension for `price` more reduced cost. */
export interface Step {
  readonly gain: number
  readonly price: number
}

/** Orders hull steps by falling gain per price, the relaxation's greedy order. */
export const byGainPerPrice = (x: Step, y: Step): number => y.gain * x.price - x.gain * y.price

/** A layer's option as (reduced cost, amount of one dimension). */
export interface HullPoint {
  readonly rc: number
  readonly a: number
}

/**
 * The upper hull of a layer's options from its cheapest (rc = 0) one: rising amount, falling slope. Walking it
 * step by step is the linear relaxation's best way to add the dimension per unit of reduced cost.
 */
export function upperHull(points: readonly HullPoint[]): HullPoint[] {
  const order = [...points].sort((x, y) => x.rc - y.rc || y.a - x.a)
  const hull: HullPoint[] = []
  for (const p of order) {
    if (hull.length > 0 && p.a <= hull[hull.length - 1]!.a) continue
    while (hull.length >= 2) {
      const o = hull[hull.length - 2]!
      const m = hull[hull.length - 1]!
      if ((m.a - o.a) * (p.rc - o.rc) > (p.a - o.a) * (m.rc - o.rc)) break
      hull.pop()
    }
    hull.push(p)
  }
  return hull
}

/**
 * The most of dimension `d` the layers can add while their reduced costs
 * (`reduced[l][i]` for menu position i) sum to at most `slack`, in the
 * linear relaxation.
 */
export function largestWithinSlack(input: DpInput, reduced: readonly Float64Array[], d: number, slack: number): number {
  let total = 0
  const steps: Step[] = []
  input.layers.forEach((layer, l) => {
    const rc = reduced[l]!
    const a = layer.a[d]!
    const hull = upperHull(Array.from(layer.menu, (k, i) => ({ rc: rc[i]!, a: a[k]! })))
    total += hull[0]!.a
    for (let i = 1; i < hull.length; i++) steps.push({ gain: hull[i]!.a - hull[i - 1]!.a, price: hull[i]!.rc - hull[i - 1]!.rc })
  })
  steps.sort(byGainPerPrice)
  let room = slack
  for (const s of steps) {
    if (s.price <= room) {
      total += s.gain
      room -= s.price
      continue
    }
    total += (s.gain * room) / s.price
    break
  }
  return total
}
