/**
 * Layers whose blocks depend on each other (a layer that reuses the previous
 * layer's KV cache needs that layer to make one of the same shape) cannot be
 * chosen one at a time. Each such group becomes one unit of the problem: its
 * variants are the members' combinations the group admits, with the members'
 * costs and scores summed. Every child of the per-layer menus that the groups
 * admit is one choice per unit and back, so the solvers stay exact; a solution
 * over units is mapped back to one variant per layer before anyone reads it.
 */
import type { LayerConstraint, SearchLayer, SearchProblem, Variant } from '../problem.ts'
import type { SearchSolution } from '../solution.ts'
import type { LayerGroup, LayerPick } from '../space/types.ts'

/** A problem over units, and the way back from its solutions to one variant per layer. */
export interface GroupedProblem {
  readonly problem: SearchProblem
  readonly ungroup: (solution: SearchSolution) => SearchSolution
}

/** Joins member variant ids into the id of a unit's variant. */
export const memberSeparator = ' + '

/** Units in layer order: each group, and every layer in no group alone. */
export function unitsOf(layerCount: number, groups: readonly LayerGroup[]): readonly (readonly number[])[] {
  const groupOf = new Map<number, LayerGroup>()
  for (const g of groups) for (const l of g.layers) groupOf.set(l, g)
  const units: (readonly number[])[] = []
  for (let l = 0; l < layerCount; l++) {
    const g = groupOf.get(l)
    if (g === undefined) units.push([l])
    else if (g.layers[0] === l) units.push(g.layers)
  }
  return units
}

/** Every combination of member variant indices, in lexicographic order. */
function combinations(sizes: readonly number[]): number[][] {
  let out: number[][] = [[]]
  for (const size of sizes) out = out.flatMap((prefix) => Array.from({ length: size }, (_, v) => [...prefix, v]))
  return out
}

function sum(parts: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const total: Record<string, number> = {}
  for (const p of parts) for (const [k, v] of Object.entries(p)) total[k] = (total[k] ?? 0) + v
  return total
}

/**
 * The per-layer problem with each group folded into one unit. `pick(l, v)`
 * names the blocks of variant `v` of layer `l`, for the groups' `admits`.
 * Per-layer `fixed` and `allowed` constraints become `allowed` lists of the
 * unit's variants whose member meets them; `atLeastTagged` then counts units.
 */
export function groupProblem(perLayer: SearchProblem, groups: readonly LayerGroup[], pick: (layer: number, variant: number) => LayerPick): GroupedProblem {
  if (groups.length === 0) return { problem: perLayer, ungroup: (s) => s }
  const units = unitsOf(perLayer.layers.length, groups)
  const groupOf = new Map(groups.map((g) => [g.layers[0]!, g]))
  // Per unit, per unit variant: the member variant indices.
  const members: number[][][] = []
  const layers: SearchLayer[] = units.map((unit, u) => {
    if (unit.length === 1) {
      members[u] = perLayer.layers[unit[0]!]!.variants.map((_, v) => [v])
      return perLayer.layers[unit[0]!]!
    }
    const group = groupOf.get(unit[0]!)!
    const admitted = combinations(unit.map((l) => perLayer.layers[l]!.variants.length)).filter((c) => group.admits(c.map((v, k) => pick(unit[k]!, v))))
    members[u] = admitted
    const variants: Variant[] = admitted.map((c) => {
      const parts = c.map((v, k) => perLayer.layers[unit[k]!]!.variants[v]!)
      const tags = [...new Set(parts.flatMap((p) => p.tags ?? []))]
      return { id: parts.map((p) => p.id).join(memberSeparator), costs: sum(parts.map((p) => p.costs)), metrics: sum(parts.map((p) => p.metrics)), tags }
    })
    return { variants }
  })
  const unitOfLayer = new Map<number, { unit: number; position: number }>()
  units.forEach((unit, u) => unit.forEach((l, position) => unitOfLayer.set(l, { unit: u, position })))
  // Each unit's allowed variants: the intersection over the constraints on its members.
  const allowed = new Map<number, Set<number>>()
  const other: LayerConstraint[] = []
  for (const c of perLayer.constraints) {
    if (c.type === 'atLeastTagged') {
      other.push(c)
      continue
    }
    const at = unitOfLayer.get(c.layer)
    if (at === undefined) continue
    const ids = new Set(c.type === 'fixed' ? [c.variant] : c.variants)
    const ok = new Set(members[at.unit]!.flatMap((m, j) => (ids.has(perLayer.layers[c.layer]!.variants[m[at.position]!]!.id) ? [j] : [])))
    const before = allowed.get(at.unit)
    allowed.set(at.unit, before === undefined ? ok : new Set([...before].filter((j) => ok.has(j))))
  }
  const constraints: LayerConstraint[] = [
    ...[...allowed.entries()].map(([u, js]): LayerConstraint => ({ type: 'allowed', layer: u, variants: [...js].sort((a, b) => a - b).map((j) => layers[u]!.variants[j]!.id) })),
    ...other,
  ]
  const problem: SearchProblem = { ...perLayer, layers, constraints }
  const ungroup = (s: SearchSolution): SearchSolution => {
    const choices: number[] = []
    s.choices.forEach((j, u) => choices.push(...members[u]![j]!))
    return { ...s, choices, variants: choices.map((v, l) => perLayer.layers[l]!.variants[v]!.id) }
  }
  return { problem, ungroup }
}
