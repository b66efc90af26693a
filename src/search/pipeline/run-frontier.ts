/**
 * The exact quality-versus-throughput frontier of a scenario in one run per
 * batch: the dynamic program's frontier of objective against runtime at each
 * batch, turned into tokens/s per GPU, then merged over batches so that no
 * point is beaten by a child at another batch.
 */
import { Effect } from 'effect'
import type { Scenario } from '../../serving/scenario.ts'
import { InvalidInput } from '../../errors.ts'
import type { InvalidSearchProblem, SearchInfeasible, SolverFailed } from '../errors.ts'
import { paretoFrontier } from '../frontier.ts'
import type { SearchProblem } from '../problem.ts'
import type { SearchSolution } from '../solution.ts'
import { solve } from '../solve.ts'
import { qualitySourceOf } from '../quality/types.ts'
import { paramsDim, runtimeDim, scoreSpace } from './candidates.ts'
import { buildProblem, requestSummary } from './build-problem.ts'
import type { SearchRequest } from './request.ts'
import { autoBatches, parentServing, type SearchError } from './run-search.ts'
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
  /** Dynamic-program states kept, summed over batches. */
  readonly states: number
  readonly seconds: number
}

type FrontierError = SearchError | SearchInfeasible | InvalidSearchProblem | SolverFailed

export interface FrontierRunOptions {
  /** Most DP states one layer may keep before the frontier is sampled instead; default the solver's. */
  readonly stateLimit?: number
  /** Throughput targets per batch when sampling; default 32. */
  readonly samples?: number
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
    const fastest = problem.layers.reduce((t, l) => t + Math.min(...l.variants.map((v) => v.costs[dim] ?? 0)), problem.baseCosts?.[dim] ?? 0)
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

export function runFrontier(req: SearchRequest, options: FrontierRunOptions = {}): Effect.Effect<FrontierResult, FrontierError> {
  return Effect.gen(function* () {
    const started = performance.now()
    if (req.scenarios.length !== 1) return yield* Effect.fail(new InvalidInput({ field: '--scenario', problem: 'a frontier is traced for one scenario; give exactly one' }))
    const s = req.scenarios[0]!
    const scored = scoreSpace(req.parent, req.space, req.quality)
    const parent = parentServing(req, s)
    const batches = s.batch === 'auto' ? [...autoBatches] : [s.batch]
    const tp = req.deployment.tp

    const candidates: Candidate[] = []
    let states = 0
    const sampledAt: number[] = []
    for (const batch of batches) {
      const scenario: Scenario = { input: s.input, output: s.output, batch }
      const problem = buildProblem({ ...req, target: req.target.kind === 'memory' ? req.target : { kind: 'none' } }, scored, [scenario], [undefined])
      const outcome = yield* Effect.result(paretoFrontier(problem, { cost: runtimeDim(0), ...(options.stateLimit === undefined ? {} : { stateLimit: options.stateLimit }) }))
      if (outcome._tag === 'Failure') {
        if (outcome.failure._tag === 'SearchInfeasible') continue
        if (outcome.failure._tag !== 'SolverFailed') return yield* Effect.fail(outcome.failure)
        sampledAt.push(batch)
        candidates.push(...(yield* sampledFrontier(problem, batch, s.output, tp, options.samples ?? 32)))
        continue
      }
      const frontier = outcome.success
      states += frontier.states
      frontier.points.forEach((p, index) =>
        candidates.push({ throughput: (batch * s.output) / (p.cost * tp), objective: p.objective, batch, solution: () => frontier.solutionAt(index) }),
      )
    }
    // Merge over batches: keep a point only if no point of lower objective has higher throughput.
    candidates.sort((a, b) => a.objective - b.objective || b.throughput - a.throughput)
    const kept: typeof candidates = []
    for (const c of candidates) if (kept.length === 0 || c.throughput > kept[kept.length - 1]!.throughput) kept.push(c)

    const points: FrontierPointResult[] = kept.map((c) => {
      const solution = c.solution()
      return {
        tokensPerSecondPerGpu: c.throughput,
        speedup: parent === undefined ? undefined : c.throughput / parent.metrics.outputTokensPerSecondPerGpu,
        objective: c.objective,
        metrics: solution.metrics,
        batch: c.batch,
        params: solution.costs[paramsDim]!,
        variants: solution.variants,
      }
    })
    return {
      kind: 'nas-sim/frontier',
      version: 2,
      createdAt: new Date().toISOString(),
      request: { ...requestSummary(req), scenario: s },
      parent: { name: req.parent.name, serving: parent },
      points,
      quality: { metrics: req.quality.metrics, source: qualitySourceOf(req.quality, scored.flatMap((l) => l.scores)) },
      completeness: sampledAt.length === 0 ? 'exact' : 'sampled',
      ...(sampledAt.length === 0
        ? {}
        : {
            note: `the whole frontier at batch ${sampledAt.join(', ')} needs more dynamic-program states than the limit; there the points are exact optima at ${options.samples ?? 32} throughput targets spaced evenly in log throughput (raise --state-limit for the whole frontier)`,
          }),
      states,
      seconds: (performance.now() - started) / 1000,
    } satisfies FrontierResult
  })
}
