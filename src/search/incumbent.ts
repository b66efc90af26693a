/**
 * A good feasible solution found fast, so that the dynamic program can drop
 * every state whose lower bound cannot beat it. Its quality only affects
 * speed, never the result: the program still returns the optimum.
 */
import type { DpInput } from './dp-input.ts'

export interface Incumbent {
  /** Per layer, an option position in the compiled layer. */
  readonly choice: Int32Array
  readonly objective: number
}

function sums(input: DpInput, choice: Int32Array): Float64Array {
  const used = new Float64Array(input.bounds.length)
  input.layers.forEach((layer, l) => {
    for (let d = 0; d < used.length; d++) used[d]! += layer.a[d]![choice[l]!]!
  })
  return used
}

/** How far the sums exceed the bounds, each dimension measured against its own spread so that units cancel. */
function excess(input: DpInput, used: Float64Array, scales: Float64Array): number {
  let total = 0
  for (let d = 0; d < used.length; d++) total += Math.max(0, used[d]! - input.bounds[d]!) / scales[d]!
  return total
}

/** Per dimension, the spread between the smallest and largest possible sums (1 when it is 0). */
function spreads(input: DpInput): Float64Array {
  return Float64Array.from(input.bounds, (_, d) => input.maxRest[d]![0]! - input.minRest[d]![0]! || 1)
}

/**
 * A swap must remove at least this share of the excess: smaller gains are
 * rounding noise, and accepting them lets two swaps undo each other forever.
 */
const minimumGain = 1e-9

/**
 * Repeatedly applies the single-layer swap that removes the most excess per
 * unit of objective given up, until nothing exceeds its bound or no swap helps.
 */
function repair(input: DpInput, choice: Int32Array, scales: Float64Array): boolean {
  const used = sums(input, choice)
  const D = used.length
  const trial = new Float64Array(D)
  for (;;) {
    const current = excess(input, used, scales)
    if (current === 0) return true
    let best: { layer: number; option: number; score: number } | undefined
    input.layers.forEach((layer, l) => {
      const from = choice[l]!
      for (const k of layer.menu) {
        if (k === from) continue
        for (let d = 0; d < D; d++) trial[d] = used[d]! + layer.a[d]![k]! - layer.a[d]![from]!
        const gain = current - excess(input, trial, scales)
        if (gain <= minimumGain * current) continue
        const score = (layer.q[k]! - layer.q[from]!) / gain
        if (best === undefined || score < best.score) best = { layer: l, option: k, score }
      }
    })
    if (best === undefined) return false
    const layer = input.layers[best.layer]!
    for (let d = 0; d < D; d++) used[d]! += layer.a[d]![best.option]! - layer.a[d]![choice[best.layer]!]!
    choice[best.layer] = best.option
  }
}

/** Repeatedly applies the single-layer swap that lowers the objective most while every sum stays within its bound. */
function improve(input: DpInput, choice: Int32Array): void {
  const used = sums(input, choice)
  const D = used.length
  for (;;) {
    let best: { layer: number; option: number; delta: number } | undefined
    input.layers.forEach((layer, l) => {
      const from = choice[l]!
      for (const k of layer.menu) {
        const delta = layer.q[k]! - layer.q[from]!
        if (delta >= 0 || (best !== undefined && delta >= best.delta)) continue
        let fits = true
        for (let d = 0; d < D && fits; d++) fits = used[d]! + layer.a[d]![k]! - layer.a[d]![from]! <= input.bounds[d]!
        if (fits) best = { layer: l, option: k, delta }
      }
    })
    if (best === undefined) return
    const layer = input.layers[best.layer]!
    for (let d = 0; d < D; d++) used[d]! += layer.a[d]![best.option]! - layer.a[d]![choice[best.layer]!]!
    choice[best.layer] = best.option
  }
}

/**
 * Repeatedly applies the pair of swaps in two layers that lowers the objective
 * most while every sum stays within its bound, then single swaps again. A row
 * at its bound (a top-k diversity row, most often) blocks every single swap
 * that would use more of it; a pair can give back there what the other uses.
 */
function improveByPairs(input: DpInput, choice: Int32Array): void {
  const D = input.bounds.length
  const room = new Float64Array(D)
  const least = new Float64Array(D)
  for (;;) {
    improve(input, choice)
    const used = sums(input, choice)
    for (let d = 0; d < D; d++) room[d] = input.bounds[d]! - used[d]!
    // Every single swap, cheapest first, so that the loops stop once no partner can make the pair pay; its changes
    // to the objective and to each row in flat typed arrays for the inner loop.
    let M = 0
    for (const layer of input.layers) M += layer.menu.length
    const layerOf = new Int32Array(M)
    const optionOf = new Int32Array(M)
    const rawDelta = new Float64Array(M)
    M = 0
    input.layers.forEach((layer, l) => {
      for (const k of layer.menu) {
        if (k === choice[l]) continue
        layerOf[M] = l
        optionOf[M] = k
        rawDelta[M++] = layer.q[k]! - layer.q[choice[l]!]!
      }
    })
    const order = Int32Array.from({ length: M }, (_, i) => i).sort(
      (x, y) => rawDelta[x]! - rawDelta[y]! || layerOf[x]! - layerOf[y]! || optionOf[x]! - optionOf[y]!,
    )
    const delta = Float64Array.from(order, (i) => rawDelta[i]!)
    const change = new Float64Array(M * D)
    least.fill(Infinity)
    order.forEach((move, i) => {
      const l = layerOf[move]!
      const a = input.layers[l]!.a
      for (let d = 0; d < D; d++) {
        const c = a[d]![optionOf[move]!]! - a[d]![choice[l]!]!
        change[i * D + d] = c
        if (c < least[d]!) least[d] = c
      }
    })
    // After single descent every cheaper swap breaks some row alone, so its partner must give back in that row: per
    // row, the swaps that lower it, cheapest first.
    const lowering = Array.from({ length: D }, (_, d) => {
      const positions: number[] = []
      for (let j = 0; j < M; j++) if (change[j * D + d]! < 0) positions.push(j)
      return Int32Array.from(positions)
    })
    let bestDelta = 0
    let bestFirst = -1
    let bestSecond = -1
    // Later first swaps cost no less, nor do their partners, so the search ends where the next pair cannot pay.
    for (let i = 0; i + 1 < M && delta[i]! + delta[i + 1]! < bestDelta; i++) {
      // A first swap that breaks a row by more than any partner can give back there pairs with none.
      let repairable = true
      let broken = -1
      for (let d = 0; d < D && repairable; d++) {
        repairable = change[i * D + d]! + least[d]! <= room[d]!
        if (broken < 0 && change[i * D + d]! > room[d]!) broken = d
      }
      if (!repairable || broken < 0) continue
      const partners = lowering[broken]!
      let from = 0
      let to = partners.length
      while (from < to) {
        const mid = (from + to) >> 1
        if (partners[mid]! <= i) from = mid + 1
        else to = mid
      }
      for (let p = from; p < partners.length; p++) {
        const j = partners[p]!
        if (delta[i]! + delta[j]! >= bestDelta) break
        let fits = true
        for (let d = 0; d < D && fits; d++) fits = change[i * D + d]! + change[j * D + d]! <= room[d]!
        if (!fits || layerOf[order[j]!] === layerOf[order[i]!]) continue
        bestDelta = delta[i]! + delta[j]!
        bestFirst = order[i]!
        bestSecond = order[j]!
      }
    }
    if (bestFirst < 0) return
    choice[layerOf[bestFirst]!] = optionOf[bestFirst]!
    choice[layerOf[bestSecond]!] = optionOf[bestSecond]!
  }
}

/**
 * The best feasible solution reachable from the given starting points by
 * repair and descent, if any is; with `pairs`, the best of them descends
 * further by pairs of swaps, and so does every start from position
 * `pairsFrom` on (top-k's earlier children: repair moves one of them away
 * from itself at whatever cost, and pairs of swaps then find the near-tie
 * that differs from it in other layers, which the roundings seldom reach).
 */
export function findIncumbent(input: DpInput, starts: readonly Int32Array[], pairs = false, pairsFrom = Infinity): Incumbent | undefined {
  const scales = spreads(input)
  let best: Incumbent | undefined
  // Roundings at nearby multipliers often coincide; each distinct start is repaired once.
  const seen = new Set<string>()
  for (const [i, start] of starts.entries()) {
    const key = start.join(',')
    if (seen.has(key)) continue
    seen.add(key)
    const choice = Int32Array.from(start)
    if (!repair(input, choice, scales)) continue
    if (i >= pairsFrom) improveByPairs(input, choice)
    else improve(input, choice)
    const objective = input.layers.reduce((total, layer, l) => total + layer.q[choice[l]!]!, 0)
    if (best === undefined || objective < best.objective) best = { choice, objective }
  }
  if (!pairs || best === undefined) return best
  const choice = Int32Array.from(best.choice)
  improveByPairs(input, choice)
  return { choice, objective: input.layers.reduce((total, layer, l) => total + layer.q[choice[l]!]!, 0) }
}
