/**
 * The exact quality-versus-throughput frontier of a scenario in one run per
 * batch: the dynamic program's frontier of objective against runtime at each
 * batch, turned into tokens/s per GPU, then merged over batches so that no
 * point is beaten by a child at another batch.
 */
import * as Effect from 'effect/Effect'
import { architectureCost } from '../../serving/architecture-cost.ts'
import { InvalidInput } from '../../errors.ts'
import type { InvalidSearchProblem, SearchInfeasible, SolverFailed } from '../errors.ts'
import { paretoFrontier } from '../frontier.ts'
import type { SearchProblem } from '../problem.ts'
import type { SearchSolution } from '../solution.ts'
import { solve } from '../solve.ts'
import { addMetrics, qualitySourceOf } from '../quality/types.ts'
import { memoryRuleOf, paramsDim, runtimeDim, scoreSpace, type LayerOptions } from './candidates.ts'
import { blockScenarioCost } from '../../serving/block-scenario-cost.ts'
import { largestBatchWhere } from '../../serving/largest-batch.ts'
import { buildPlan, frontierHeader, objectiveOf } from './build-problem.ts'
import { frontierOverSettings } from './frontier-settings.ts'
import { objectiveOf as objectiveOfMetrics } from '../problem.ts'
import type { SearchRequest } from './request.ts'
import { autoBatches, largestAutoBatch } from './batch-axis.ts'
import { childArchitecture, parentServing, type SearchError } from './run-search.ts'
import { runMinitronFrontier } from './run-minitron-frontier.ts'
import { fusePoint, nondominated, type FusedPointInfo } from '../fusion/fuse-frontier.ts'
import { fusionMethodNote } from '../fusion/fuse-result.ts'
import type { QualitySourceInfo } from '../quality/types.ts'
import type { RequestSummary, ServingOutcome } from './result.ts'

export interface FrontierPointResult {
  /** Generated tokens/s per GPU. */
  readonly tokensPerSecondPerGpu: number
  /** Over the parent's tokens/s per GPU; undefined when the parent does not fit. */
  readonly speedup: number | undefined
  /** The objective (e.g. summed KL), lower is better. */
  readonly objective: number
  readonly metrics: Readonly<Record<string, number>>
  readonly batch: number
  readonly params: number
  /** The child's variant per layer. */
  readonly variants: readonly string[]
  /** In the Minitron space: the point's width setting, e.g. `hidden 3072, FFN 12288, Mamba 8 groups × 14 heads (112) × 64 channels`. */
  readonly widths?: string
  /** With `--fuse-ffn`, when the child had runs to fuse: the runs and the solver's unfused figures; the fields above are the fused child's. */
  readonly fusion?: FusedPointInfo
}

export interface FrontierResult {
  readonly kind: 'nas-sim/frontier'
  readonly version: 2
  readonly createdAt: string
  readonly request: RequestSummary & { readonly scenario: { readonly input: number; readonly output: number; readonly batch: number | 'auto' } }
  readonly parent: { readonly name: string; readonly serving: ServingOutcome | undefined }
  /** Sorted by throughput ascending; the objective rises strictly along it. None dominates another. */
  readonly points: readonly FrontierPointResult[]
  readonly quality: { readonly metrics: readonly string[]; readonly source: QualitySourceInfo }
  /**
   * `exact`: the whole frontier, every nondominated child. `sampled`: the whole
   * frontier needed more dynamic-program states than the limit at some batch, so
   * there the points are the exact optima at evenly spaced throughput targets;
   * each is still optimal for its budget, but children between them are not listed.
   */
  readonly completeness: 'exact' | 'sampled'
  /** Why the frontier is sampled, when it is. */
  readonly note?: string
  /** Where the frontier was cut: points faster than `maxSpeedup` × the parent or smaller than `minParams` are left out. */
  readonly cut: FrontierCut & { readonly dropped: number }
  /** Dynamic-program states kept, summed over batches. */
  readonly states: number
  readonly seconds: number
}

type FrontierError = SearchError | SearchInfeasible | InvalidSearchProblem | SolverFailed

/** Where a frontier stops, so that it ends in children a user would consider, not in embeddings alone. */
export interface FrontierCut {
  /** Largest speedup over the parent kept; default {@link defaultMaxSpeedup}. */
  readonly maxSpeedup: number
  /** Fewest parameters a child may keep; default the embeddings plus {@link defaultMinLayerShare} of the parent's layers. */
  readonly minParams: number
}

/**
 * Published NAS children serve at 1.5–5× their parent; the largest is Puzzle's 51B at 5.08× on one H100
 * (arXiv:2411.19146). Past that a child has lost most of its layers, and the concurrencies that reach it are the
 * costliest to trace.
 */
export const defaultMaxSpeedup = 5

/** A child keeps at least a tenth of the parent's layer parameters by default; below that it is mostly embeddings. */
export const defaultMinLayerShare = 0.1

export interface FrontierRunOptions {
  /** Most DP states one layer may keep before the frontier is sampled instead; default the solver's. */
  readonly stateLimit?: number
  /** Throughput targets per batch when sampling; default 32. */
  readonly samples?: number
  readonly maxSpeedup?: number
  readonly minParams?: number
  /** With `auto`, concurrencies to trace besides the grid (a search's chosen one, so that its child is on the frontier). */
  readonly alsoBatches?: readonly number[]
  /** Called once per concurrency, traced or skipped, so that long runs can show progress. */
  readonly onBatch?: (progress: BatchProgress) => void
  /** Called with each concurrency's problem as it is built (`--export-problem`); runtime is traced there, not bounded. */
  readonly onProblem?: (batches: readonly number[], problem: SearchProblem) => void
}

/** What one concurrency gave. */
export interface BatchProgress {
  readonly batch: number
  /** `traced` with its frontier's points, or why it was skipped. */
  readonly outcome: 'traced' | 'sampled' | 'beaten by the parent' | 'beaten at a larger concurrency' | 'past the cut' | 'nothing fits'
  readonly points: number
  readonly seconds: number
}

interface Candidate {
  readonly throughput: number
  readonly objective: number
  readonly batch: number
  readonly solution: () => SearchSolution
}

/**
 * Exact optima at `samples` throughput targets spaced evenly in log throughput
 * between the best-quality fitting child and the fastest conceivable child, for a
 * batch whose whole frontier is too large.
 */
function sampledFrontier(problem: SearchProblem, batch: number, output: number, tp: number, samples: number): Effect.Effect<Candidate[], FrontierError> {
  return Effect.gen(function* () {
    const dim = runtimeDim(0)
    // The fastest conceivable child takes each layer's fastest variant; targets below what the
    // other constraints allow come back infeasible and are skipped.
    const fastest = fastestRuntime(problem)
    const slowest = yield* Effect.result(solve(problem))
    if (slowest._tag === 'Failure') return []
    const hi = slowest.success.costs[dim]!
    const out: Candidate[] = []
    for (let i = 0; i < samples; i++) {
      // Geometric spacing in runtime is even spacing in log throughput, so points spread across speedups.
      const budget = hi * (fastest / hi) ** (i / (samples - 1))
      const r = yield* Effect.result(solve({ ...problem, budgets: [...problem.budgets, { kind: 'cost', name: dim, max: budget }] }))
      if (r._tag === 'Failure') {
        if (r.failure._tag === 'SearchInfeasible') continue
        return yield* Effect.fail(r.failure)
      }
      const s = r.success
      out.push({ throughput: (batch * output) / (s.costs[dim]! * tp), objective: s.objective, batch, solution: () => s })
    }
    return out
  })
}

/** Rounds of batch refinement between grid points, each halving the gaps in log batch. */
const maxRefinements = 2

/** A throughput gap between consecutive frontier points wider than this ratio is worth a batch between theirs. */
const gapRatio = 1.1

/** Merge over batches: keep a point only if no point of lower (or equal) objective has higher throughput. */
function mergedFrontier(candidates: readonly Candidate[]): Candidate[] {
  const sorted = [...candidates].sort((a, b) => a.objective - b.objective || b.throughput - a.throughput)
  const kept: Candidate[] = []
  for (const c of sorted) if (kept.length === 0 || c.throughput > kept[kept.length - 1]!.throughput) kept.push(c)
  return kept
}

/** Untraced batches between consecutive frontier points of different batches that leave a throughput gap. */
function batchGaps(frontier: readonly Candidate[], traced: ReadonlySet<number>): number[] {
  const out = new Set<number>()
  for (let i = 1; i < frontier.length; i++) {
    const a = frontier[i - 1]!
    const b = frontier[i]!
    if (b.throughput <= gapRatio * a.throughput) continue
    const [lo, hi] = a.batch < b.batch ? [a.batch, b.batch] : [b.batch, a.batch]
    if (hi - lo < 2) continue
    const mid = Math.round(Math.sqrt(lo * hi))
    if (mid > lo && mid < hi && !traced.has(mid)) out.add(mid)
  }
  return [...out].sort((x, y) => x - y)
}

/**
 * The largest concurrency at which every child of the space fits the engine's memory (0 when not even one
 * sequence of the largest child fits): each layer's most memory-hungry variant, weights and cache together.
 */
function largestBatchEveryChildFits(req: SearchRequest, scored: readonly LayerOptions[], s: { readonly input: number; readonly output: number }): number {
  const d = req.deployment
  const rule = memoryRuleOf(d)
  const probe = { input: s.input, output: s.output, batch: 1 }
  let weights = 0
  let perSequence = 0
  for (const { options } of scored) {
    let heaviest = { weights: 0, cache: 0 }
    for (const o of options) {
      const m = blockScenarioCost(o.mixer.spec, probe, d)
      const f = blockScenarioCost(o.ffn.spec, probe, d)
      const w = m.weightBytes + f.weightBytes
      const c = m.kvBytesPerSequence + m.stateBytesPerSequence + f.kvBytesPerSequence + f.stateBytesPerSequence
      // The heaviest at any concurrency ≥ 1 dominates in both terms or is chosen by its total at one sequence; take both maxima (an upper bound).
      heaviest = { weights: Math.max(heaviest.weights, w), cache: Math.max(heaviest.cache, c) }
    }
    weights += heaviest.weights
    perSequence += heaviest.cache
  }
  const empty = { ...req.parent, layers: [] }
  const embeddingWeights = architectureCost(empty, probe, d).memory.weights
  const fits = (batch: number) => {
    // The activations of the parent's widest block, as the search's base costs charge every child.
    const activations = architectureCost(req.parent, { ...probe, batch }, d).memory.activations
    return embeddingWeights + (rule.countsActivations ? activations : 0) + weights + rule.kvScale * batch * perSequence <= rule.capacity
  }
  return largestBatchWhere(d.engine.limits(d.system.gpu).maxSequences, fits)
}

/**
 * Whether every child, which fits at `larger` too, serves at least as many tokens/s there as at `batch`: true when
 * each variant's runtime (and the base's) grows by no more than the batch does, since throughput is
 * batch × output / Σ runtime. Wave quantisation can break this for some shapes, so it is checked, not assumed.
 */
function fasterEverywhere(problem: SearchProblem, batch: number, largerProblem: SearchProblem, larger: number): boolean {
  const dim = runtimeDim(0)
  const grows = (small: number, big: number) => big * batch <= small * larger
  if (!grows(problem.baseCosts?.[dim] ?? 0, largerProblem.baseCosts?.[dim] ?? 0)) return false
  return problem.layers.every((layer, l) => layer.variants.every((v, i) => grows(v.costs[dim] ?? 0, largerProblem.layers[l]!.variants[i]!.costs[dim] ?? 0)))
}

/** The parent's own objective: the sum of its variants' weighted scores (0 with the prior and with replace-1-block scores). */
function parentObjectiveOf(req: SearchRequest, scored: readonly LayerOptions[]): number {
  const weights = objectiveOf(req)
  let total = 0
  scored.forEach(({ options, scores }, l) => {
    const p = req.space.layers[l]!.parent
    const v = options.findIndex((o) => o.mixer.id === p.mixer && o.ffn.id === p.ffn)
    for (const [metric, w] of Object.entries(weights)) total += w * (scores[v]?.metrics[metric] ?? 0)
  })
  return total
}

/**
 * The middle of the untraced stretch between the largest concurrency with a frontier and the smallest one past the
 * cut: concurrencies there may hold the best children just below the cut.
 */
function gapBeforeCut(withFrontier: readonly number[], pastCut: readonly number[], traced: ReadonlySet<number>): number[] {
  if (pastCut.length === 0 || withFrontier.length === 0) return []
  const upper = Math.min(...pastCut)
  const lower = Math.max(...withFrontier.filter((b) => b < upper))
  if (!Number.isFinite(lower) || upper - lower < 2) return []
  const mid = Math.round(Math.sqrt(lower * upper))
  return mid > lower && mid < upper && !traced.has(mid) ? [mid] : []
}

/** The fastest conceivable child's runtime: each layer's fastest variant, whatever the other budgets. */
function fastestRuntime(problem: SearchProblem): number {
  const dim = runtimeDim(0)
  return problem.layers.reduce((t, l) => t + Math.min(...l.variants.map((v) => v.costs[dim] ?? 0)), problem.baseCosts?.[dim] ?? 0)
}

/** The request's cut, with the defaults filled in from the parent. */
export function frontierCut(req: SearchRequest, options: FrontierRunOptions): FrontierCut {
  const empty = { ...req.parent, layers: [] }
  const embeddings = architectureCost(empty, { batch: 1, input: 1, output: 1 }, req.deployment).params
  const whole = architectureCost(req.parent, { batch: 1, input: 1, output: 1 }, req.deployment).params
  return {
    maxSpeedup: options.maxSpeedup ?? defaultMaxSpeedup,
    minParams: options.minParams ?? embeddings + defaultMinLayerShare * (whole - embeddings),
  }
}

export function runFrontier(req: SearchRequest, options: FrontierRunOptions = {}): Effect.Effect<FrontierResult, FrontierError> {
  const settings = req.space.settings
  if (settings === undefined) return runFrontierInSpace(req, options, {})
  if (options.onProblem !== undefined)
    return Effect.fail(new InvalidInput({ field: '--export-problem', problem: `not available with --space ${req.space.name}: each whole-model setting has problems of its own, over groups of layers` }))
  return frontierOverSettings(settings, (space, loss) => runFrontierInSpace({ ...req, space }, options, loss))
}

/**
 * The frontier of one space. `settingLoss` is the quality loss of the whole-model setting the space belongs to
 * (metrics by name), added to every child's.
 */
function runFrontierInSpace(req: SearchRequest, options: FrontierRunOptions, settingLoss: Readonly<Record<string, number>>): Effect.Effect<FrontierResult, FrontierError> {
  return Effect.gen(function* () {
    const started = performance.now()
    if (req.scenarios.length !== 1) return yield* Effect.fail(new InvalidInput({ field: '--scenario', problem: 'a frontier is traced for one scenario; give exactly one' }))
    // The Minitron space's model-wide widths: one frontier per width setting, merged (run-minitron-frontier.ts).
    if (req.space.minitron !== undefined)
      return yield* runMinitronFrontier(req, options, { frontier: runFrontier, parentServing: (r) => r.scenarios.map((x) => parentServing(r, x)), cut: frontierCut })
    const s = req.scenarios[0]!
    const scored = scoreSpace(req.parent, req.space, req.quality)
    const parent = req.parentServing?.[0] ?? parentServing(req, s)
    // With auto, the parent's own best batch is tried too, so the frontier starts at the parent, and so is the largest
    // concurrency at which every child fits: below it, a batch whose every block gains throughput at that
    // concurrency cannot add a point (each child is faster there), which is checked block by block before skipping.
    const everyChildFits = s.batch === 'auto' ? largestBatchEveryChildFits(req, scored, s) : 0
    const grid = [...autoBatches, ...(parent === undefined ? [] : [parent.batch]), ...(everyChildFits > 0 ? [everyChildFits] : []), ...(options.alsoBatches ?? [])]
    // Concurrencies traced on their own stay within the engine's limit on sequences in flight, as a search's do.
    const cap = largestAutoBatch(req.deployment)
    const batches = s.batch === 'auto' ? [...new Set(grid.filter((b) => b <= cap))].sort((a, b) => (a >= everyChildFits) === (b >= everyChildFits) ? a - b : a >= everyChildFits ? -1 : 1) : [s.batch]
    // Groups of interdependent layers (the hymba space's KV-sharing pairs) are folded into units; every solution is
    // mapped back to one variant per layer. The mapping is the same at every batch: the menus do not change with it.
    let ungroup = (solution: SearchSolution) => solution
    const problemAt = (batch: number) => {
      const plan = buildPlan({ ...req, target: req.target.kind === 'memory' ? req.target : { kind: 'none' } }, scored, [{ input: s.input, output: s.output, batch }], [undefined])
      ungroup = plan.ungroup
      options.onProblem?.([batch], plan.problem)
      return plan.problem
    }
    const everyChildFitsProblem = everyChildFits > 0 ? problemAt(everyChildFits) : undefined
    const tp = req.deployment.tp
    const parentThroughput = parent?.metrics.outputTokensPerSecondPerGpu

    const cut = frontierCut(req, options)
    const candidates: Candidate[] = []
    let states = 0
    const sampledAt: number[] = []
    const traced = new Set<number>()
    const pastCut: number[] = []
    const withFrontier: number[] = []
    const settingObjective = objectiveOfMetrics(objectiveOf(req), settingLoss)
    // No child scores better than the parent when the parent's own variants score 0 (scores are never negative) and the
    // setting adds no credit (the hymba space's meta tokens can: their loss is negative from a parent without them).
    const childrenNeverBetter = parentObjectiveOf(req, scored) <= 0 && settingObjective >= 0
    const traceBatch = (batch: number) =>
      Effect.gen(function* () {
        const begun = performance.now()
        const before = candidates.length
        const outcome = yield* traceOne(batch)
        options.onBatch?.({ batch, outcome, points: candidates.length - before, seconds: (performance.now() - begun) / 1000 })
      })
    const traceOne = (batch: number) =>
      Effect.gen(function* () {
        traced.add(batch)
        const problem = problemAt(batch)
        if (everyChildFitsProblem !== undefined && batch < everyChildFits && fasterEverywhere(problem, batch, everyChildFitsProblem, everyChildFits))
          return 'beaten at a larger concurrency' as const
        if (s.batch === 'auto' && parentThroughput !== undefined) {
          const throughputOf = (runtime: number) => (batch * s.output) / (runtime * tp)
          // Every child at this batch is beaten by the parent (no child scores better than it) unless the batch's fastest
          // conceivable child is faster.
          if (childrenNeverBetter && throughputOf(fastestRuntime(problem)) <= parentThroughput) return 'beaten by the parent' as const
          // The batch's best-quality fitting child is its frontier's slowest point: past the cut, the whole batch is.
          const best = yield* Effect.result(solve(problem))
          if (best._tag === 'Failure') {
            if (best.failure._tag === 'SearchInfeasible') return 'nothing fits' as const
          } else if (throughputOf(best.success.costs[runtimeDim(0)]!) > cut.maxSpeedup * parentThroughput) {
            pastCut.push(batch)
            return 'past the cut' as const
          }
        }
        // Children faster than the cut are not traced: the frontier's cheapest runtime is the cut's throughput.
        const minCost = parentThroughput === undefined ? undefined : (batch * s.output) / (cut.maxSpeedup * parentThroughput * tp)
        const outcome = yield* Effect.result(
          paretoFrontier(problem, {
            cost: runtimeDim(0),
            ...(options.stateLimit === undefined ? {} : { stateLimit: options.stateLimit }),
            ...(minCost === undefined ? {} : { minCost }),
          }),
        )
        if (outcome._tag === 'Failure') {
          if (outcome.failure._tag === 'SearchInfeasible') return 'nothing fits' as const
          if (outcome.failure._tag !== 'SolverFailed') return yield* Effect.fail(outcome.failure)
          sampledAt.push(batch)
          const mapBack = ungroup
          candidates.push(...(yield* sampledFrontier(problem, batch, s.output, tp, options.samples ?? 32)).map((c) => ({ ...c, solution: () => mapBack(c.solution()) })))
          return 'sampled' as const
        }
        const frontier = outcome.success
        states += frontier.states
        const mapBack = ungroup
        frontier.points.forEach((p, index) =>
          candidates.push({ throughput: (batch * s.output) / (p.cost * tp), objective: p.objective, batch, solution: () => mapBack(frontier.solutionAt(index)) }),
        )
        withFrontier.push(batch)
        return 'traced' as const
      })
    for (const batch of batches) yield* traceBatch(batch)
    // The batch axis between grid points: where consecutive frontier points come from batches far apart and leave a
    // gap in throughput, the batches between them may hold better children; trace their geometric middle, repeatedly.
    if (s.batch === 'auto') {
      for (let round = 0; round < maxRefinements; round++) {
        const gaps = [...new Set([...batchGaps(mergedFrontier(candidates), traced), ...gapBeforeCut(withFrontier, pastCut, traced)])].sort((a, b) => a - b)
        if (gaps.length === 0) break
        for (const batch of gaps) yield* traceBatch(batch)
      }
    }
    const kept = mergedFrontier(candidates)
    const inCut = kept.filter((c) => parentThroughput === undefined || c.throughput <= cut.maxSpeedup * parentThroughput)
    let points: FrontierPointResult[] = []
    const fusion = { deployment: req.deployment, quality: req.quality, objective: objectiveOf(req), ...req.fuseFfn }
    for (const c of inCut) {
      const solution = c.solution()
      if (solution.costs[paramsDim]! < cut.minParams) continue
      const point: FrontierPointResult = {
        tokensPerSecondPerGpu: c.throughput,
        speedup: parent === undefined ? undefined : c.throughput / parent.metrics.outputTokensPerSecondPerGpu,
        objective: c.objective + settingObjective,
        metrics: addMetrics(solution.metrics, settingLoss),
        batch: c.batch,
        params: solution.costs[paramsDim]!,
        variants: solution.variants,
      }
      points.push(req.fuseFfn !== undefined ? fusePoint(point, childArchitecture(req, scored, solution), s.input, s.output, parent?.metrics.outputTokensPerSecondPerGpu, fusion) : point)
    }
    const dropped = kept.length - points.length
    // Fusion speeds some points more than others: keep those no fused point beats, and within the cut.
    const beforeFusion = points.length
    if (req.fuseFfn !== undefined) points = nondominated(points).filter((p) => p.speedup === undefined || p.speedup <= cut.maxSpeedup)
    const notes = [
      ...(sampledAt.length === 0
        ? []
        : [
            `the whole frontier at batch ${sampledAt.join(', ')} needs more dynamic-program states than the limit; there the points are exact optima at ${options.samples ?? 32} throughput targets spaced evenly in log throughput (raise --state-limit for the whole frontier)`,
          ]),
      ...(req.fuseFfn !== undefined
        ? [`${fusionMethodNote} Each frontier point was fused this way; ${beforeFusion - points.length} of ${beforeFusion}, beaten by another fused point or past the cut once fused, were dropped.`]
        : []),
    ]
    return {
      ...frontierHeader(req, s, parent),
      points,
      quality: { metrics: req.quality.metrics, source: qualitySourceOf(req.quality, scored.flatMap((l) => l.scores)) },
      completeness: sampledAt.length === 0 ? 'exact' : 'sampled',
      ...(notes.length === 0 ? {} : { note: notes.join(' ') }),
      cut: { ...cut, dropped },
      states,
      seconds: (performance.now() - started) / 1000,
    } satisfies FrontierResult
  })
}
