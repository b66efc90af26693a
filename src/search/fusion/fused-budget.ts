/**
 * `--fuse-ffn --fused-budget`: the budget binds the fused child, not the
 * solver's. Fusion makes a child faster, so a child that meets the budget only
 * once fused can keep more quality. The unfused budget is relaxed by a factor
 * r ≤ 1 (throughput × r, latency ÷ r), each r solved exactly and its child fused
 * and re-costed exactly (fuse-result.ts); a bisection over r keeps the best
 * objective whose fused child meets the user's budget. Every candidate is
 * costed exactly; the choice among them is a search over one factor, not a
 * proof of optimality among fused children.
 */
import * as Effect from 'effect/Effect'
import type { ScenarioOutcome, SearchResult } from '../pipeline/result.ts'
import type { SearchRequest, Target } from '../pipeline/request.ts'

/** Solves of the bisection after the first; each halves the interval of r. */
export const fusedBudgetSteps = 7

/** The most the bisection relaxes the unfused budget: fusion has not been seen to more than double a child's throughput. */
export const minRelaxation = 0.5

/** The target relaxed by `r` ≤ 1: throughputs × r, latency ÷ r; memory and none unchanged. */
export function relaxedTarget(t: Target, r: number): Target {
  switch (t.kind) {
    case 'speedup':
      return { kind: 'speedup', factor: t.factor * r }
    case 'throughput':
      return { kind: 'throughput', tokensPerSecondPerGpu: t.tokensPerSecondPerGpu * r }
    case 'latency':
      return { kind: 'latency', seconds: t.seconds / r }
    default:
      return t
  }
}

/** Whether a child's scenario meets the user's own target (fusion never breaks the memory, parameter or SLA limits it eases). */
function scenarioMeets(t: Target, s: ScenarioOutcome, inflight: boolean): boolean {
  const m = s.child.metrics
  // The solver's own tolerance on budgets is relative 1e-9; the same here.
  const slack = 1 + 1e-9
  switch (t.kind) {
    case 'speedup':
      return s.parent !== undefined && m.outputTokensPerSecondPerGpu * slack >= t.factor * s.parent.metrics.outputTokensPerSecondPerGpu
    case 'throughput':
      return m.outputTokensPerSecondPerGpu * slack >= t.tokensPerSecondPerGpu
    case 'latency':
      return (inflight ? m.e2eSeconds : m.runSeconds) <= t.seconds * slack
    default:
      return true
  }
}

export function meetsTarget(req: SearchRequest, r: SearchResult): boolean {
  return r.child.scenarios.every((s) => scenarioMeets(req.target, s, req.deployment.batching === 'inflight') && s.child.memory.fits)
}

/**
 * The best fused child over relaxations of the budget. `first` is the fused result at the user's budget (r = 1);
 * `search` solves, fuses and re-costs at a relaxed target.
 */
export function fitBudgetToFusion<E>(req: SearchRequest, first: SearchResult, search: (relaxed: SearchRequest) => Effect.Effect<SearchResult, E>): Effect.Effect<SearchResult, never> {
  return Effect.gen(function* () {
    if (!['speedup', 'throughput', 'latency'].includes(req.target.kind)) return first
    let best = { r: 1, result: first }
    let lo = minRelaxation
    let hi = 1
    let tried = 1
    for (let step = 0; step < fusedBudgetSteps; step++) {
      const r = Math.sqrt(lo * hi)
      tried++
      const outcome = yield* Effect.result(search({ ...req, target: relaxedTarget(req.target, r) }))
      if (outcome._tag === 'Success' && meetsTarget(req, outcome.success)) {
        hi = r
        if (outcome.success.child.objective < best.result.child.objective) best = { r, result: outcome.success }
      } else lo = r
    }
    const note =
      best.r === 1
        ? `--fused-budget: no relaxation of the unfused budget between ${minRelaxation} and 1 (${tried} exact solves) gave a fused child that meets the budget with a better objective; the child is the one solved at the budget itself`
        : `--fused-budget: the budget binds the fused child; the solver's budget was relaxed to ${best.r.toFixed(4)} × the throughput asked for (latency ÷ it), the best of ${tried} exact solves whose fused child still meets it; not proven optimal among fused children`
    return { ...best.result, notes: [...best.result.notes, note] }
  })
}
