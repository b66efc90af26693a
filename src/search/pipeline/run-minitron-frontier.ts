/**
 * The Minitron space's quality-versus-throughput frontier (`pareto --space
 * minitron`): each width setting's frontier of dropped layers, traced exactly
 * without a cut, shifted by the setting's width loss, merged, and then cut as
 * `pareto` cuts any frontier. Every point is a child no other child of the grid
 * beats (at the concurrencies traced), and names its width setting.
 *
 * Every setting is traced: a setting's width loss bounds its points' quality,
 * but not their throughput, so no bound settles a setting without its frontier.
 */
import * as Effect from 'effect/Effect'
import { InfeasibleBudget, InvalidInput } from '../../errors.ts'
import { SearchInfeasible } from '../errors.ts'
import { priorWidthQuality } from '../quality/minitron-quality.ts'
import { addMetrics } from '../quality/types.ts'
import { describeWidths, settingProblem, widthSettings } from '../space/minitron.ts'
import { frontierHeader, objectiveOf } from './build-problem.ts'
import type { SearchRequest } from './request.ts'
import type { ServingOutcome } from './result.ts'
import { depthRequest, minitronPlan, minitronQualitySource, unusedRowsNote } from './run-minitron.ts'
import type { FrontierCut, FrontierPointResult, FrontierResult, FrontierRunOptions } from './run-frontier.ts'

/** How the Minitron frontier reaches the layer frontier, passed in so that this module stays below run-frontier. */
export interface MinitronFrontierDeps<E> {
  /** The exact frontier of one space (runFrontier without the Minitron dispatch). */
  readonly frontier: (req: SearchRequest, options: FrontierRunOptions) => Effect.Effect<FrontierResult, E>
  /** The parent at its best setting per scenario (run-search's parentServing). */
  readonly parentServing: (req: SearchRequest) => readonly (ServingOutcome | undefined)[]
  /** The request's cut, defaults filled in from the parent (run-frontier's frontierCut). */
  readonly cut: (req: SearchRequest, options: FrontierRunOptions) => FrontierCut
}

/** A cut no child reaches: the settings' frontiers are traced whole, and the cut is applied once they are merged. */
const uncut = { maxSpeedup: 1e12, minParams: 0 }

export function runMinitronFrontier<E>(req: SearchRequest, options: FrontierRunOptions, deps: MinitronFrontierDeps<E>): Effect.Effect<FrontierResult, E | InvalidInput> {
  return Effect.gen(function* () {
    const started = performance.now()
    if (options.onProblem !== undefined)
      return yield* Effect.fail(new InvalidInput({ field: '--export-problem', problem: 'not available with --space minitron, which solves one problem per width setting' }))
    const plan = yield* minitronPlan(req)
    if (req.scenarios.length !== 1) return yield* Effect.fail(new InvalidInput({ field: '--scenario', problem: 'a frontier is traced for one scenario; give exactly one' }))
    const s = req.scenarios[0]!
    const quality = req.quality.minitron ?? priorWidthQuality(req.parent, plan)
    const weights = objectiveOf(req)
    const parents = deps.parentServing(req)
    const parent = parents[0]
    const cut = deps.cut(req, options)
    const subOptions: FrontierRunOptions = {
      ...(options.stateLimit === undefined ? {} : { stateLimit: options.stateLimit }),
      ...(options.samples === undefined ? {} : { samples: options.samples }),
      ...(options.alsoBatches === undefined ? {} : { alsoBatches: options.alsoBatches }),
      ...uncut,
    }

    const candidates: FrontierPointResult[] = []
    let traced = 0
    let infeasible = 0
    let invalid = 0
    let states = 0
    const sampled: string[] = []
    for (const widths of widthSettings(plan.grid, plan.parent)) {
      if (settingProblem(req.parent, widths, req.deployment.tp) !== undefined) {
        invalid++
        continue
      }
      const widthLoss = quality.widthLoss(widths)
      const shift = Object.entries(weights).reduce((t, [k, w]) => t + w * (widthLoss[k] ?? 0), 0)
      const outcome = yield* Effect.result(deps.frontier(depthRequest(req, widths, quality, widthLoss, parents), subOptions))
      if (outcome._tag === 'Failure') {
        const e = outcome.failure
        if (e instanceof SearchInfeasible || e instanceof InfeasibleBudget) {
          infeasible++
          continue
        }
        return yield* Effect.fail(e)
      }
      const f = outcome.success
      traced++
      states += f.states
      if (f.completeness === 'sampled') sampled.push(describeWidths(widths))
      const name = describeWidths(widths)
      for (const p of f.points) candidates.push({ ...p, objective: p.objective + shift, metrics: addMetrics(p.metrics, widthLoss), widths: name })
    }

    // The merged frontier: by objective, each point kept only when it is faster than every better one (as run-frontier merges batches).
    const sorted = [...candidates].sort((a, b) => a.objective - b.objective || b.tokensPerSecondPerGpu - a.tokensPerSecondPerGpu)
    const merged: FrontierPointResult[] = []
    for (const p of sorted) if (merged.length === 0 || p.tokensPerSecondPerGpu > merged[merged.length - 1]!.tokensPerSecondPerGpu) merged.push(p)
    const parentThroughput = parent?.metrics.outputTokensPerSecondPerGpu
    const points = merged.filter((p) => (parentThroughput === undefined || p.tokensPerSecondPerGpu <= cut.maxSpeedup * parentThroughput) && p.params >= cut.minParams)
    const total = widthSettings(plan.grid, plan.parent).length
    const note = [
      `Minitron space: ${total} width settings, ${traced} traced (the frontier of dropped layers of each, merged), ${infeasible} with no child that fits, ${invalid} not valid blocks at TP ${req.deployment.tp}; each point names its widths.`,
      ...unusedRowsNote(quality),
      ...(sampled.length === 0 ? [] : [`The frontier of ${sampled.length} setting${sampled.length === 1 ? '' : 's'} (${sampled.slice(0, 2).join('; ')}${sampled.length > 2 ? '; …' : ''}) needed more dynamic-program states than the limit and is sampled there.`]),
    ].join(' ')
    return {
      ...frontierHeader(req, s, parent),
      points,
      quality: { metrics: quality.metrics, source: minitronQualitySource(quality) },
      completeness: sampled.length === 0 ? 'exact' : 'sampled',
      note,
      cut: { ...cut, dropped: merged.length - points.length },
      states,
      seconds: (performance.now() - started) / 1000,
    } satisfies FrontierResult
  })
}
