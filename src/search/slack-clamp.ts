/**
 * When a partial child may forget a dimension. With prices p ≥ 0 on every
 * dimension and v = q + p·a, every completion x of a state (objective so far
 * `value`, sums `keys`) that ends below a target T has reduced costs
 *   Σ_rest rc(x) < T − value − Σ_rest min v + Σ_d p_d·room_d =: s,
 * room_d being what the bound leaves (or, for a forgotten dimension, the most
 * the rest can add). The most dimension d can grow among such completions is
 * at most the linear program "maximise Σ_rest a_d with Σ_rest rc ≤ s",
 * answered here by a walk along precomputed hull steps (see
 * redundant-rows.ts). If even that keeps d within its bound, the state can
 * forget d: the completions that could break it cannot beat T anyway. States
 * that differ only there then merge, which is what keeps three binding rows
 * (runtime, memory, a parameter cap) tractable.
 */
import type { DpInput } from './dp-input.ts'
import { byGainPerPrice, upperHull, type Step } from './redundant-rows.ts'

interface DimensionTable {
  /** Per start layer, Σ of a_d at each remaining layer's cheapest (rc = 0) option with the most a_d. */
  readonly base: Float64Array
  /** Per start layer, the hull steps of the remaining layers by falling gain per price, as prefix sums. */
  readonly cumPrice: readonly Float64Array[]
  readonly cumGain: readonly Float64Array[]
}

export interface SlackClamp {
  readonly prices: Float64Array
  /** Per start layer, Σ of min v over the remaining layers. */
  readonly floor: Float64Array
  /** Per dimension; undefined for dimension 0 and those never forgotten. */
  readonly tables: readonly (DimensionTable | undefined)[]
  readonly bounds: Float64Array
  readonly maxRest: readonly Float64Array[]
}

function merge(a: readonly Step[], b: readonly Step[]): Step[] {
  const out: Step[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && byGainPerPrice(a[i]!, b[j]!) <= 0)) out.push(a[i++]!)
    else out.push(b[j++]!)
  }
  return out
}

export function buildSlackClamp(input: DpInput, prices: Float64Array): SlackClamp {
  const D = input.bounds.length
  const L = input.layers.length
  const values = input.layers.map((layer) =>
    Float64Array.from(layer.menu, (k) => {
      let v = layer.q[k]!
      for (let d = 0; d < D; d++) if (prices[d] !== 0) v += prices[d]! * layer.a[d]![k]!
      return v
    }),
  )
  const floors = values.map((v) => Math.min(...v))
  const floor = new Float64Array(L + 1)
  for (let l = L - 1; l >= 0; l--) floor[l] = floor[l + 1]! + floors[l]!
  const tables = Array.from({ length: D }, (_, d): DimensionTable | undefined => {
    if (d === 0 || !input.clampable[d]) return undefined
    const base = new Float64Array(L + 1)
    const cumPrice: Float64Array[] = []
    const cumGain: Float64Array[] = []
    cumPrice[L] = new Float64Array(1)
    cumGain[L] = new Float64Array(1)
    let suffix: Step[] = []
    for (let l = L - 1; l >= 0; l--) {
      const layer = input.layers[l]!
      const hull = upperHull(Array.from(layer.menu, (k, i) => ({ rc: values[l]![i]! - floors[l]!, a: layer.a[d]![k]! })))
      base[l] = base[l + 1]! + hull[0]!.a
      const steps: Step[] = []
      for (let i = 1; i < hull.length; i++) steps.push({ gain: hull[i]!.a - hull[i - 1]!.a, price: hull[i]!.rc - hull[i - 1]!.rc })
      suffix = merge(suffix, steps)
      const cp = new Float64Array(suffix.length + 1)
      const cg = new Float64Array(suffix.length + 1)
      suffix.forEach((s, i) => {
        cp[i + 1] = cp[i]! + s.price
        cg[i + 1] = cg[i]! + s.gain
      })
      cumPrice[l] = cp
      cumGain[l] = cg
    }
    return { base, cumPrice, cumGain }
  })
  return { prices, floor, tables, bounds: input.bounds, maxRest: input.maxRest }
}

/** The most dimension d's remaining layers (from `next`) add with reduced costs summing to at most `slack`, in the linear relaxation. */
function largestGain(table: DimensionTable, next: number, slack: number): number {
  const cp = table.cumPrice[next]!
  const cg = table.cumGain[next]!
  const last = cp.length - 1
  if (slack >= cp[last]!) return table.base[next]! + cg[last]!
  let lo = 0
  let hi = last
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (cp[mid]! <= slack) lo = mid
    else hi = mid
  }
  const share = cp[hi]! > cp[lo]! ? (slack - cp[lo]!) / (cp[hi]! - cp[lo]!) : 0
  return table.base[next]! + cg[lo]! + share * (cg[hi]! - cg[lo]!)
}

/**
 * Sets to −∞ each dimension of `keys` that no completion below `threshold`
 * can break. The test for dimension d may not assume d itself is met, so its
 * own room is taken as the most the rest can add; the other dimensions'
 * rooms hold for the completions that matter as long as those dimensions are
 * enforced, so a dimension once forgotten counts with its most, too, for the
 * tests after it.
 */
export function forgetSafeDimensions(clamp: SlackClamp, next: number, keys: Float64Array, value: number, threshold: number): void {
  let slack = threshold - value - clamp.floor[next]!
  for (let d = 0; d < keys.length; d++) {
    const p = clamp.prices[d]!
    if (p === 0) continue
    const k = keys[d]!
    slack += p * (k === -Infinity ? clamp.maxRest[d]![next]! : clamp.bounds[d]! - k)
  }
  for (let d = 1; d < keys.length; d++) {
    const table = clamp.tables[d]
    const k = keys[d]!
    if (table === undefined || k === -Infinity) continue
    const p = clamp.prices[d]!
    const widened = slack + p * (clamp.maxRest[d]![next]! - (clamp.bounds[d]! - k))
    if (!(widened >= 0)) continue
    if (k + largestGain(table, next, widened) <= clamp.bounds[d]!) {
      keys[d] = -Infinity
      slack = widened
    }
  }
}
