/**
 * The sparse dynamic program over nondominated partial solutions
 * (Nemhauser and Ullmann, "Discrete dynamic programming and capital
 * allocation", Management Science 15(9), 1969). After layer l the state set
 * holds, for the first l + 1 layers, every choice not dominated in (sums per
 * dimension, objective), so the best feasible completion of any optimal
 * solution is always reachable. Costs stay real numbers; nothing is
 * discretised. Per layer the previous states (sorted by dimension 0),
 * shifted by each option of the layer's menu, are merged into the new set
 * (with one dimension as staircases folded in one option at a time, with more
 * in one pass over a heap of options), dropping on the way states that
 *  - cannot fit a bound even with the cheapest remaining layers,
 *  - cannot beat a known solution (when a completion bound is given),
 *  - are dominated by a state already kept.
 * A dimension that no completion can break any more is forgotten (set to −∞),
 * so states differing only there merge. With one unbounded dimension (a
 * frontier's cost), states whose costs differ only by rounding merge too.
 */
import { completionBound, type Envelope } from './completion-bound.ts'
import type { DpInput, DpLayer } from './dp-input.ts'
import { hasCountTail } from './layer-order.ts'
import { dominanceFilter } from './dominance.ts'
import { expandLayerByHeap, type LayerLimits } from './merge-many-dimensions.ts'
import { mergeNearTies, mergeStaircases } from './merge-one-dimension.ts'
import { buildSlackClamp } from './slack-clamp.ts'
import { emptyStates, pushState, type StateSet } from './state-set.ts'

export interface DpOptions {
  /** Bound on the completion of a state; with `upperBound`, drops states that cannot improve on it. */
  readonly envelope?: Envelope
  /** Objective of a known feasible solution; states whose bound reaches it are dropped. Infinity when none is known. */
  readonly upperBound: number
  /**
   * The run gives up once the states kept over all layers exceed this. It
   * bounds both the time and the back-pointer memory (8 bytes per state).
   */
  readonly stateLimit: number
  /** Prices (one per dimension) for forgetting dimensions by reduced-cost slack (see slack-clamp.ts); used with `upperBound`. */
  readonly forgettingPrices?: Float64Array
  /**
   * States whose dimension-0 sum cannot reach this even with the costliest remaining layers are dropped after each
   * layer (a frontier that ends at a cost: its cheaper children are past the cut). Default −∞.
   */
  readonly floor?: number
}

/** The final states and, per layer, where each state came from. */
export interface DpRun {
  readonly final: StateSet
  /** Per layer, each state's index in the previous layer's states (−1 for layer 0). */
  readonly parents: readonly Int32Array[]
  /** Per layer, each state's option (a position in the compiled layer). */
  readonly options: readonly Int32Array[]
  /** States kept over all layers. */
  readonly totalStates: number
  /** The most states kept after one layer. */
  readonly peakStates: number
}

export type DpOutcome =
  | { readonly _tag: 'Done'; readonly run: DpRun }
  /** The state limit was passed at `layer`, with `states` kept so far. */
  | { readonly _tag: 'TooLarge'; readonly layer: number; readonly states: number }

/**
 * A pruned objective must reach the upper bound less this relative margin, so
 * that rounding in the bound's arithmetic never drops a state that would beat
 * the known solution by more than a rounding error.
 */
const pruneMargin = 1e-12

/** States whose bound reaches this cannot improve on a solution of objective `upperBound`. */
export function improvementThreshold(upperBound: number): number {
  return Number.isFinite(upperBound) ? upperBound - pruneMargin * Math.abs(upperBound) : upperBound
}

/** One layer with one dimension: the previous staircase shifted by each option, folded in one option at a time. */
function expandLayerByStaircases(layer: DpLayer, previous: StateSet, out: StateSet, scratch: StateSet, limits: LayerLimits): StateSet {
  const { pruning } = limits
  const probe = new Float64Array(1)
  const accept =
    pruning === undefined
      ? undefined
      : (key: number, q: number) => {
          probe[0] = key
          return q + completionBound(pruning.envelope, pruning.next, probe) < pruning.threshold
        }
  let merged = out
  let spare = scratch
  merged.size = 0
  for (const option of layer.menu) {
    mergeStaircases(merged, previous, spare, { a: layer.a[0]![option]!, q: layer.q[option]!, option, cap: limits.caps[0]! }, accept)
    const done = merged
    merged = spare
    spare = done
  }
  return merged
}

export function runParetoDp(input: DpInput, options: DpOptions): DpOutcome {
  const D = input.bounds.length
  const filter = dominanceFilter(D, hasCountTail(input))
  const threshold = improvementThreshold(options.upperBound)
  const envelope = Number.isFinite(options.upperBound) ? options.envelope : undefined
  const forgetting = D >= 2 && envelope !== undefined && options.forgettingPrices !== undefined ? buildSlackClamp(input, options.forgettingPrices) : undefined
  const caps = new Float64Array(D)
  const clampAt = new Float64Array(D)
  let previous = emptyStates(D, 1)
  const origin = new Float64Array(D)
  for (let d = 0; d < D; d++) origin[d] = input.clampable[d] && input.maxRest[d]![0]! <= input.bounds[d]! ? -Infinity : 0
  pushState(previous, origin, 0, -1, -1)
  let current = emptyStates(D)
  let scratch = emptyStates(D)
  const parents: Int32Array[] = []
  const chosen: Int32Array[] = []
  // Only an unbounded cost may move by a merge's few ulps: under a bound the dropped,
  // cheaper state could be the one whose completions still fit.
  const nearCosts = input.bounds[0] === Infinity
  let totalStates = 0
  let peakStates = 0

  for (let l = 0; l < input.layers.length; l++) {
    const next = l + 1
    for (let d = 0; d < D; d++) {
      caps[d] = input.bounds[d]! - input.minRest[d]![next]!
      clampAt[d] = input.clampable[d] ? input.bounds[d]! - input.maxRest[d]![next]! : -Infinity
    }
    const limits: LayerLimits = {
      caps,
      clampAt,
      nearCosts,
      ...(envelope === undefined ? {} : { pruning: { envelope, next, threshold } }),
      ...(forgetting === undefined ? {} : { forgetting }),
    }
    const layer = input.layers[l]!
    if (D === 1) {
      const result = expandLayerByStaircases(layer, previous, current, scratch, limits)
      if (result !== current) {
        scratch = current
        current = result
      }
      if (nearCosts) mergeNearTies(current)
    } else {
      expandLayerByHeap(layer, previous, current, limits, filter)
    }
    // A relative margin keeps states that reach the floor only up to rounding.
    if (options.floor !== undefined && options.floor > -Infinity) dropBelow(current, options.floor - input.maxRest[0]![next]! - floorMargin * Math.abs(options.floor))
    totalStates += current.size
    if (totalStates > options.stateLimit) return { _tag: 'TooLarge', layer: l, states: totalStates }
    parents.push(current.parent.slice(0, current.size))
    chosen.push(current.option.slice(0, current.size))
    peakStates = Math.max(peakStates, current.size)
    const done = previous
    previous = current
    current = done
  }
  return { _tag: 'Done', run: { final: previous, parents, options: chosen, totalStates, peakStates } }
}

/** Relative margin under a floor within which a state still counts as reaching it (sums in another order round apart). */
const floorMargin = 1e-9

/** Keeps, in order, only the states whose dimension-0 sum is at least `threshold`. */
function dropBelow(set: StateSet, threshold: number): void {
  const key = set.keys[0]!
  let kept = 0
  for (let i = 0; i < set.size; i++) {
    if (key[i]! < threshold) continue
    if (kept !== i) {
      for (const k of set.keys) k[kept] = k[i]!
      set.q[kept] = set.q[i]!
      set.parent[kept] = set.parent[i]!
      set.option[kept] = set.option[i]!
    }
    kept++
  }
  set.size = kept
}

/** Follows the back-pointers from final state `index` to the option position chosen in every layer. */
export function traceChoice(run: DpRun, index: number): Int32Array {
  const L = run.options.length
  const choice = new Int32Array(L)
  let state = index
  for (let l = L - 1; l >= 0; l--) {
    choice[l] = run.options[l]![state]!
    state = run.parents[l]![state]!
  }
  return choice
}
