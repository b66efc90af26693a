/**
 * The merge step of the dynamic program specialised to one dimension, where
 * a nondominated list is a staircase: sorted by cost with the objective
 * strictly falling. Merging the kept staircase with the previous staircase
 * shifted by one option keeps exactly the points below the best objective
 * seen so far. Both inputs fall in objective, so whole runs are accepted or
 * rejected at once: binary searches find where a run ends, and accepted runs
 * of the kept list are copied in bulk. This is what makes a whole exact
 * frontier of 80 layers take a fraction of a second.
 */
import { reserve, type StateSet } from './state-set.ts'

/**
 * First index in [from, to) where `holds` (false, then true along the index)
 * turns true; `to` if never. Runs between the two staircases are mostly a few
 * states long, so the search gallops from `from` before it bisects.
 */
function firstWhere(from: number, to: number, holds: (index: number) => boolean): number {
  let lo = from
  let step = 1
  while (lo + step - 1 < to && !holds(lo + step - 1)) {
    lo += step
    step *= 2
  }
  let hi = Math.min(to, lo + step - 1)
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (holds(mid)) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** First index in [from, to) whose value is < limit, for values falling along the index; `to` if none. */
function firstBelow(values: Float64Array, from: number, to: number, limit: number, offset: number): number {
  return firstWhere(from, to, (i) => values[i]! + offset < limit)
}

/** First index in [from, to) whose key is > limit (or ≥ when `inclusive` is false), for ascending keys; `to` if none. */
function firstAfter(keys: Float64Array, from: number, to: number, limit: number, inclusive: boolean): number {
  return inclusive ? firstWhere(from, to, (i) => keys[i]! > limit) : firstWhere(from, to, (i) => keys[i]! >= limit)
}

/** Below this many states a loop copies faster than typed-array views. */
const bulkCopy = 32

/**
 * Writes into `out` the staircase of `kept` ∪ (`previous` shifted by (`a`, `q`)),
 * one state per cost,
 * with previous states beyond `cap` (cost) left out; new states point to their
 * previous state and carry `option`. `accept` (optional) vets each new state.
 */
export function mergeStaircases(
  kept: StateSet,
  previous: StateSet,
  out: StateSet,
  shift: { readonly a: number; readonly q: number; readonly option: number; readonly cap: number },
  accept?: (key: number, q: number) => boolean,
): void {
  const keptKeys = kept.keys[0]!
  const keptQ = kept.q
  const prevKeys = previous.keys[0]!
  const prevQ = previous.q
  const { a, q: dq, option, cap } = shift
  const keptEnd = kept.size
  const prevEnd = firstAfter(prevKeys, 0, previous.size, cap - a, true)
  reserve(out, keptEnd + prevEnd)
  const outKeys = out.keys[0]!
  const outQ = out.q
  const outParent = out.parent
  const outOption = out.option
  let n = 0
  let best = Infinity
  let i = 0
  let j = 0
  while (i < keptEnd || j < prevEnd) {
    const candidateKey = j < prevEnd ? prevKeys[j]! + a : Infinity
    const candidateQ = j < prevEnd ? prevQ[j]! + dq : Infinity
    if (i < keptEnd && (keptKeys[i]! < candidateKey || (keptKeys[i]! === candidateKey && keptQ[i]! <= candidateQ))) {
      // The run of kept states before the candidate; its prefix at or above `best` is dominated.
      let end = firstAfter(keptKeys, i, keptEnd, candidateKey, false)
      while (end < keptEnd && keptKeys[end] === candidateKey && keptQ[end]! <= candidateQ) end++
      const start = firstBelow(keptQ, i, end, best, 0)
      if (start < end) {
        // A kept state at the cost of the last one written has a lower objective there, so it replaces it.
        if (n > 0 && outKeys[n - 1] === keptKeys[start]) n--
        const count = end - start
        if (count >= bulkCopy) {
          outKeys.set(keptKeys.subarray(start, end), n)
          outQ.set(keptQ.subarray(start, end), n)
          outParent.set(kept.parent.subarray(start, end), n)
          outOption.set(kept.option.subarray(start, end), n)
        } else {
          for (let t = 0; t < count; t++) {
            outKeys[n + t] = keptKeys[start + t]!
            outQ[n + t] = keptQ[start + t]!
            outParent[n + t] = kept.parent[start + t]!
            outOption[n + t] = kept.option[start + t]!
          }
        }
        n += count
        best = keptQ[end - 1]!
      }
      i = end
      continue
    }
    if (candidateQ >= best) {
      j = firstBelow(prevQ, j, prevEnd, best, dq)
      continue
    }
    if (accept === undefined || accept(candidateKey, candidateQ)) {
      // Different sums can round to the same cost; the later, lower objective replaces the earlier one there.
      if (n > 0 && outKeys[n - 1] === candidateKey) n--
      outKeys[n] = candidateKey
      outQ[n] = candidateQ
      outParent[n] = j
      outOption[n] = option
      n++
      best = candidateQ
    }
    j++
  }
  out.size = n
}

/**
 * Costs closer than this, relative to the cost, are one cost: the same blocks
 * summed in another order differ by a few units in the last place (about
 * 1e-16 relative each). Over even a few hundred layers the merges move a
 * final cost by far less than the budget tolerance (1e-9), within which the
 * frontier already counts costs as one.
 */
export const sameCostGap = 1e-13

/**
 * Collapses each run of states whose costs lie within `sameCostGap` of the
 * run's first cost into its last state (the lowest objective; its cost is at
 * most that gap above the others'), keeping the staircase's order.
 */
export function mergeNearTies(set: StateSet): void {
  const keys = set.keys[0]!
  let n = 0
  let anchor = -Infinity
  for (let i = 0; i < set.size; i++) {
    const key = keys[i]!
    if (n > 0 && key - anchor <= sameCostGap * Math.abs(key)) n--
    else anchor = key
    keys[n] = key
    set.q[n] = set.q[i]!
    set.parent[n] = set.parent[i]!
    set.option[n] = set.option[i]!
    n++
  }
  set.size = n
}
