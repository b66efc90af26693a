/**
 * Dominance tests for states offered in ascending order of dimension 0: a
 * state is dropped when an already kept state is no worse in every other
 * dimension and in the objective. Because of the order, dimension 0 never
 * needs checking. One dimension needs only the best objective so far; two use
 * a staircase (Kung, Luccio and Preparata, "On finding the maxima of a set of
 * vectors", JACM 22(4), 1975); more scan the kept states.
 */
import type { StateSet } from './state-set.ts'

export interface DominanceFilter {
  /** Forgets everything offered so far. */
  readonly reset: () => void
  /** True when no state kept so far (those in `kept`, offered in order) dominates (keys, q); remembers it if so. */
  readonly admits: (keys: Float64Array, q: number, kept: StateSet) => boolean
}

function bestSoFar(): DominanceFilter {
  let best = Infinity
  return {
    reset: () => {
      best = Infinity
    },
    admits: (_keys, q) => {
      if (q >= best) return false
      best = q
      return true
    },
  }
}

/** Points (k1, q) with k1 ascending and q strictly descending: the minima of everything kept. */
function staircase(): DominanceFilter {
  const k1: number[] = []
  const qs: number[] = []
  return {
    reset: () => {
      k1.length = 0
      qs.length = 0
    },
    admits: (keys, q) => {
      const key = keys[1]!
      // The last step with k1 ≤ key holds the smallest q among those.
      let lo = 0
      let hi = k1.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (k1[mid]! <= key) lo = mid + 1
        else hi = mid
      }
      if (lo > 0 && qs[lo - 1]! <= q) return false
      let end = lo
      while (end < k1.length && qs[end]! >= q) end++
      k1.splice(lo, end - lo, key)
      qs.splice(lo, end - lo, q)
      return true
    },
  }
}

function scan(): DominanceFilter {
  return {
    reset: () => {},
    admits: (keys, q, kept) => {
      const D = keys.length
      for (let i = 0; i < kept.size; i++) {
        if (kept.q[i]! > q) continue
        let dominated = true
        for (let d = 1; d < D && dominated; d++) dominated = kept.keys[d]![i]! <= keys[d]!
        if (dominated) return false
      }
      return true
    },
  }
}

export function dominanceFilter(dimensions: number): DominanceFilter {
  if (dimensions <= 1) return bestSoFar()
  if (dimensions === 2) return staircase()
  return scan()
}
