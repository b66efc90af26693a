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

/** Makes room for at least `capacity` states, keeping the first `set.size`. */
export function reserve(set: StateSet, capacity: number): void {
  if (set.q.length >= capacity) return
  let size = Math.max(1, set.q.length)
  while (size < capacity) size *= 2
  const widen = <T extends Float64Array | Int32Array>(array: T, wider: T): T => {
    wider.set(array.subarray(0, set.size))
    return wider
  }
  set.keys = set.keys.map((k) => widen(k, new Float64Array(size)))
  set.q = widen(set.q, new Float64Array(size))
  set.parent = widen(set.parent, new Int32Array(size))
  set.option = widen(set.option, new Int32Array(size))
}

/** Appends a state whose dimension sums are `keys`; returns its index. */
export function pushState(set: StateSet, keys: Float64Array, q: number, parent: number, option: number): number {
  if (set.size === set.q.length) reserve(set, set.size + 1)
  const i = set.size++
  for (let d = 0; d < keys.length; d++) set.keys[d]![i] = keys[d]!
  set.q[i] = q
  set.parent[i] = parent
  set.option[i] = option
  return i
}
