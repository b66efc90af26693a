/**
 * Whole-model settings (Hymba's meta-token count and its one head layout) are
 * no layer's choice: they change every layer's blocks at once and carry a
 * quality term of their own. The search therefore solves the per-layer problem
 * exactly under each setting and keeps the best child over all of them:
 * min over settings of (the setting's own loss + the best per-layer child under
 * it) is the exact optimum of the whole space.
 */
import * as Effect from 'effect/Effect'
import { InfeasibleBudget } from '../../errors.ts'
import { objectiveOf } from '../problem.ts'
import type { WholeModelSetting, SearchSpace } from '../space/types.ts'
import type { ChildArchitecture, SearchResult } from './result.ts'

/** Objectives closer than this are ties, broken by throughput, as within one setting. */
const tie = 1e-12

function withSettingLoss(child: ChildArchitecture, metrics: Readonly<Record<string, number>>, offset: number): ChildArchitecture {
  const total: Record<string, number> = { ...child.metrics }
  for (const [k, v] of Object.entries(metrics)) total[k] = (total[k] ?? 0) + v
  return { ...child, metrics: total, objective: child.objective + offset }
}

function throughputOf(r: SearchResult): number {
  return r.child.scenarios[0]?.child.metrics.outputTokensPerSecondPerGpu ?? 0
}

/**
 * When no setting has a child, the failure to report: of the infeasible budgets on the first one's row, the one
 * whose nearest achievable value comes closest (the highest throughput, else the lowest latency, memory or count),
 * so that the user hears what the best setting reaches; with none, the first failure.
 */
function nearestOf<E>(failures: readonly E[]): E {
  const infeasible = failures.filter((f): f is E & InfeasibleBudget => f instanceof InfeasibleBudget)
  const first = infeasible[0]
  if (first === undefined) return failures[0]!
  const sign = first.better === 'higher' ? -1 : 1
  return infeasible.filter((f) => f.budget === first.budget).reduce((a, f) => (sign * f.nearestValue < sign * a.nearestValue ? f : a))
}

/** Runs `search` under every setting; the best child (lowest objective with the setting's loss, then highest throughput) wins. */
export function bestOverSettings<E>(settings: readonly WholeModelSetting[], search: (space: SearchSpace) => Effect.Effect<SearchResult, E>): Effect.Effect<SearchResult, E> {
  return Effect.gen(function* () {
    let best: SearchResult | undefined
    const failures: E[] = []
    const lines: string[] = []
    const started = performance.now()
    for (const setting of settings) {
      const outcome = yield* Effect.result(search(setting.space))
      if (outcome._tag === 'Failure') {
        failures.push(outcome.failure)
        const f = outcome.failure
        lines.push(`${setting.label}: ${f instanceof InfeasibleBudget ? `infeasible (best ${f.nearest})` : `no child (${String((f as { message?: string }).message ?? f)})`}`)
        continue
      }
      const r = outcome.success
      const offset = objectiveOf(r.request.objective, setting.metrics)
      const adjusted: SearchResult = {
        ...r,
        child: withSettingLoss(r.child, setting.metrics, offset),
        alternatives: r.alternatives.map((a) => withSettingLoss(a, setting.metrics, offset)),
        notes: [...r.notes, `whole-model setting: ${setting.label}`],
      }
      lines.push(`${setting.label}: loss ${adjusted.child.objective.toPrecision(4)}`)
      const d = best === undefined ? -Infinity : adjusted.child.objective - best.child.objective
      if (best === undefined || d < -tie || (Math.abs(d) <= tie && throughputOf(adjusted) > throughputOf(best))) best = adjusted
    }
    if (best === undefined) return yield* Effect.fail(nearestOf(failures))
    return {
      ...best,
      notes: [...best.notes, `${settings.length} whole-model settings, each solved exactly, the best child kept: ${lines.join('; ')}`],
      // The whole search, every setting's included.
      searchSeconds: (performance.now() - started) / 1000,
    }
  })
}
