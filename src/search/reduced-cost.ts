/**
 * Lagrangian reduced-cost fixing. For prices p ≥ 0 on every dimension, the
 * Lagrangian Σ_l min_k (q + p·a)[l][k] − p·bound is a lower bound on every
 * feasible objective, and forcing option k in layer l raises it by that
 * option's reduced cost, (q + p·a)[l][k] − min_j (q + p·a)[l][j]. An option
 * whose forced bound already reaches a known solution's objective cannot be
 * part of a better one, so it leaves the menu. With the LP's own prices the
 * Lagrangian equals the LP bound, and on Puzzle-like problems most layers keep
 * one to three options.
 */
import type { DpInput } from './dp-input.ts'
import { withMenus } from './dp-input.ts'
import { improvementThreshold } from './pareto-dp.ts'

/** The Lagrangian bound at some prices and each menu option's reduced cost (aligned with the layer's menu). */
export interface ReducedCosts {
  readonly lagrangian: number
  readonly reduced: readonly Float64Array[]
}

export function reducedCosts(input: DpInput, prices: Float64Array): ReducedCosts {
  let lagrangian = 0
  prices.forEach((p, d) => {
    if (p !== 0) lagrangian -= p * input.bounds[d]!
  })
  const reduced = input.layers.map((layer) => {
    const values = Float64Array.from(layer.menu, (k) => {
      let value = layer.q[k]!
      prices.forEach((p, d) => {
        if (p !== 0) value += p * layer.a[d]![k]!
      })
      return value
    })
    let floor = Infinity
    for (const v of values) floor = Math.min(floor, v)
    lagrangian += floor
    return values.map((v) => v - floor)
  })
  return { lagrangian, reduced }
}

/**
 * The problem with every option removed that cannot lead below `upperBound`
 * under prices `prices` (one per dimension); undefined when some layer loses
 * every option, i.e. nothing beats `upperBound`.
 */
export function fixByReducedCost(input: DpInput, prices: Float64Array, upperBound: number): DpInput | undefined {
  const threshold = improvementThreshold(upperBound)
  const { lagrangian, reduced } = reducedCosts(input, prices)
  const menus: Int32Array[] = []
  for (const [l, layer] of input.layers.entries()) {
    const rc = reduced[l]!
    const menu = layer.menu.filter((_, i) => lagrangian + rc[i]! < threshold)
    if (menu.length === 0) return undefined
    menus.push(menu)
  }
  return withMenus(input, menus)
}
