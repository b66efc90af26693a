/**
 * The Minitron-SSM search: enumerate the model-wide width settings of the grid
 * and, for each, solve the per-layer depth problem with the exact layer search;
 * the child is the best over every setting, so it is exact over the grid.
 *
 * A setting's width loss is a constant of the setting and every depth loss is
 * ≥ 0, so the width loss is a lower bound on any child of that setting.
 * Settings are tried in order of that bound, and once it reaches the best child
 * found, every later setting is settled without a search. With `--top k` the
 * bound is held against the k-th best setting's child instead, and the
 * alternatives are the best children of the k best settings.
 */
import * as Effect from 'effect/Effect'
import type { Architecture } from '../../blocks/architecture.ts'
import { architectureParams } from '../../blocks/architecture-params.ts'
import { embeddingParams } from '../../blocks/embedding.ts'
import { budgetCap } from '../evaluate.ts'
import { InfeasibleBudget, InvalidInput } from '../../errors.ts'
import { SearchInfeasible } from '../errors.ts'
import { depthQuality, priorWidthQuality, type WidthQuality } from '../quality/minitron-quality.ts'
import { addMetrics, type Metrics, type QualitySourceInfo } from '../quality/types.ts'
import { depthLayers, describeWidths, dropId, noneId, prunedArchitecture, settingProblem, widthSettings, type MinitronPlan, type WidthSetting } from '../space/minitron.ts'
import { objectiveOf } from './build-problem.ts'
import type { SearchRequest } from './request.ts'
import type { ChildArchitecture, MinitronOutcome, SearchResult, ServingOutcome } from './result.ts'
import type { SearchError } from './run-search.ts'

/** Objectives closer than this are ties; the earlier setting (less pruned on the grid's order) wins. */
const tie = 1e-12

/** How a Minitron search reaches the layer search and the parent's serving, passed in so that this module stays below run-search. */
export interface MinitronDeps {
  /** The exact per-layer search (runSearch without the Minitron dispatch). */
  readonly search: (req: SearchRequest) => Effect.Effect<SearchResult, SearchError>
  /** The parent at its best setting per scenario (run-search's parentServing). */
  readonly parentServing: (req: SearchRequest) => readonly (ServingOutcome | undefined)[]
}

interface Candidate {
  readonly widths: WidthSetting
  readonly widthLoss: Metrics
  /** The objective's part from the widths: a lower bound on every child of this setting. */
  readonly bound: number
}

/** The request of one width setting's depth problem. */
export function depthRequest(req: SearchRequest, widths: WidthSetting, quality: WidthQuality, widthLoss: Metrics, parents: readonly (ServingOutcome | undefined)[]): SearchRequest {
  const pruned: Architecture = prunedArchitecture(req.parent, widths)
  const { top: _top, ...rest } = req
  return {
    ...rest,
    parent: pruned,
    space: { name: req.space.name, layers: depthLayers(pruned, req.space.minitron!.grid.depth) },
    quality: depthQuality(quality),
    // A metric's limit holds for width and depth losses together.
    metricLimits: (req.metricLimits ?? []).map((m) => ({ metric: m.metric, max: m.max - (widthLoss[m.metric] ?? 0) })),
    parentServing: parents,
  }
}

/** The request's Minitron plan, or why a Minitron search or frontier cannot take the request. */
export function minitronPlan(req: SearchRequest): Effect.Effect<MinitronPlan, InvalidInput> {
  const plan = req.space.minitron
  if (plan === undefined) return Effect.fail(new InvalidInput({ field: '--space', problem: 'not a Minitron space' }))
  if (req.fuseFfn !== undefined)
    return Effect.fail(new InvalidInput({ field: '--fuse-ffn', problem: 'not available with --space minitron (a Nemotron-H config has no fused-FFN layer); remove one of them' }))
  return Effect.succeed(plan)
}

/** What a Minitron search says about score rows that match no grid value or layer: nothing when every row was used. */
export function unusedRowsNote(quality: WidthQuality): string[] {
  const unused = quality.unusedRows ?? []
  if (unused.length === 0) return []
  const shown = unused.slice(0, 3).join('; ')
  return [`${unused.length} score row${unused.length === 1 ? '' : 's'} of ${quality.file} match no value of the grid or layer of the parent and ${unused.length === 1 ? 'was' : 'were'} ignored (${shown}${unused.length > 3 ? '; …' : ''})`]
}

/** Where a Minitron result's quality numbers come from: the built-in prior, or a per-axis scores file. */
export function minitronQualitySource(quality: WidthQuality): QualitySourceInfo {
  return quality.file === undefined
    ? { kind: 'prior', description: 'built-in prior (not measured): model-wide width losses and layer-drop losses guessed from the block prior; see README "Minitron-SSM space"' }
    : { kind: 'measured', description: `per-axis scores from ${quality.file}` }
}

/**
 * The fewest parameters any child of a width setting can have: its pruned parent's, or with depth pruning its
 * embeddings alone (every block dropped; --keep-first and the like only add to that). Parameters do not depend on
 * the batch, so a setting whose fewest already exceed --params needs no search: on the README's widths-only grid,
 * 104 of the 360 settings, each of which had been searched over 20 batch plans to find no child (13 s of 14).
 */
export function fewestParams(pruned: Architecture, depth: boolean): number {
  return depth ? embeddingParams(pruned.embedding) : architectureParams(pruned)
}

export function runMinitron(req: SearchRequest, deps: MinitronDeps): Effect.Effect<SearchResult, SearchError> {
  return Effect.gen(function* () {
    const started = performance.now()
    const plan = yield* minitronPlan(req)
    if (req.scenarios.length > 1 && req.scenarios.some((s) => s.batch === 'auto'))
      return yield* Effect.fail(new InvalidInput({ field: '--scenario', problem: 'give a batch for each scenario when searching over several (e.g. 128/1024@64); batch auto works with one scenario' }))
    const quality = req.quality.minitron ?? priorWidthQuality(req.parent, plan)
    const weights = objectiveOf(req)
    // Depth losses are never negative, so with non-negative weights a setting's width loss bounds its children from below.
    const bounded = Object.values(weights).every((w) => w >= 0)
    const weighted = (m: Metrics) => (bounded ? Object.entries(weights).reduce((s, [k, w]) => s + w * (m[k] ?? 0), 0) : -Infinity)
    const parents = deps.parentServing(req)

    const all = widthSettings(plan.grid, plan.parent)
    const invalid: string[] = []
    const candidates: Candidate[] = []
    for (const widths of all) {
      const problem = settingProblem(req.parent, widths, req.deployment.tp)
      if (problem !== undefined) {
        invalid.push(problem)
        continue
      }
      const widthLoss = quality.widthLoss(widths)
      candidates.push({ widths, widthLoss, bound: weighted(widthLoss) })
    }
    // Stable: equal bounds keep the grid's order.
    candidates.sort((a, b) => a.bound - b.bound)

    // The best child of each of the k best settings (k = 1 without --top), best first: alternatives differ in their widths.
    const k = req.top === undefined ? 1 : Math.max(1, req.top.k)
    const kept: { candidate: Candidate; result: SearchResult; total: number }[] = []
    const worstKept = () => (kept.length < k ? Infinity : kept[kept.length - 1]!.total)
    let solved = 0
    let skipped = 0
    let overLimit = 0
    const failures: { candidate: Candidate; error: InfeasibleBudget | SearchInfeasible; params: number }[] = []
    // Settings over --params whatever their depth, settled without a search (see `fewestParams`), with that fewest.
    const overParams: { candidate: Candidate; params: number }[] = []
    for (const [i, c] of candidates.entries()) {
      if (c.bound > worstKept() + tie) {
        skipped = candidates.length - i
        break
      }
      if ((req.metricLimits ?? []).some((m) => (c.widthLoss[m.metric] ?? 0) > m.max)) {
        overLimit++
        continue
      }
      if (req.maxParams !== undefined) {
        const fewest = fewestParams(prunedArchitecture(req.parent, c.widths), plan.grid.depth)
        if (fewest > budgetCap(req.maxParams)) {
          overParams.push({ candidate: c, params: fewest })
          continue
        }
      }
      const pruned = depthRequest(req, c.widths, quality, c.widthLoss, parents)
      // Its pruned parent's own best concurrency joins the batch plans, so the setting with every layer kept is tried at its best.
      const own = req.scenarios.length === 1 && req.scenarios[0]!.batch === 'auto' ? deps.parentServing({ ...pruned, parentServing: undefined })[0]?.batch : undefined
      const sub = own === undefined ? pruned : { ...pruned, batchHints: [own] }
      const outcome = yield* Effect.result(deps.search(sub))
      if (outcome._tag === 'Failure') {
        const e = outcome.failure
        if (e instanceof InfeasibleBudget || e instanceof SearchInfeasible) {
          failures.push({ candidate: c, error: e, params: architectureParams(sub.parent) })
          continue
        }
        return yield* Effect.fail(e)
      }
      solved++
      const total = outcome.success.child.objective + Object.entries(weights).reduce((s, [k, w]) => s + w * (c.widthLoss[k] ?? 0), 0)
      if (total < worstKept() - tie) {
        // Inserted after any equal total, so that ties keep the earlier (smaller-bound) setting first.
        const at = kept.findIndex((x) => x.total > total + tie)
        kept.splice(at === -1 ? kept.length : at, 0, { candidate: c, result: outcome.success, total })
        if (kept.length > k) kept.pop()
      }
    }
    const best = kept[0]

    const settings = { total: all.length, invalid: invalid.length, solved, infeasible: failures.length + overParams.length, overLimit, skipped }
    if (best === undefined) {
      // Nothing meets the budgets: the most pruned setting comes nearest, so its answer says how near. A setting
      // settled by its parameters alone is searched now if it is the most pruned, so that the answer is its own.
      const leanest = overParams.reduce<(typeof overParams)[number] | undefined>((a, f) => (a === undefined || f.params < a.params ? f : a), undefined)
      const leanestSearched = failures.reduce((a, f) => Math.min(a, f.params), Infinity)
      if (leanest !== undefined && leanest.params < leanestSearched) {
        const c = leanest.candidate
        const outcome = yield* Effect.result(deps.search(depthRequest(req, c.widths, quality, c.widthLoss, parents)))
        if (outcome._tag === 'Failure') return yield* Effect.fail(outcome.failure)
      }
      const nearest = failures.reduce<(typeof failures)[number] | undefined>((a, f) => (a === undefined || f.params < a.params ? f : a), undefined)
      if (nearest !== undefined) return yield* Effect.fail(nearest.error)
      return yield* Effect.fail(new InvalidInput({ field: '--space minitron', problem: `no width setting of the grid can be searched (${invalid[0] ?? 'every setting exceeds a --limit with its width loss alone'})` }))
    }

    const { candidate, result } = best
    // A layer is dropped when every block it held is; a two-slot layer (Llama) may also lose one of its two.
    const slots = result.child.layers.map((l) => l.variant.split('|').filter((id) => id !== noneId))
    const dropped = result.child.layers.filter((_, i) => slots[i]!.every((id) => id === dropId)).map((l) => l.layer)
    const partly = slots.filter((ids) => ids.includes(dropId) && !ids.every((id) => id === dropId)).length
    const outcome: MinitronOutcome = {
      widths: candidate.widths,
      description: describeWidths(candidate.widths),
      widthLoss: candidate.widthLoss,
      depthLoss: result.child.metrics,
      droppedLayers: dropped,
      keptLayers: result.child.layers.length - dropped.length,
      settings,
    }
    const notes = [
      `width setting: ${outcome.description}; ${dropped.length} of ${result.child.layers.length} layers dropped${dropped.length === 0 ? '' : ` (${dropped.join(', ')})`}` +
        (partly > 0 ? `, and one of the two blocks of ${partly} more` : ''),
      `exact over the grid (at the batches tried): ${settings.total} width settings, ${solved} solved exactly, ${settings.infeasible} cannot meet the budgets${overParams.length > 0 ? ` (${overParams.length} by their parameters alone, without a search)` : ''}, ${skipped} settled by their width loss alone (a lower bound)` +
        (overLimit > 0 ? `, ${overLimit} over a --limit by their width loss` : '') +
        (invalid.length > 0 ? `, ${invalid.length} not valid blocks at TP ${req.deployment.tp} (${invalid[0]})` : ''),
      ...result.notes,
      ...unusedRowsNote(quality),
      ...(k > 1 ? [`--top ${k}: the alternatives are the best children of the next-best width settings (${kept.length - 1} found), each optimal for its own widths`] : []),
    ]
    const withWidths = (x: (typeof kept)[number], rank: number): ChildArchitecture => ({
      ...x.result.child,
      architecture: {
        ...x.result.child.architecture,
        name: rank === 1 ? `${req.parent.name}-child` : `${req.parent.name}-child-${rank}`,
        source: `nas-sim Minitron search from ${req.parent.name} (${describeWidths(x.candidate.widths)})`,
      },
      metrics: addMetrics(x.result.child.metrics, x.candidate.widthLoss),
      objective: x.total,
    })
    const child = withWidths(best, 1)
    const source = minitronQualitySource(quality)
    return {
      ...result,
      request: { ...result.request, space: req.space.name, metricLimits: req.metricLimits ?? [] },
      quality: { metrics: quality.metrics, source },
      parent: { name: req.parent.name, params: architectureParams(req.parent), architecture: req.parent },
      child,
      alternatives: kept.slice(1).map((x, i) => withWidths(x, i + 2)),
      notes,
      minitron: outcome,
      searchSeconds: (performance.now() - started) / 1000,
    } satisfies SearchResult
  })
}
