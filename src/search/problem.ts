/**
 * The abstract search problem: one variant per layer, chosen from a menu, to
 * minimise an additive quality loss under additive budgets and structural
 * constraints. It knows nothing about blocks or hardware; the caller fills in
 * costs from the cost model and metrics from a quality source.
 */

/** Named additive quantities, e.g. `{ runtime: 0.0012, memory: 3.2e9, params: 8.1e8 }`. */
export type Quantities = Readonly<Record<string, number>>

/** One candidate for one layer. */
export interface Variant {
  /** Identifies the variant within its layer, e.g. `attn:kv2+ffn:50%`. Unique per layer. */
  readonly id: string
  /**
   * Budget dimensions this variant costs in this layer, each summed over layers
   * (e.g. runtime in seconds, memory in bytes, parameters). A dimension absent
   * here counts as 0.
   */
  readonly costs: Quantities
  /**
   * Quality losses of this variant in this layer (lower is better), each summed
   * over layers, e.g. `{ kl_div: 0.013, when2call: 0.02 }`. Absent counts as 0.
   */
  readonly metrics: Quantities
  /** Labels that structural constraints count, e.g. `attention` for a variant that keeps an attention mixer. */
  readonly tags?: readonly string[]
}

/** The candidates of one layer, in the order the solutions refer to them. */
export interface SearchLayer {
  readonly variants: readonly Variant[]
}

/**
 * What is minimised: a weighted sum of metric totals, `Σ_m weight_m · metric_m`.
 * One metric alone is `{ kl_div: 1 }`.
 */
export type Objective = Readonly<Record<string, number>>

/** An upper bound on one summed quantity: `Σ_l value ≤ max` (plus `baseCosts` for cost dimensions). */
export interface Budget {
  /** Whether `name` is a cost dimension (`Variant.costs`) or a quality metric (`Variant.metrics`). */
  readonly kind: 'cost' | 'metric'
  /** The dimension or metric, e.g. `runtime` or `when2call`. */
  readonly name: string
  /** Largest allowed total, in the unit of the dimension. */
  readonly max: number
}

/** Layer `layer` (0-based) must use the variant with id `variant` (e.g. keep the first and last layers as the parent's). */
export interface FixedVariant {
  readonly type: 'fixed'
  readonly layer: number
  readonly variant: string
}

/** Layer `layer` (0-based) may only use the variants whose ids are listed. */
export interface AllowedVariants {
  readonly type: 'allowed'
  readonly layer: number
  readonly variants: readonly string[]
}

/** At least `count` layers must use a variant carrying `tag` (e.g. at least 20 attention layers). */
export interface AtLeastTagged {
  readonly type: 'atLeastTagged'
  readonly tag: string
  readonly count: number
}

export type LayerConstraint = FixedVariant | AllowedVariants | AtLeastTagged

export interface SearchProblem {
  /** One entry per layer of the child, in model order. */
  readonly layers: readonly SearchLayer[]
  /** What the solver minimises. */
  readonly objective: Objective
  /** Upper bounds on cost dimensions or metric totals; empty means unconstrained. */
  readonly budgets: readonly Budget[]
  /** Structural constraints; empty means every variant is allowed everywhere. */
  readonly constraints: readonly LayerConstraint[]
  /**
   * Costs outside the searched layers (embeddings, LM head, fixed runtime
   * overheads), added to every cost total and counted against the budgets.
   * Absent dimensions count as 0.
   */
  readonly baseCosts?: Quantities
}

/** The objective value of a variant: `Σ_m weight_m · metric_m`. */
export function objectiveOf(objective: Objective, metrics: Quantities): number {
  return objectiveOfEach(objective)(metrics)
}

/** `objectiveOf` for many variants: the weights are read once (compiling a plan scores every variant of every layer). */
export function objectiveOfEach(objective: Objective): (metrics: Quantities) => number {
  const weights = Object.entries(objective)
  return (metrics) => {
    let total = 0
    for (const [name, weight] of weights) total += weight * (metrics[name] ?? 0)
    return total
  }
}

/** The quantity a budget limits, as one variant contributes to it. */
export function budgetValue(budget: Budget, variant: Variant): number {
  return (budget.kind === 'cost' ? variant.costs : variant.metrics)[budget.name] ?? 0
}
