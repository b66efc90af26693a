/**
 * One layer of the dynamic program with two or more dimensions: the previous
 * states, shifted by each option of the layer's menu, are merged in one pass
 * with a binary heap over the options (ordered by dimension 0, then
 * objective), so every candidate is offered to the dominance filter once and
 * only survivors are stored. Each option's cursor skips candidates that break
 * a bound, that states already kept dominate, or whose completion bound
 * cannot beat the known solution.
 */
import { completionBound, lagrangianBound, type Envelope } from './completion-bound.ts'
import type { DpLayer } from './dp-input.ts'
import type { DominanceFilter } from './dominance.ts'
import { sameCostGap } from './merge-one-dimension.ts'
import { forgetSafeDimensions, type SlackClamp } from './slack-clamp.ts'
import { pushState, type StateSet } from './state-set.ts'

export interface LayerLimits {
  /** Per dimension, the largest sum after this layer that the cheapest remaining layers still fit. */
  readonly caps: Float64Array
  /** Per dimension, the sum after this layer at or below which no completion can break the bound (−∞: never). */
  readonly clampAt: Float64Array
  /** Whether dimension 0 is unbounded, so that states whose sums there differ only by rounding may merge (see `sameCostGap`). */
  readonly nearCosts?: boolean
  /** Completion bound and the objective it must stay below; absent: no pruning by bound. */
  readonly pruning?: { readonly envelope: Envelope; readonly next: number; readonly threshold: number }
  /** Reduced-cost tables that let a state forget a dimension no completion below the threshold can break. */
  readonly forgetting?: SlackClamp
}

/** The run of dimension-0 values that the next kept state may join (see `dropDominatedNearKey`). */
interface NearKeyRun {
  /** The first dimension-0 value of the run (−∞ before any state). */
  anchor: number
  /** No kept state from the run's first on has an objective above this. */
  highestQ: number
}

/**
 * Different sums can round to the same dimension-0 value (or, with `gap`,
 * to values within `gap` of each other, relative), and a state offered later
 * there may dominate states kept before it in every other dimension and the
 * objective; those are removed. Only states from the run's anchor on, the
 * first dimension-0 value of the current run, are candidates, so a merge
 * never moves a cost by more than the gap. States arrive in ascending order
 * of objective within a dimension-0 value, so the run's highest objective is
 * usually below the new state's, and then none of the run can be dominated
 * and it is not scanned: on the top-k alternatives of Nemotron-H-56B, where
 * thousands of states share a runtime, the scan had been a fifth of the time.
 * Updates `run` for the state, which the caller then keeps.
 */
function dropDominatedNearKey(out: StateSet, keys: Float64Array, q: number, run: NearKeyRun, gap: number): void {
  const k0 = out.keys[0]!
  const key = keys[0]!
  const runStart = key - run.anchor <= gap * Math.abs(key) ? run.anchor : key
  if (runStart === run.anchor && run.highestQ < q) {
    run.highestQ = q
    return
  }
  let from = out.size
  while (from > 0 && k0[from - 1]! >= runStart) from--
  let n = from
  let highestQ = q
  for (let i = from; i < out.size; i++) {
    let dominated = out.q[i]! >= q
    for (let d = 1; d < keys.length && dominated; d++) dominated = out.keys[d]![i]! >= keys[d]!
    if (dominated) continue
    for (const k of out.keys) k[n] = k[i]!
    out.q[n] = out.q[i]!
    out.parent[n] = out.parent[i]!
    out.option[n] = out.option[i]!
    highestQ = Math.max(highestQ, out.q[i]!)
    n++
  }
  out.size = n
  run.anchor = runStart
  run.highestQ = highestQ
}

export function expandLayerByHeap(layer: DpLayer, previous: StateSet, out: StateSet, limits: LayerLimits, filter: DominanceFilter): void {
  const D = limits.caps.length
  const { caps, clampAt, pruning, forgetting } = limits
  const menu = layer.menu
  const m = menu.length
  const cursor = new Int32Array(m)
  // Per menu option, how many states had been admitted when its current candidate passed `filter.covers`.
  const checkedAt = new Float64Array(m)
  let admitted = 0
  const keys = new Float64Array(m * D)
  const q = new Float64Array(m)
  const heap = new Int32Array(m)
  const probe = new Float64Array(D)
  let heapSize = 0

  // Moves option slot s to its next surviving candidate; false when it has none left.
  const advance = (s: number): boolean => {
    const option = menu[s]!
    const q0 = layer.q[option]!
    for (let j = cursor[s]!; j < previous.size; j++) {
      const k0 = previous.keys[0]![j]! + layer.a[0]![option]!
      if (k0 > caps[0]!) break
      probe[0] = k0
      let fits = true
      for (let d = 1; d < D && fits; d++) {
        let k = previous.keys[d]![j]! + layer.a[d]![option]!
        if (k > caps[d]!) fits = false
        else if (k <= clampAt[d]!) k = -Infinity
        probe[d] = k
      }
      if (!fits) continue
      const value = previous.q[j]! + q0
      if (forgetting !== undefined && pruning !== undefined) forgetSafeDimensions(forgetting, pruning.next, probe, value, pruning.threshold)
      // The cheap bound first: on Llama-3.1-405B at TP 8 it drops three candidates in five before the dominance query.
      if (pruning !== undefined && value + lagrangianBound(pruning.envelope, pruning.next, probe) >= pruning.threshold) continue
      if (filter.covers(probe, value, out)) continue
      if (pruning !== undefined && value + completionBound(pruning.envelope, pruning.next, probe) >= pruning.threshold) continue
      cursor[s] = j
      checkedAt[s] = admitted
      keys.set(probe, s * D)
      q[s] = value
      return true
    }
    cursor[s] = previous.size
    return false
  }
  const before = (s: number, t: number) => keys[s * D]! < keys[t * D]! || (keys[s * D]! === keys[t * D]! && q[s]! < q[t]!)
  const siftDown = (from: number) => {
    let i = from
    for (;;) {
      const left = 2 * i + 1
      if (left >= heapSize) return
      const right = left + 1
      const child = right < heapSize && before(heap[right]!, heap[left]!) ? right : left
      if (!before(heap[child]!, heap[i]!)) return
      const swap = heap[i]!
      heap[i] = heap[child]!
      heap[child] = swap
      i = child
    }
  }

  const gap = limits.nearCosts === true ? sameCostGap : 0
  const run: NearKeyRun = { anchor: -Infinity, highestQ: -Infinity }
  out.size = 0
  if (D >= 3) {
    // Dimension 2's finite values this layer lie between the least finite previous sum plus the least coefficient, and the cap.
    let least = Infinity
    for (let j = 0; j < previous.size; j++) {
      const k = previous.keys[2]![j]!
      if (k !== -Infinity && k < least) least = k
    }
    let step = Infinity
    for (const k of menu) step = Math.min(step, layer.a[2]![k]!)
    filter.reset(Number.isFinite(least + step) ? least + step : 0, caps[2]!)
  } else filter.reset()
  for (let s = 0; s < m; s++) if (advance(s)) heap[heapSize++] = s
  for (let i = (heapSize >> 1) - 1; i >= 0; i--) siftDown(i)
  while (heapSize > 0) {
    const s = heap[0]!
    for (let d = 0; d < D; d++) probe[d] = keys[s * D + d]!
    // A state that no kept state covered when `advance` found it is still uncovered if none was admitted since.
    if (filter.admits(probe, q[s]!, out, checkedAt[s] === admitted)) {
      admitted++
      dropDominatedNearKey(out, probe, q[s]!, run, gap)
      pushState(out, probe, q[s]!, cursor[s]!, menu[s]!)
    }
    cursor[s]! += 1
    if (!advance(s)) heap[0] = heap[--heapSize]!
    siftDown(0)
  }
}
