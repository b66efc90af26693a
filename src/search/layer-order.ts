/**
 * The order in which the dynamic program visits the layers. Sums do not
 * depend on it, so neither does the optimum, but the number of states kept
 * on the way does, by a factor of two or more.
 *
 * With counting dimensions after the first two (the diversity rows of top-k,
 * where states split by how many layers they still share with each earlier
 * child), layers are visited with the fewest options first: a layer of one
 * option only shifts every state, and a layer that branches is best met late,
 * when few layers remain to carry its states and the completion bound over
 * them is tight. Among layers with as many options, the later layer of the
 * model comes first. On the last alternative of the two top-k searches of
 * issue 12 this keeps 141,417 states instead of 295,422 (Llama-3.3-70B on a
 * B200, --min-attention 40) and 150,665 instead of 486,544 (Nemotron-H-56B).
 * Problems without such dimensions keep the model's order: on the 70B
 * --params 50 search this order doubled the states.
 */
import { isCount, withMenus, type DpInput } from './dp-input.ts'

/** Whether dimensions 2… exist and all count layers (see `isCount`): the states the count trie of dominance.ts holds. */
export function hasCountTail(input: DpInput): boolean {
  const D = input.bounds.length
  if (D < 3) return false
  for (let d = 2; d < D; d++) if (!isCount(input, d)) return false
  return true
}

/** The layers of `input` (indices) in the order the program should visit them. */
export function visitingOrder(input: DpInput): Int32Array {
  const order = Int32Array.from(input.layers, (_, l) => l)
  if (!hasCountTail(input)) return order
  return order.sort((x, y) => input.layers[x]!.menu.length - input.layers[y]!.menu.length || y - x)
}

/** `input` with its layers in `order` (the remaining sums recomputed for the new suffixes). */
export function reorderLayers(input: DpInput, order: Int32Array): DpInput {
  if (order.every((l, i) => l === i)) return input
  const layers = Array.from(order, (l) => input.layers[l]!)
  return withMenus({ ...input, layers }, layers.map((layer) => layer.menu))
}

/** A choice made over the reordered layers (position i is layer order[i]), back in the model's order. */
export function inModelOrder(choice: Int32Array, order: Int32Array): Int32Array {
  const out = new Int32Array(choice.length)
  order.forEach((l, i) => (out[l] = choice[i]!))
  return out
}
