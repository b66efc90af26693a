/**
 * Lower bounds on the best completion of a partial solution, used by the
 * dynamic program to drop states that cannot beat a known solution.
 *
 * Dimensions other than 0 are relaxed with Lagrange multipliers λ_d ≥ 0
 * (objective q + Σ λ_d a_d); dimension 0 is kept and relaxed to the linear
 * program of the multiple-choice knapsack, whose optimum as a function of the
 * remaining budget is the convex envelope built below (Sinha and Zoltners,
 * "The multiple-choice knapsack problem", Operations Research 27(3), 1979:
 * per layer the lower convex hull of (cost, value); the LP takes hull segments
 * in order of slope). For any λ ≥ 0 and any completion x meeting the rows,
 *   Σ q(x) ≥ Σ (q + λ·a)(x) − λ·(bound − used) ≥ F^λ(bound_0 − used_0) − λ·(bound − used),
 * so the bound is valid whatever λ is; a good λ only makes it tighter.
 */
import { buildCountBound, countCompletionBound, floorOf, pricedValues, withRoom, type CountBound } from './count-bound.ts'
import type { DpInput, DpLayer } from './dp-input.ts'

/** One step along a layer's hull: from vertex `from` to vertex `to` (option positions). */
interface Segment {
  readonly layer: number
  readonly to: number
  readonly da: number
  readonly dq: number
}

/** Per layer, the hull's first vertex and its steps, for objective q + λ·a over dimension 0. */
interface LayerHull {
  readonly start: number
  readonly segments: readonly Segment[]
}

function adjustedValue(layer: DpLayer, lambda: Float64Array, k: number): number {
  let v = layer.q[k]!
  for (let d = 1; d < layer.a.length; d++) {
    const l = lambda[d]!
    if (l !== 0) v += l * layer.a[d]![k]!
  }
  return v
}

/** The lower convex hull of a layer's menu in (a_0, q + λ·a), from its cheapest point down to its best one. */
function layerHull(layer: DpLayer, index: number, lambda: Float64Array): LayerHull {
  const a0 = layer.a[0]!
  const points: number[] = []
  for (const k of layer.menu) {
    const last = points[points.length - 1]
    if (last !== undefined && a0[last] === a0[k]) {
      if (adjustedValue(layer, lambda, k) < adjustedValue(layer, lambda, last)) points[points.length - 1] = k
      continue
    }
    points.push(k)
  }
  const hull: number[] = []
  for (const k of points) {
    while (hull.length >= 2) {
      const o = hull[hull.length - 2]!
      const m = hull[hull.length - 1]!
      const cross =
        (a0[m]! - a0[o]!) * (adjustedValue(layer, lambda, k) - adjustedValue(layer, lambda, o)) -
        (adjustedValue(layer, lambda, m) - adjustedValue(layer, lambda, o)) * (a0[k]! - a0[o]!)
      if (cross > 0) break
      hull.pop()
    }
    hull.push(k)
  }
  const segments: Segment[] = []
  for (let i = 1; i < hull.length; i++) {
    const from = hull[i - 1]!
    const to = hull[i]!
    const dq = adjustedValue(layer, lambda, to) - adjustedValue(layer, lambda, from)
    if (dq >= 0) break
    segments.push({ layer: index, to, da: a0[to]! - a0[from]!, dq })
  }
  return { start: hull[0]!, segments }
}

const bySlope = (x: Segment, y: Segment) => x.dq / x.da - y.dq / y.da

/**
 * F^λ for every suffix of layers: `startA[l]`/`startQ[l]` sum the hulls'
 * first vertices of layers l…L−1, and `cumA[l]`/`cumQ[l]` accumulate their
 * segments in slope order.
 */
export interface Envelope {
  readonly lambda: Float64Array
  readonly startA: Float64Array
  readonly startQ: Float64Array
  readonly cumA: readonly Float64Array[]
  readonly cumQ: readonly Float64Array[]
  /** λ-weighted largest remaining sums, used for dimensions a state no longer tracks. */
  readonly maxRest: readonly Float64Array[]
  readonly bounds: Float64Array
  /** The bound for counting rows (see count-bound.ts), when the problem has any. */
  readonly counts?: CountBound
  /** Fixed prices on every dimension and, per start layer, Σ min (q + prices·a) over the layers from there on. */
  readonly lagrangian?: { readonly prices: Float64Array; readonly floor: Float64Array }
}

/**
 * `prices` (optional, one per dimension, dimension 0's included) are those
 * of the count bound; without them it is left out.
 */
export function buildEnvelope(input: DpInput, lambda: Float64Array, prices?: Float64Array): Envelope {
  const L = input.layers.length
  const startA = new Float64Array(L + 1)
  const startQ = new Float64Array(L + 1)
  const cumA: Float64Array[] = []
  const cumQ: Float64Array[] = []
  let suffix: Segment[] = []
  cumA[L] = new Float64Array(1)
  cumQ[L] = new Float64Array(1)
  for (let l = L - 1; l >= 0; l--) {
    const layer = input.layers[l]!
    const hull = layerHull(layer, l, lambda)
    startA[l] = startA[l + 1]! + layer.a[0]![hull.start]!
    startQ[l] = startQ[l + 1]! + adjustedValue(layer, lambda, hull.start)
    suffix = mergeSorted(suffix, hull.segments)
    const ca = new Float64Array(suffix.length + 1)
    const cq = new Float64Array(suffix.length + 1)
    suffix.forEach((s, i) => {
      ca[i + 1] = ca[i]! + s.da
      cq[i + 1] = cq[i]! + s.dq
    })
    cumA[l] = ca
    cumQ[l] = cq
  }
  const counts = prices === undefined ? undefined : buildCountBound(input, prices)
  // The count bound's floor is the same sum at the same prices.
  const lagrangian = prices === undefined ? undefined : { prices, floor: counts?.floor ?? floorOf(pricedValues(input, prices)) }
  return { lambda, startA, startQ, cumA, cumQ, maxRest: input.maxRest, bounds: input.bounds, ...(counts === undefined ? {} : { counts }), ...(lagrangian === undefined ? {} : { lagrangian }) }
}

/**
 * A bound no greater than `completionBound` for a state that fits dimension 0's cap, in a few multiplications:
 * the prices of every dimension fixed, dimension 0's included, where `completionBound` solves its LP (any
 * nonnegative price gives a lower bound on that LP, by weak duality), and without the count bound. The dynamic
 * program tries it first, to drop a candidate before the dominance query.
 */
export function lagrangianBound(env: Envelope, next: number, keys: Float64Array): number {
  const lagrangian = env.lagrangian
  return lagrangian === undefined ? -Infinity : withRoom(lagrangian.floor[next]!, 0, lagrangian.prices, env, next, keys)
}

function mergeSorted(a: readonly Segment[], b: readonly Segment[]): Segment[] {
  const out: Segment[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && bySlope(a[i]!, b[j]!) <= 0)) out.push(a[i++]!)
    else out.push(b[j++]!)
  }
  return out
}

/** The LP optimum of layers `next`… with `room` left in dimension 0, objective q + λ·a. */
function envelopeAt(env: Envelope, next: number, room: number): number {
  const r = room - env.startA[next]!
  const ca = env.cumA[next]!
  const cq = env.cumQ[next]!
  const base = env.startQ[next]!
  // Below the cheapest completion no completion exists; any finite value is a valid bound there.
  if (!(r > 0)) return base
  const last = ca.length - 1
  if (r >= ca[last]!) return base + cq[last]!
  let lo = 0
  let hi = last
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (ca[mid]! <= r) lo = mid
    else hi = mid
  }
  return base + cq[lo]! + ((r - ca[lo]!) * (cq[hi]! - cq[lo]!)) / (ca[hi]! - ca[lo]!)
}

/**
 * A lower bound on the objective of layers `next`… for a state whose
 * dimension sums are `keys` (−∞ for a dimension the state no longer tracks).
 */
export function completionBound(env: Envelope, next: number, keys: Float64Array): number {
  let bound = envelopeAt(env, next, env.bounds[0]! - keys[0]!)
  for (let d = 1; d < keys.length; d++) {
    const l = env.lambda[d]!
    if (l === 0) continue
    const k = keys[d]!
    bound -= l * (k === -Infinity ? env.maxRest[d]![next]! : env.bounds[d]! - k)
  }
  return env.counts === undefined ? bound : Math.max(bound, countCompletionBound(env.counts, next, keys))
}

/** The LP relaxation at λ over all layers: its value, its use of each dimension, and an integral rounding. */
interface Relaxation {
  readonly value: number
  /** The LP's dual price of dimension 0: minus the slope of the hull segment where its budget runs out (0 when it does not). */
  readonly mu: number
  readonly used: Float64Array
  /** Per layer an option position: the LP solution with its one fractional layer rounded to the cheaper vertex. */
  readonly rounded: Int32Array
}

/** Scratch space for `relax`, sized once per problem: it runs hundreds of times per solve. */
interface RelaxScratch {
  readonly value: Float64Array
  readonly hull: Int32Array
  readonly slope: Float64Array
  readonly segLayer: Int32Array
  readonly segFrom: Int32Array
  readonly segTo: Int32Array
  /** Per layer, where its segments start in the arrays above (one more entry for the end). */
  readonly runStart: Int32Array
  /** The layers whose next segment is still to be taken, as a binary heap on that segment's slope. */
  readonly heap: Int32Array
  /** Per layer, its next segment. */
  readonly cursor: Int32Array
}

const scratchCache = new WeakMap<DpInput, RelaxScratch>()

function scratchFor(input: DpInput): RelaxScratch {
  let scratch = scratchCache.get(input)
  if (scratch === undefined) {
    let widest = 1
    let total = 1
    for (const layer of input.layers) {
      widest = Math.max(widest, layer.menu.length)
      total += layer.menu.length
    }
    scratch = {
      value: new Float64Array(widest),
      hull: new Int32Array(widest),
      slope: new Float64Array(total),
      segLayer: new Int32Array(total),
      segFrom: new Int32Array(total),
      segTo: new Int32Array(total),
      runStart: new Int32Array(input.layers.length + 1),
      heap: new Int32Array(input.layers.length),
      cursor: new Int32Array(input.layers.length),
    }
    scratchCache.set(input, scratch)
  }
  return scratch
}

/**
 * The LP relaxation at λ: per layer the lower convex hull of the menu in
 * (a_0, q + λ·a) (the same hull as `layerHull`, in typed scratch arrays), its
 * falling segments taken in order of slope until dimension 0's bound is used up.
 * A hull's slopes rise along it, so the segments are merged from the layers'
 * runs through a heap, and only as far as the bound lasts, instead of sorting
 * them all (the sort had been two fifths of the relaxation's time); equal
 * slopes go in layer order, as a stable sort would take them.
 */
function relax(input: DpInput, lambda: Float64Array): Relaxation {
  const L = input.layers.length
  const D = input.bounds.length
  const rounded = new Int32Array(L)
  const { value, hull, slope, segLayer, segFrom, segTo, runStart, heap, cursor } = scratchFor(input)
  let segments = 0
  for (let l = 0; l < L; l++) {
    runStart[l] = segments
    const layer = input.layers[l]!
    const menu = layer.menu
    const a0 = layer.a[0]!
    const m = menu.length
    for (let i = 0; i < m; i++) {
      const k = menu[i]!
      let v = layer.q[k]!
      for (let d = 1; d < D; d++) {
        const p = lambda[d]!
        if (p !== 0) v += p * layer.a[d]![k]!
      }
      value[i] = v
    }
    // Monotone chain over menu positions (sorted by a_0); equal a_0 keeps the lower value.
    let h = 0
    for (let i = 0; i < m; i++) {
      const x = a0[menu[i]!]!
      const y = value[i]!
      if (h > 0 && a0[menu[hull[h - 1]!]!] === x) {
        if (y < value[hull[h - 1]!]!) h--
        else continue
      }
      while (h >= 2) {
        const o = hull[h - 2]!
        const c = hull[h - 1]!
        const ox = a0[menu[o]!]!
        const oy = value[o]!
        const cross = (a0[menu[c]!]! - ox) * (y - oy) - (value[c]! - oy) * (x - ox)
        if (cross > 0) break
        h--
      }
      hull[h++] = i
    }
    rounded[l] = menu[hull[0]!]!
    for (let j = 1; j < h; j++) {
      const from = hull[j - 1]!
      const to = hull[j]!
      const dq = value[to]! - value[from]!
      if (dq >= 0) break
      slope[segments] = dq / (a0[menu[to]!]! - a0[menu[from]!]!)
      segLayer[segments] = l
      segFrom[segments] = menu[from]!
      segTo[segments] = menu[to]!
      segments++
    }
    // Rounding can leave two neighbouring slopes of a hull out of order; a stable insertion sort restores the run.
    for (let j = runStart[l]! + 1; j < segments; j++) {
      let at = j
      while (at > runStart[l]! && slope[at - 1]! > slope[at]!) {
        swapSegments(slope, segLayer, segFrom, segTo, at - 1, at)
        at--
      }
    }
  }
  runStart[L] = segments
  const used = new Float64Array(D)
  let total = 0
  for (let l = 0; l < L; l++) {
    const layer = input.layers[l]!
    const k = rounded[l]!
    let v = layer.q[k]!
    for (let d = 1; d < D; d++) v += lambda[d]! * layer.a[d]![k]!
    total += v
    for (let d = 0; d < D; d++) used[d]! += layer.a[d]![k]!
  }
  let size = 0
  for (let l = 0; l < L; l++) {
    cursor[l] = runStart[l]!
    if (runStart[l]! < runStart[l + 1]!) heap[size++] = l
  }
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDownSegments(heap, size, cursor, slope, i)
  let room = input.bounds[0]! - used[0]!
  // The segment at which dimension 0's bound runs out; its slope is dimension 0's price.
  let critical = -1
  while (size > 0) {
    const top = heap[0]!
    const s = cursor[top]!
    if (room <= 0) {
      critical = s
      break
    }
    const layer = input.layers[segLayer[s]!]!
    const from = segFrom[s]!
    const to = segTo[s]!
    const da = layer.a[0]![to]! - layer.a[0]![from]!
    const share = Math.min(1, room / da)
    total += share * slope[s]! * da
    for (let d = 0; d < D; d++) used[d]! += share * (layer.a[d]![to]! - layer.a[d]![from]!)
    room -= share * da
    if (share < 1) {
      critical = s
      break
    }
    rounded[segLayer[s]!] = to
    cursor[top] = s + 1
    // A layer whose segments are all taken leaves the heap. Branch-free: the branch seldom ran, and an operation V8
    // has not seen run deoptimises the relaxation each time it does (over a hundred times in one top-k search).
    const exhausted = Number(s + 1 === runStart[top + 1]!)
    size -= exhausted
    heap[0] = heap[exhausted * size]!
    siftDownSegments(heap, size, cursor, slope, 0)
  }
  const mu = critical < 0 ? 0 : -slope[critical]!
  let dual = total
  for (let d = 1; d < D; d++) dual -= lambda[d]! * input.bounds[d]!
  return { value: dual, mu, used, rounded }
}

/**
 * Segment s comes before t when its slope is lower, or equal and s is earlier (its layer, or its place in the hull).
 * Both comparisons always run (bitwise, not short-circuit): equal slopes are rare, and a comparison V8 had never seen
 * run deoptimised the whole relaxation each time one turned up.
 */
function segmentBefore(slope: Float64Array, s: number, t: number): boolean {
  const x = slope[s]!
  const y = slope[t]!
  return (Number(x < y) | (Number(x === y) & Number(s < t))) !== 0
}

/** Restores the heap of layers (ordered by their next segment, `cursor`) below position `from`. */
function siftDownSegments(heap: Int32Array, size: number, cursor: Int32Array, slope: Float64Array, from: number): void {
  let i = from
  for (;;) {
    const left = 2 * i + 1
    if (left >= size) return
    const right = left + 1
    const child = right < size && segmentBefore(slope, cursor[heap[right]!]!, cursor[heap[left]!]!) ? right : left
    if (!segmentBefore(slope, cursor[heap[child]!]!, cursor[heap[i]!]!)) return
    const swap = heap[i]!
    heap[i] = heap[child]!
    heap[child] = swap
    i = child
  }
}

function swapSegments(slope: Float64Array, layer: Int32Array, from: Int32Array, to: Int32Array, i: number, j: number): void {
  for (const a of [slope, layer, from, to]) {
    const t = a[i]!
    a[i] = a[j]!
    a[j] = t
  }
}

/** What the multiplier search yields: multipliers for the bounds and integral starting points for a heuristic. */
export interface Multipliers {
  /** λ_d for dimensions d ≥ 1 (λ_0 is 0: dimension 0 stays in the LP). */
  readonly lambda: Float64Array
  /** The LP's dual price of dimension 0 at `lambda`. */
  readonly mu: number
  /** The Lagrangian dual value at `lambda`: a lower bound on the optimum. */
  readonly bound: number
  readonly roundings: readonly Int32Array[]
}

/** Bisection steps per multiplier; 24 halvings leave it within 1e-7 of its bracket, far tighter than the bound needs. */
const bisectionSteps = 24

/** Rounds of coordinate ascent over the multipliers; the bound is valid after any number, the second round mostly settles interactions. */
const ascentRounds = 2

/** A starting scale for λ_d: the spread of objective values per unit spread of dimension d. */
function multiplierScale(input: DpInput, d: number): number {
  let qRange = 0
  let aRange = 0
  for (const layer of input.layers) {
    let qLow = Infinity
    let qHigh = -Infinity
    let aLow = Infinity
    let aHigh = -Infinity
    for (const k of layer.menu) {
      qLow = Math.min(qLow, layer.q[k]!)
      qHigh = Math.max(qHigh, layer.q[k]!)
      aLow = Math.min(aLow, layer.a[d]![k]!)
      aHigh = Math.max(aHigh, layer.a[d]![k]!)
    }
    qRange += qHigh - qLow
    aRange += aHigh - aLow
  }
  return aRange > 0 ? Math.max(qRange, Number.MIN_VALUE) / aRange : 1
}

/**
 * Chooses λ_d for every dimension d ≥ 1 with a finite bound by coordinate
 * ascent on the Lagrangian dual: each λ_d in turn is set by bisection on the
 * sign of the relaxation's subgradient (how far the LP overuses dimension d)
 * while the others stay fixed. λ_0 is unused (dimension 0 stays in the LP).
 */
export function chooseMultipliers(input: DpInput): Multipliers {
  const D = input.bounds.length
  const lambda = new Float64Array(D)
  const roundings: Int32Array[] = [relax(input, lambda).rounded]
  const dims = Array.from({ length: D }, (_, d) => d).filter((d) => d > 0 && Number.isFinite(input.bounds[d]!))
  for (let round = 0; round < ascentRounds; round++) for (const d of dims) roundings.push(...ascendCoordinate(input, lambda, d))
  const final = relax(input, lambda)
  const ascent = { lambda, mu: final.mu, bound: final.value, roundings }
  return dims.length === 2 ? pairSearch(input, dims[0]!, dims[1]!, ascent) : ascent
}

/**
 * One step of the coordinate ascent: sets `lambda[d]` (the others fixed) by
 * bisection on the sign of the relaxation's excess in dimension d, to
 * whichever end of the final bracket gives the larger bound. Returns the
 * roundings at both ends (none when the row has no excess at λ_d = 0).
 */
function ascendCoordinate(input: DpInput, lambda: Float64Array, d: number, enough?: (value: number) => boolean): Int32Array[] {
  let done = false
  const at = (value: number) => {
    lambda[d] = value
    const r = relax(input, lambda)
    if (enough !== undefined && enough(r.value)) done = true
    return { excess: r.used[d]! - input.bounds[d]!, relaxation: r }
  }
  if (at(0).excess <= 0 || done) return []
  let lo = 0
  let hi = multiplierScale(input, d)
  for (let i = 0; i < 60 && at(hi).excess > 0 && !done; i++) {
    lo = hi
    hi *= 4
  }
  if (done) return []
  for (let i = 0; i < bisectionSteps && !done; i++) {
    const mid = (lo + hi) / 2
    if (at(mid).excess > 0) lo = mid
    else hi = mid
  }
  if (done) return []
  const low = at(lo).relaxation
  const high = at(hi).relaxation
  lambda[d] = low.value >= high.value ? lo : hi
  return [low.rounded, high.rounded]
}

/**
 * The Lagrangian bound of `input` at multipliers `lambda` with only dimension
 * d's chosen afresh (one step of the ascent): a valid lower bound, far
 * cheaper than `chooseMultipliers` when the other multipliers are known to be
 * good (those of the same problem without row d). With `target`, the search
 * stops at the first multiplier whose bound passes it (all a caller asking
 * "can anything here beat the target?" needs), and that bound is returned.
 */
export function boundRaisingOne(input: DpInput, lambda: Float64Array, d: number, target = Infinity): number {
  const prices = Float64Array.from(lambda)
  // The multiplier may have grown by many powers of four, and λ·(a − bound) then cancels in floating point: the
  // bound gives up a margin far above that rounding, so that it never passes the true dual value.
  const safe = (value: number) => {
    let magnitude = Math.abs(value)
    for (let e = 1; e < prices.length; e++) if (prices[e] !== 0) magnitude += prices[e]! * (Math.abs(input.bounds[e]!) + Math.abs(input.maxRest[e]![0]!) + Math.abs(input.minRest[e]![0]!))
    return value - 1e-9 * magnitude
  }
  ascendCoordinate(input, prices, d, (value) => safe(value) > target)
  return safe(relax(input, prices).value)
}

/**
 * With exactly two priced dimensions, the dual is a concave function of
 * (λ_a, λ_b), and coordinate ascent stops at its kinks, where the two rows
 * trade off (the 70B `--params 50` plans lost up to 0.6% of the LP bound
 * there, enough to search a plan that the LP alone settles). Nested
 * bisection finds the maximum: the outer one on λ_a, each of its points
 * maximised over λ_b by an inner bisection, both on the sign of the row's
 * excess. The best point evaluated is kept, so the result is never worse
 * than `start`.
 */
function pairSearch(input: DpInput, a: number, b: number, start: Multipliers): Multipliers {
  const lambda = new Float64Array(input.bounds.length)
  let best = start
  const roundings = [...start.roundings]
  const evaluate = () => {
    const r = relax(input, lambda)
    if (r.value > best.bound) best = { lambda: Float64Array.from(lambda), mu: r.mu, bound: r.value, roundings }
    return r
  }
  // The largest value of λ_d worth trying: past it the row has no excess left.
  const ceilingOf = (d: number) => {
    let hi = multiplierScale(input, d)
    for (let i = 0; i < 60; i++) {
      lambda[d] = hi
      if (evaluate().used[d]! <= input.bounds[d]!) break
      hi *= 4
    }
    return hi
  }
  const inner = (value: number) => {
    lambda[a] = value
    lambda[b] = 0
    let r = evaluate()
    if (r.used[b]! <= input.bounds[b]!) return r
    let lo = 0
    let hi = ceilingOf(b)
    for (let i = 0; i < bisectionSteps; i++) {
      lambda[b] = (lo + hi) / 2
      r = evaluate()
      if (r.used[b]! > input.bounds[b]!) lo = lambda[b]!
      else hi = lambda[b]!
    }
    return r
  }
  if (inner(0).used[a]! <= input.bounds[a]!) return best
  let lo = 0
  let hi = multiplierScale(input, a)
  for (let i = 0; i < 60 && inner(hi).used[a]! > input.bounds[a]!; i++) {
    lo = hi
    hi *= 4
  }
  for (let i = 0; i < bisectionSteps; i++) {
    const mid = (lo + hi) / 2
    const r = inner(mid)
    if (i % 6 === 0) roundings.push(r.rounded)
    if (r.used[a]! > input.bounds[a]!) lo = mid
    else hi = mid
  }
  return best
}

/** Subgradient steps after coordinate ascent; each is one relaxation (tens of microseconds here). */
const subgradientSteps = 150

/**
 * Coordinate ascent stalls at a kink of the dual when two dimensions bind
 * together (a parameter cap and a runtime budget both shrink the same
 * blocks): raising either multiplier alone lowers the bound. Projected
 * subgradient steps with Polyak's step length towards a known solution's
 * objective move all multipliers at once; the best point seen is kept, so the
 * bound never gets worse than `start`'s.
 */
export function refineMultipliers(input: DpInput, start: Multipliers, upperBound: number): Multipliers {
  const D = input.bounds.length
  const dims = Array.from({ length: D }, (_, d) => d).filter((d) => d > 0 && Number.isFinite(input.bounds[d]!))
  if (dims.length < 2 || !Number.isFinite(upperBound)) return start
  const spread = Float64Array.from(input.bounds, (_, d) => input.maxRest[d]![0]! - input.minRest[d]![0]! || 1)
  const lambda = Float64Array.from(start.lambda)
  let best = { ...start, lambda: Float64Array.from(start.lambda) }
  let theta = 1
  let stale = 0
  const roundings = [...start.roundings]
  for (let step = 0; step < subgradientSteps; step++) {
    const r = relax(input, lambda)
    if (r.value > best.bound) {
      best = { lambda: Float64Array.from(lambda), mu: r.mu, bound: r.value, roundings }
      stale = 0
    } else if (++stale >= 5) {
      theta /= 2
      stale = 0
    }
    if (upperBound - best.bound <= 1e-9 * Math.abs(upperBound)) break
    let norm = 0
    const g = new Float64Array(D)
    for (const d of dims) {
      g[d] = (r.used[d]! - input.bounds[d]!) / spread[d]!
      if (lambda[d] === 0 && g[d]! < 0) g[d] = 0
      norm += g[d]! ** 2
    }
    if (norm === 0) break
    const length = (theta * (upperBound - r.value)) / norm
    for (const d of dims) lambda[d] = Math.max(0, lambda[d]! + (length * g[d]!) / spread[d]!)
    if (step % 10 === 0) roundings.push(r.rounded)
  }
  return best
}
