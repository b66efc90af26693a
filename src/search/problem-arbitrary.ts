/**
 * fast-check arbitraries of search problems, for the property tests: small
 * random menus with three cost dimensions (runtime, memory, parameters), two
 * metrics, an `attention` tag,
 * and budgets placed anywhere from just below the cheapest child (infeasible)
 * to above the most expensive one. Costs are drawn partly as small integers
 * so that ties, the hard case for dominance, are common.
 */
import fc from 'fast-check'
import type { Budget, LayerConstraint, SearchLayer, SearchProblem } from './problem.ts'

export interface ProblemShape {
  readonly maxLayers: number
  readonly maxVariants: number
  /** Whether to draw fixed/allowed/at-least-tagged constraints. */
  readonly constraints: boolean
  /** Largest number of budgets. */
  readonly maxBudgets: number
}

/**
 * Real numbers with six decimals, not arbitrary doubles: fast-check's doubles
 * include values like 1e-300 that no cost or score takes and that every
 * floating-point MIP solver (HiGHS drops matrix entries below 1e-9) treats as 0.
 */
const decimal = (max: number) => fc.integer({ min: 0, max: max * 1e6 }).map((n) => n / 1e6)
const amount = fc.oneof(fc.integer({ min: 0, max: 6 }), decimal(6))

const layerArbitrary = (maxVariants: number): fc.Arbitrary<SearchLayer> =>
  fc
    .array(
      fc.record({
        runtime: amount,
        memory: amount,
        params: amount,
        kl: decimal(1),
        tool: decimal(1),
        attention: fc.boolean(),
      }),
      { minLength: 1, maxLength: maxVariants },
    )
    .map((draws) => ({
      variants: draws.map((d, i) => ({
        id: `v${i}`,
        costs: { runtime: d.runtime, memory: d.memory, params: d.params },
        metrics: { kl_div: d.kl, when2call: d.tool },
        tags: d.attention ? ['attention'] : [],
      })),
    }))

/** Sum range of a budget's quantity over all children: [least, most]. */
function range(layers: readonly SearchLayer[], pick: (v: SearchLayer['variants'][number]) => number): [number, number] {
  let least = 0
  let most = 0
  for (const layer of layers) {
    const values = layer.variants.map(pick)
    least += Math.min(...values)
    most += Math.max(...values)
  }
  return [least, most]
}

export function problemArbitrary(shape: ProblemShape): fc.Arbitrary<SearchProblem> {
  return fc
    .array(layerArbitrary(shape.maxVariants), { minLength: 1, maxLength: shape.maxLayers })
    .chain((layers) => {
      const dimensions = [
        { kind: 'cost', name: 'runtime' },
        { kind: 'cost', name: 'memory' },
        { kind: 'cost', name: 'params' },
        { kind: 'metric', name: 'when2call' },
      ] as const
      const budget = fc.record({ dimension: fc.constantFrom(...dimensions), share: fc.integer({ min: -10, max: 110 }).map((p) => p / 100) }).map(({ dimension, share }): Budget => {
        const [least, most] = range(layers, (v) => (dimension.kind === 'cost' ? v.costs : v.metrics)[dimension.name] ?? 0)
        return { ...dimension, max: least + share * (most - least) }
      })
      const budgets = fc.uniqueArray(budget, { maxLength: shape.maxBudgets, selector: (b) => b.name })
      const layerIndex = fc.integer({ min: 0, max: layers.length - 1 })
      const constraint: fc.Arbitrary<LayerConstraint> = fc.oneof(
        layerIndex.chain((layer) =>
          fc.integer({ min: 0, max: layers[layer]!.variants.length - 1 }).map((v): LayerConstraint => ({ type: 'fixed', layer, variant: `v${v}` })),
        ),
        layerIndex.chain((layer) =>
          fc
            .uniqueArray(fc.integer({ min: 0, max: layers[layer]!.variants.length - 1 }), { minLength: 1 })
            .map((vs): LayerConstraint => ({ type: 'allowed', layer, variants: vs.map((v) => `v${v}`) })),
        ),
        fc.integer({ min: 0, max: layers.length }).map((count): LayerConstraint => ({ type: 'atLeastTagged', tag: 'attention', count })),
      )
      const constraints: fc.Arbitrary<LayerConstraint[]> = shape.constraints ? fc.array(constraint, { maxLength: 3 }) : fc.constant([])
      const objective = fc.oneof(
        fc.constant({ kl_div: 1 }),
        fc.record({ kl_div: decimal(1), when2call: decimal(1) }),
      )
      return fc.record({ budgets, constraints, objective }).map(({ budgets, constraints, objective }) => ({
        layers,
        objective,
        budgets,
        // Fixed and allowed constraints on one layer that leave it no variant make an invalid problem; keep the first of each layer.
        constraints: constraints.filter((c, i) => c.type === 'atLeastTagged' || !constraints.slice(0, i).some((d) => d.type !== 'atLeastTagged' && d.layer === c.layer)),
        baseCosts: { runtime: 0.5 },
      }))
    })
}
