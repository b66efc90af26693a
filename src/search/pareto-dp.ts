/**
 * The sparse dynamic program over nondominated partial solutions
 * (Nemhauser and Ullmann, "Discrete dynamic programming and capital
 * allocation", Management Science 15(9), 1969). After layer l the state set
 * holds, for the first l + 1 layers, every choice not dominated in (sums per
 * dimension, objective), so the best feasible completion of any optimal
 * solution is always reachable. Costs stay real numbers; nothing is
 * discretised. Per layer the previous states, shifted by each option of the
 * layer's menu (already sorted by dimension 0), are merged one option at a
 * time into the new set, dropping on the way states that
 *  - cannot fit a bound even with the cheapest remaining layers,
 *  - cannot beat a known solution (when a completion bound is given),
 *  - are dominated by a state already kept.
 * A dimension that no completion can break any more is forgotten (set to −∞),
 * so states differing only there merge.
 */
import { completionBound, type Envelope } from './completion-bound.ts'
import type { DpInput } from './dp-input.ts'
import { dominanceFilter, type DominanceFilter } from './dominance.ts'
import { mergeStaircases } from './merge-one-dimension.ts'
import { emptyStates, pushState, type StateSet } from './state-set.ts'

export interface DpOptions {
  /** Bound on the completion of a state; with `upperBound`, drops states that cannot improve on it. */
  readonly envelope?: Envelope
  /** Objective of a known feasible solution; states whose bound reaches it are dropped. Infinity when none is known. */
  readonly upperBound: number
  /** The run gives up when a layer keeps more states than this. */
  readonly stateLimit: number
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

interface MergeContext {
  readonly input: DpInput
  readonly options: DpOptions
  readonly filter: DominanceFilter
  readonly threshold: number
  /** Per dimension, the largest sum after this layer that the cheapest remaining layers still fit. */
  readonly caps: Float64Array
  /** Per dimension, the sum after this layer at or below which no completion can break the bound (−∞: never). */
  readonly clampAt: Float64Array
  readonly shift: Float64Array
  readonly candidate: Float64Array
  readonly carried: Float64Array
}

/** Writes into `out` the nondominated states of `kept` ∪ (`previous` shifted by `option` of layer `l`), any number of dimensions. */
function mergeShifted(context: MergeContext, kept: StateSet, previous: StateSet, out: StateSet, l: number, option: number): void {
  const { input, options, filter, threshold, caps, clampAt, shift, candidate, carried } = context
  const D = caps.length
  const layer = input.layers[l]!
  const next = l + 1
  const prune = options.envelope !== undefined && Number.isFinite(options.upperBound)
  for (let d = 0; d < D; d++) shift[d] = layer.a[d]![option]!
  const qShift = layer.q[option]!
  out.size = 0
  filter.reset()
  let i = 0
  let j = 0
  let candidateQ = 0
  // Moves j to the next previous state that survives the shift; false when none is left.
  const advance = (): boolean => {
    for (; j < previous.size; j++) {
      const k0 = previous.keys[0]![j]! + shift[0]!
      if (k0 > caps[0]!) {
        j = previous.size
        return false
      }
      candidate[0] = k0
      let fits = true
      for (let d = 1; d < D && fits; d++) {
        let k = previous.keys[d]![j]! + shift[d]!
        if (k > caps[d]!) fits = false
        else if (k <= clampAt[d]!) k = -Infinity
        candidate[d] = k
      }
      if (!fits) continue
      candidateQ = previous.q[j]! + qShift
      if (prune && candidateQ + completionBound(options.envelope!, next, candidate) >= threshold) continue
      return true
    }
    return false
  }
  let has = advance()
  while (i < kept.size || has) {
    const takeKept =
      i < kept.size && (!has || kept.keys[0]![i]! < candidate[0]! || (kept.keys[0]![i]! === candidate[0]! && kept.q[i]! <= candidateQ))
    if (takeKept) {
      for (let d = 0; d < D; d++) carried[d] = kept.keys[d]![i]!
      if (filter.admits(carried, kept.q[i]!, out)) pushState(out, carried, kept.q[i]!, kept.parent[i]!, kept.option[i]!)
      i++
    } else {
      if (filter.admits(candidate, candidateQ, out)) pushState(out, candidate, candidateQ, j, option)
      j++
      has = advance()
    }
  }
}

/** The same merge for one dimension, through the staircase fast path. */
function mergeShiftedOneDimension(context: MergeContext, kept: StateSet, previous: StateSet, out: StateSet, l: number, option: number): void {
  const { input, options, threshold, caps, candidate } = context
  const layer = input.layers[l]!
  const envelope = options.envelope
  const next = l + 1
  const accept =
    envelope !== undefined && Number.isFinite(options.upperBound)
      ? (key: number, q: number) => {
          candidate[0] = key
          return q + completionBound(envelope, next, candidate) < threshold
        }
      : undefined
  mergeStaircases(kept, previous, out, { a: layer.a[0]![option]!, q: layer.q[option]!, option, cap: caps[0]! }, accept)
}

export function runParetoDp(input: DpInput, options: DpOptions): DpOutcome {
  const D = input.bounds.length
  const context: MergeContext = {
    input,
    options,
    filter: dominanceFilter(D),
    threshold: improvementThreshold(options.upperBound),
    caps: new Float64Array(D),
    clampAt: new Float64Array(D),
    shift: new Float64Array(D),
    candidate: new Float64Array(D),
    carried: new Float64Array(D),
  }
  const merge = D === 1 ? mergeShiftedOneDimension : mergeShifted
  let previous = emptyStates(D, 1)
  const origin = new Float64Array(D)
  for (let d = 0; d < D; d++) origin[d] = input.clampable[d] && input.maxRest[d]![0]! <= input.bounds[d]! ? -Infinity : 0
  pushState(previous, origin, 0, -1, -1)
  let merged = emptyStates(D)
  let scratch = emptyStates(D)
  const parents: Int32Array[] = []
  const chosen: Int32Array[] = []
  let totalStates = 0
  let peakStates = 0

  for (let l = 0; l < input.layers.length; l++) {
    const next = l + 1
    for (let d = 0; d < D; d++) {
      context.caps[d] = input.bounds[d]! - input.minRest[d]![next]!
      context.clampAt[d] = input.clampable[d] ? input.bounds[d]! - input.maxRest[d]![next]! : -Infinity
    }
    merged.size = 0
    for (const option of input.layers[l]!.menu) {
      merge(context, merged, previous, scratch, l, option)
      const done = merged
      merged = scratch
      scratch = done
    }
    if (merged.size > options.stateLimit) return { _tag: 'TooLarge', layer: l, states: merged.size }
    parents.push(merged.parent.slice(0, merged.size))
    chosen.push(merged.option.slice(0, merged.size))
    totalStates += merged.size
    peakStates = Math.max(peakStates, merged.size)
    const done = previous
    previous = merged
    merged = done
  }
  return { _tag: 'Done', run: { final: previous, parents, options: chosen, totalStates, peakStates } }
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
