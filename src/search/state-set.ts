/**
 * A growable list of dynamic-program states in struct-of-arrays form: per
 * state its sum in each dimension, its objective, the state it extends in
 * the previous layer and the option it adds. Typed arrays keep millions of
 * states compact and the inner loop free of allocation.
 */
export interface StateSet {
  keys: Float64Array[]
  q: Float64Array
  parent: Int32Array
  option: Int32Array
  size: number
}

export function emptyStates(dimensions: number, capacity = 1024): StateSet {
  return {
    keys: Array.from({ length: dimensions }, () => new Float64Array(capacity)),
    q: new Float64Array(capacity),
    parent: new Int32Array(capacity),
    option: new Int32Array(capacity),
    size: 0,
  }
}

function grow(set: StateSet): void {
  const capacity = set.q.length * 2
  const widen = <T extends Float64Array | Int32Array>(array: T, make: (n: number) => T): T => {
    const wider = make(capacity)
    wider.set(array)
    return wider
  }
  set.keys = set.keys.map((k) => widen(k, (n) => new Float64Array(n)))
  set.q = widen(set.q, (n) => new Float64Array(n))
  set.parent = widen(set.parent, (n) => new Int32Array(n))
  set.option = widen(set.option, (n) => new Int32Array(n))
}

/** Appends a state whose dimension sums are `keys`; returns its index. */
export function pushState(set: StateSet, keys: Float64Array, q: number, parent: number, option: number): number {
  if (set.size === set.q.length) grow(set)
  const i = set.size++
  for (let d = 0; d < keys.length; d++) set.keys[d]![i] = keys[d]!
  set.q[i] = q
  set.parent[i] = parent
  set.option[i] = option
  return i
}
