/**
 * `runSearch` reads as its phases: score the space → find the parent's
 * throughput → for each batch plan, cost the candidates and solve → keep the
 * best → describe the child (and diverse alternatives).
 */
import * as Effect from 'effect/Effect'
import type { Architecture } from '../../blocks/architecture.ts'
import { architectureCost } from '../../serving/architecture-cost.ts'
import type { Scenario } from '../../serving/scenario.ts'
import { bestServingSetting } from '../../serving/best-setting.ts'
import { InfeasibleBudget, InvalidInput } from '../../errors.ts'
import type { InvalidSearchProblem } from '../errors.ts'
import { SearchInfeasible, SolverFailed } from '../errors.ts'
import type { SearchProblem } from '../problem.ts'
import { qualitySourceOf } from '../quality/types.ts'
import type { SearchSolution } from '../solution.ts'
import { compile, solve, solveBelow } from '../solve.ts'
import { solutionOf, violationsOf } from '../evaluate.ts'
import { planBound } from '../plan-bound.ts'
import { breakingBound, comparePlans } from '../plan-dominance.ts'
import { rowLabel, type CompiledProblem } from '../compile.ts'
import { diverseTopKUpTo } from '../top-k.ts'
import { isUnusedScoresNote, runtimeDim, scoreSpace, unusedScoresNote, type LayerOptions } from './candidates.ts'
import { buildPlan, objectiveOf, requestSummary } from './build-problem.ts'
import { bestOverSettings } from './whole-model-settings.ts'
import { batchesAround, batchPlans, largestAutoBatch, maxBatchRefinements, perSequenceNoFaster } from './batch-axis.ts'
import { fuseSearchResult } from '../fusion/fuse-result.ts'
import { fitBudgetToFusion } from '../fusion/fused-budget.ts'
import { runMinitron } from './run-minitron.ts'
import type { ChildArchitecture, ScenarioOutcome, SearchResult, ServingOutcome } from './result.ts'
import type { ScenarioSpec, SearchRequest } from './request.ts'

export type SearchError = InfeasibleBudget | InvalidInput | InvalidSearchProblem | SolverFailed | SearchInfeasible

/**
 * Branch-and-bound nodes HiGHS may use when the dynamic program outgrows its
 * state limit. A count, not seconds, so that the answer never depends on the
 * machine's load; a batch plan that neither method settles is reported as
 * unsolved, never silently dropped.
 */
export const highsNodeLimit = 20_000

/**
 * States the dynamic program may keep for one diverse alternative. Near-ties
 * (alternatives within 1e-5 of each other, differing only in where the same
 * cuts go) need hundreds of thousands (Nemotron-H-56B's fourth alternative on
 * an H200 about 600,000, a few seconds); past this the list stops there, the
 * same way on every machine.
 */
export const topKStateLimit = 1_000_000

/** Objectives closer than this are ties, broken by throughput (see `better`). */
const tie = 1e-12

/** The parent at its best fitting batch (or the given one) for a scenario, at the request's TP. */
export function parentServing(req: SearchRequest, s: ScenarioSpec): ServingOutcome | undefined {
  const d = req.deployment
  const { best } = bestServingSetting(req.parent, {
    system: d.system,
    precision: d.precision,
    efficiency: d.efficiency,
    engine: d.engine,
    batching: d.batching,
    // The parent's best setting under the same service level as the child's, so that a speedup compares like with like.
    ...(req.sla === undefined ? {} : { sla: req.sla }),
    input: s.input,
    output: s.output,
    tp: d.tp,
    ...(s.batch === 'auto' ? {} : { batch: s.batch }),
  })
  return best === undefined ? undefined : { batch: best.batch, metrics: best.cost.metrics, memory: best.cost.memory }
}

/** The throughput each scenario's child must reach, tokens/s per GPU, or undefined when the target is not one. */
function throughputTargets(req: SearchRequest, parents: readonly (ServingOutcome | undefined)[]): (number | undefined)[] {
  const t = req.target
  return req.scenarios.map((s, i) => {
    if (t.kind === 'throughput') return t.tokensPerSecondPerGpu
    if (t.kind !== 'speedup') return undefined
    const p = parents[i]
    if (p === undefined) {
      // At a given batch the parent may fit at a smaller one: say which, so that the fix is clear.
      const at = s.batch === 'auto' ? '' : ` at batch ${s.batch}`
      const fix = s.batch === 'auto' ? 'or a larger --tp' : `a smaller batch (${s.input}/${s.output}@auto lets the search choose), or a larger --tp`
      throw new InvalidInput({
        field: '--speedup',
        problem: `${req.parent.name} does not fit on ${req.deployment.system.id} at TP ${req.deployment.tp} for ${s.input}/${s.output}${at}, so it has no throughput to multiply; give --throughput in tokens/s per GPU instead, ${fix}`,
      })
    }
    return t.factor * p.metrics.outputTokensPerSecondPerGpu
  })
}

/** The child behind a solution; `rank` > 1 names a diverse alternative. */
export function childArchitecture(req: SearchRequest, scored: readonly LayerOptions[], solution: SearchSolution, rank = 1): Architecture {
  return {
    name: rank === 1 ? `${req.parent.name}-child` : `${req.parent.name}-child-${rank}`,
    hidden: req.parent.hidden,
    embedding: req.parent.embedding,
    layers: solution.choices.map((v, l) => {
      const o = scored[l]!.options[v]!
      return { mixer: o.mixer.spec, ffn: o.ffn.spec }
    }),
    source: `nas-sim search from ${req.parent.name}`,
    // The child keeps its parent's context length and loader settings (RoPE, norm epsilon, token ids), which the search does not change.
    ...(req.parent.maxContext === undefined ? {} : { maxContext: req.parent.maxContext }),
    ...(req.parent.settings === undefined ? {} : { settings: req.parent.settings }),
  }
}

function describeChild(
  req: SearchRequest,
  scored: readonly LayerOptions[],
  solution: SearchSolution,
  scenarios: readonly Scenario[],
  parents: readonly (ServingOutcome | undefined)[],
  targets: readonly (number | undefined)[],
  rank = 1,
): ChildArchitecture {
  const architecture = childArchitecture(req, scored, solution, rank)
  const outcomes: ScenarioOutcome[] = scenarios.map((s, i) => {
    const cost = architectureCost(architecture, s, req.deployment)
    const parent = parents[i]
    const target = targets[i]
    return {
      input: s.input,
      output: s.output,
      child: { batch: s.batch, metrics: cost.metrics, memory: cost.memory },
      parent,
      speedup: parent === undefined ? undefined : cost.metrics.outputTokensPerSecondPerGpu / parent.metrics.outputTokensPerSecondPerGpu,
      ...(target === undefined ? {} : { requiredTokensPerSecondPerGpu: target }),
    }
  })
  return {
    architecture,
    layers: architecture.layers.map((layer, l) => ({ layer: l, variant: solution.variants[l]!, mixer: layer.mixer, ffn: layer.ffn })),
    params: architectureCost(architecture, scenarios[0]!, req.deployment).params,
    metrics: solution.metrics,
    objective: solution.objective,
    scenarios: outcomes,
  }
}

/** The infeasible-budget error in the user's terms, with the best value any batch reaches. */
function nearestTarget(req: SearchRequest, failures: readonly { batches: readonly number[]; error: SearchInfeasible }[], targets: readonly (number | undefined)[]): InfeasibleBudget {
  const t = req.target
  const fmt = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: x < 10 ? 3 : 0 })
  const runtimeFailures = failures.filter((f) => 'name' in f.error.constraint && f.error.constraint.name.startsWith('runtime@'))
  if ((t.kind === 'speedup' || t.kind === 'throughput') && runtimeFailures.length > 0) {
    let best = 0
    let at = 0
    for (const f of runtimeFailures) {
      const i = Number((f.error.constraint as { name: string }).name.split('@')[1])
      const s = req.scenarios[i]!
      const throughput = (f.batches[i]! * s.output) / (f.error.nearest * req.deployment.tp)
      if (throughput > best) [best, at] = [throughput, f.batches[i]!]
    }
    const required = targets.find((x) => x !== undefined) ?? 0
    const speedup = t.kind === 'speedup' ? ` (${fmt(t.factor)}× the parent)` : ''
    return new InfeasibleBudget({
      budget: 'throughput',
      requested: `≥ ${fmt(required)} tokens/s per GPU${speedup}`,
      nearest: `${fmt(best)} tokens/s per GPU${t.kind === 'speedup' ? ` (${fmt((best / required) * t.factor)}× the parent)` : ''} at batch ${at}`,
      nearestValue: best,
      better: 'higher',
    })
  }
  const first = failures[0]!.error
  const c = first.constraint
  if ('type' in c) return new InfeasibleBudget({ budget: `at least ${c.count} ${c.tag} layers`, requested: `(${c.count})`, nearest: `${first.nearest} layers`, nearestValue: first.nearest, better: 'higher' })
  // The row of a scenario's SLA: the best any batch reaches, in the user's terms.
  const [row, index] = c.name.split('@')
  if (index !== undefined && ['ttft', 'e2e', 'decode', 'runtime', 'bytes'].includes(row!)) {
    const same = failures.filter((f) => 'name' in f.error.constraint && f.error.constraint.name === c.name)
    const bestOf = same.reduce((a, f) => (f.error.nearest / ('max' in f.error.constraint ? f.error.constraint.max : 1) < a.error.nearest / ('max' in a.error.constraint ? a.error.constraint.max : 1) ? f : a), same[0]!)
    const output = req.scenarios[Number(index)]?.output ?? 2
    const steps = Math.max(1, output - 1)
    const at = `at batch ${bestOf.batches[Number(index)]}`
    const max = 'max' in bestOf.error.constraint ? bestOf.error.constraint.max : c.max
    const sla = req.sla ?? {}
    // Seconds to three significant digits, so that a millisecond limit does not print as 0.
    const sec = (x: number) => (x >= 10 ? fmt(x) : String(Number(x.toPrecision(3))))
    const tpotRow = (row === 'decode' || (row === 'runtime' && req.deployment.batching === 'inflight')) && sla.tpotSeconds !== undefined && Math.abs(max - sla.tpotSeconds * steps) <= 1e-9 * max
    if (tpotRow) return new InfeasibleBudget({ budget: 'time per output token', requested: `≤ ${sec(sla.tpotSeconds!)} s`, nearest: `${sec(bestOf.error.nearest / steps)} s ${at}`, nearestValue: bestOf.error.nearest / steps, better: 'lower' })
    if (row === 'ttft') return new InfeasibleBudget({ budget: 'time to first token', requested: `≤ ${sec(max)} s`, nearest: `${sec(bestOf.error.nearest)} s ${at}`, nearestValue: bestOf.error.nearest, better: 'lower' })
    if (row === 'e2e' || row === 'runtime') return new InfeasibleBudget({ budget: 'end-to-end latency', requested: `≤ ${sec(max)} s`, nearest: `${sec(bestOf.error.nearest)} s ${at}`, nearestValue: bestOf.error.nearest, better: 'lower' })
    if (row === 'bytes') return new InfeasibleBudget({ budget: 'memory per GPU', requested: `≤ ${fmt(max / 1e9)} GB`, nearest: `${fmt(bestOf.error.nearest / 1e9)} GB ${at}`, nearestValue: bestOf.error.nearest, better: 'lower' })
  }
  if (c.name.startsWith('memory@'))
    return new InfeasibleBudget({ budget: 'memory per GPU', requested: `≤ ${fmt(c.max / 1e9)} GB`, nearest: `${fmt(first.nearest / 1e9)} GB at batch ${failures[0]!.batches[0]}`, nearestValue: first.nearest, better: 'lower' })
  if (c.name === 'params') return new InfeasibleBudget({ budget: 'parameters', requested: `≤ ${fmt(c.max / 1e9)} B`, nearest: `${fmt(first.nearest / 1e9)} B`, nearestValue: first.nearest, better: 'lower' })
  return new InfeasibleBudget({ budget: c.name, requested: `≤ ${fmt(c.max)}`, nearest: fmt(first.nearest), nearestValue: first.nearest, better: 'lower' })
}

/** One batch plan's outcome, reported as the search goes (a search over `batch: auto` tries each in turn). */
export interface PlanProgress {
  readonly batches: readonly number[]
  /** 1-based position of the plan, of `count`. */
  readonly index: number
  readonly count: number
  readonly outcome: 'solved' | 'infeasible' | 'unsolved' | 'pruned'
  readonly objective?: number
}

export interface RunSearchOptions {
  /** Called after each batch plan, so that a long search can show it is moving. */
  readonly onPlan?: (progress: PlanProgress) => void
  /** Called with every batch plan's problem as it is built, before it is solved (`--export-problem`). */
  readonly onProblem?: (batches: readonly number[], problem: SearchProblem) => void
}

/**
 * The child of least loss under the request's budgets. A space with
 * whole-model settings (Hymba's meta tokens and head layout) is solved once
 * per setting, and the best child over the settings wins.
 */
export function runSearch(req: SearchRequest, options: RunSearchOptions = {}): Effect.Effect<SearchResult, SearchError> {
  // The Minitron space's model-wide widths: one exact layer search per width setting (run-minitron.ts).
  if (req.space.minitron !== undefined) {
    if (options.onProblem !== undefined) return Effect.fail(new InvalidInput({ field: '--export-problem', problem: 'not available with --space minitron, which solves one problem per width setting' }))
    return runMinitron(req, { search: (sub) => runSearch(sub), parentServing: (r) => r.scenarios.map((s) => parentServing(r, s)) })
  }
  const settings = req.space.settings
  if (settings === undefined) return runSearchInSpace(req, options)
  if (options.onProblem !== undefined)
    return Effect.fail(
      new InvalidInput({ field: '--export-problem', problem: `not available with --space ${req.space.name}: each whole-model setting has problems of its own, over groups of layers` }),
    )
  return Effect.map(
    bestOverSettings(settings, (space) => runSearchInSpace({ ...req, space }, options)),
    (r) => {
      // A score row is unused only if no setting's space offers it, which is known once every setting has been scored.
      const unused = unusedScoresNote(req.quality)
      // The settings' own losses (meta tokens) come from the prior, so measured block scores make a mixed source.
      const priorSettings = settings.some((x) => Object.values(x.metrics).some((v) => v !== 0))
      const source = r.quality.source
      const quality =
        source.kind === 'measured' && priorSettings
          ? { ...r.quality, source: { kind: 'mixed' as const, description: `${source.description}; the whole-model settings (meta tokens) from the built-in prior (not measured)` } }
          : r.quality
      return { ...r, quality, notes: [...r.notes.filter((n) => !isUnusedScoresNote(n)), ...(unused === undefined ? [] : [unused])] }
    },
  )
}

function runSearchInSpace(req: SearchRequest, options: RunSearchOptions): Effect.Effect<SearchResult, SearchError> {
  return Effect.gen(function* () {
    const started = performance.now()
    const scored = scoreSpace(req.parent, req.space, req.quality)
    const parents = req.parentServing ?? req.scenarios.map((s) => parentServing(req, s))
    const targets = yield* Effect.try({ try: () => throughputTargets(req, parents), catch: (e) => e as InvalidInput })
    const cap = largestAutoBatch(req.deployment)
    const auto = req.scenarios.some((s) => s.batch === 'auto')
    const plans = (yield* Effect.try({ try: () => batchPlans(req.scenarios, req.batchHints), catch: (e) => e as InvalidInput })).filter((p) => !auto || p.every((b) => b <= cap))

    // `grouped`: the solution of `problem` itself, before `ungroup` (top-k continues from it).
    type Best = { solution: SearchSolution; grouped: SearchSolution; problem: SearchProblem; compiled: CompiledProblem; scenarios: Scenario[]; ungroup: (s: SearchSolution) => SearchSolution }
    let best: Best | undefined
    const tried: SearchResult['batchesTried'][number][] = []
    const failures: { batches: readonly number[]; error: SearchInfeasible }[] = []
    const answeredByHighs: string[] = []
    const better = (solution: SearchSolution, batches: readonly number[], than: Best | undefined) =>
      than === undefined ||
      solution.objective < than.solution.objective - tie ||
      (Math.abs(solution.objective - than.solution.objective) <= tie && (solution.costs[runtimeDim(0)] ?? 0) / batches[0]! < (than.solution.costs[runtimeDim(0)] ?? 0) / than.scenarios[0]!.batch)
    // A plan settled by another's children (plan-dominance.ts) could still have tied the best child at a higher
    // throughput, which `better` prefers; it is settled that way only where no child runs faster per sequence in it.
    const neverFaster = (problem: SearchProblem, batches: readonly number[], than: { problem: SearchProblem; scenarios: readonly Scenario[] }) =>
      perSequenceNoFaster(problem, batches[0]!, than.problem, than.scenarios[0]!.batch)
    // Each plan's bound first: plans are then solved from the most promising
    // on, and a plan whose bound reaches the best child so far is settled
    // without a search (no child there can beat it).
    const unmeetable: { problem: SearchProblem; batches: readonly number[] }[] = []
    // Plans settled with no child better than the best so far (solved or pruned): one that allows every child a later
    // plan allows settles that plan too (plan-dominance.ts).
    const settled: { batches: readonly number[]; compiled: CompiledProblem; problem: SearchProblem; scenarios: readonly Scenario[] }[] = []
    let planCount = plans.length
    const settlePlans = (list: readonly number[][]) =>
      Effect.gen(function* () {
        const staged = []
        for (const batches of list) {
          const scenarios = req.scenarios.map((s, i) => ({ input: s.input, output: s.output, batch: batches[i]! }))
          const { problem, ungroup } = buildPlan(req, scored, scenarios, targets)
          options.onProblem?.(batches, problem)
          const compiled = yield* compile(problem)
          staged.push({ batches, scenarios, problem, ungroup, compiled, bound: planBound(compiled) })
        }
        for (const p of staged) {
          if (p.bound._tag !== 'Unmeetable') continue
          unmeetable.push(p)
          tried.push({ batches: p.batches, infeasible: `${rowLabel(p.bound.row)} cannot be met: even the smallest choice in every layer exceeds its bound` })
        }
        const open = staged.flatMap((p) => (p.bound._tag === 'Bound' ? [{ ...p, lower: p.bound.value }] : [])).sort((x, y) => x.lower - y.lower)
        for (const { batches, scenarios, problem, ungroup, compiled, lower } of open) {
          const report = (outcome: PlanProgress['outcome'], objective?: number): void =>
            options.onPlan?.({ batches, index: tried.length, count: planCount, outcome, ...(objective === undefined ? {} : { objective }) })
          if (best !== undefined && lower > best.solution.objective + tie) {
            tried.push({ batches, bound: lower, pruned: `its lower bound ${lower} exceeds the best objective ${best.solution.objective}` })
            settled.push({ batches, compiled, problem, scenarios })
            report('pruned')
            continue
          }
          // Against the best plan first: that comparison serves the search of settled plans and the one-row case below.
          const against = best === undefined ? undefined : comparePlans(compiled, best.compiled)
          const containing =
            best === undefined ? undefined : settled.find((p) => (p.compiled === best!.compiled ? against! : comparePlans(compiled, p.compiled))._tag === 'Contained' && neverFaster(problem, batches, p))
          if (containing !== undefined) {
            tried.push({ batches, bound: lower, pruned: `every child it allows is also allowed at batch ${containing.batches.join('/')}, where none beats the best objective ${best!.solution.objective}` })
            settled.push({ batches, compiled, problem, scenarios })
            report('pruned')
            continue
          }
          // A child here can beat the best plan's only by breaking a row of that plan this one does not imply (its
          // memory, typically, or its runtime for a larger batch): when the bound over those children alone reaches
          // the best, nothing here beats it.
          if (best !== undefined && against !== undefined && against._tag !== 'Unrelated') {
            const reach = against._tag === 'Contained' ? Infinity : breakingBound(compiled, best.compiled, against.row, best.solution.objective + tie)
            if (reach > best.solution.objective + tie) {
              const where = best.scenarios.map((x) => x.batch).join('/')
              if (neverFaster(problem, batches, best)) {
                const beyond =
                  against._tag === 'Contained'
                    ? ''
                    : ` unless it exceeds ${rowLabel(best.compiled.rows[against.row]!)} there; ${Number.isFinite(reach) ? `those that do have a lower bound of ${reach}` : 'none does within this plan\'s own rows'}`
                tried.push({ batches, bound: lower, pruned: `every child it allows is also allowed at batch ${where} (best objective ${best.solution.objective})${beyond}` })
                settled.push({ batches, compiled, problem, scenarios })
                report('pruned')
                continue
              }
              // A child may run faster per sequence here, and a tie at a higher throughput wins. No child here is
              // better than the best, so where the best child itself fits it is optimal here too, without a search.
              const choices = best.grouped.choices
              if (violationsOf(problem, choices).length === 0) {
                const grouped = solutionOf(problem, choices, best.grouped.proof)
                const solution = ungroup(grouped)
                settled.push({ batches, compiled, problem, scenarios })
                tried.push({ batches, bound: lower, objective: solution.objective })
                report('solved', solution.objective)
                if (better(solution, batches, best)) best = { solution, grouped, problem, compiled, scenarios, ungroup }
                continue
              }
            }
          }
          const ceiling = best === undefined ? Infinity : best.solution.objective + 2 * tie + 1e-10 * Math.abs(best.solution.objective)
          const outcome = yield* Effect.result(solveBelow(problem, ceiling, { highs: { nodeLimit: highsNodeLimit } }, compiled))
          if (outcome._tag === 'Failure') {
            const e = outcome.failure
            if (e._tag === 'SolverFailed' && planCount > 1) {
              tried.push({ batches, unsolved: e.message })
              report('unsolved')
              continue
            }
            if (!(e instanceof SearchInfeasible)) return yield* Effect.fail(e)
            failures.push({ batches, error: e })
            tried.push({ batches, infeasible: e.message })
            report('infeasible')
            continue
          }
          settled.push({ batches, compiled, problem, scenarios })
          if (outcome.success === undefined) {
            tried.push({ batches, bound: lower, pruned: `no child beats the best objective ${best!.solution.objective}` })
            report('pruned')
            continue
          }
          const solution = ungroup(outcome.success)
          if (solution.proof.method === 'highs') answeredByHighs.push(batches.join('/'))
          tried.push({ batches, bound: lower, objective: solution.objective })
          report('solved', solution.objective)
          if (better(solution, batches, best)) best = { solution, grouped: outcome.success, problem, compiled, scenarios, ungroup }
        }
      })
    yield* settlePlans(plans)
    // The batch axis between grid points: around the best batch, the middles of `batchesAround` (and its neighbours
    // in the first round), round after round until both tried neighbours are one apart, or for `maxBatchRefinements`
    // rounds (ties at a higher throughput move the best, and on a plateau of ties each round is a full proof; the
    // result then says so). Each is solved exactly or settled by a bound, so the child is optimal over every batch tried.
    let refinementCut: readonly number[] = []
    if (req.scenarios.length === 1 && req.scenarios[0]!.batch === 'auto') {
      for (let round = 0; best !== undefined; round++) {
        const between = batchesAround(best.scenarios[0]!.batch, [...tried.map((t) => t.batches[0]!), ...(Number.isFinite(cap) ? [cap + 1] : [])], round === 0).filter((b) => b <= cap)
        if (between.length === 0) break
        if (round === maxBatchRefinements) {
          refinementCut = between
          break
        }
        planCount += between.length
        yield* settlePlans(between.map((b) => [b]))
      }
    }
    tried.sort((x, y) => x.batches[0]! - y.batches[0]!)
    const unsolved = tried.filter((t) => t.unsolved !== undefined)
    // Assigned inside settlePlans: TypeScript cannot follow that, so the final choice is read once here.
    const found = best as Best | undefined
    if (found === undefined) {
      // Nothing is feasible anywhere: explain each plan the cheap check passed over.
      for (const p of unmeetable) {
        const outcome = yield* Effect.result(solve(p.problem))
        if (outcome._tag === 'Failure' && outcome.failure instanceof SearchInfeasible) failures.push({ batches: p.batches, error: outcome.failure })
      }
      if (failures.length === 0) return yield* Effect.fail(new SolverFailed({ method: 'dp+highs', reason: `no batch plan could be solved within ${highsNodeLimit} HiGHS nodes: ${unsolved.map((u) => u.unsolved).join('; ')}` }))
      return yield* Effect.fail(nearestTarget(req, failures, targets))
    }

    const child = describeChild(req, scored, found.solution, found.scenarios, parents, targets)
    const alternatives: ChildArchitecture[] = []
    const notes: string[] = []
    const unusedScores = unusedScoresNote(req.quality)
    if (unusedScores !== undefined) notes.push(unusedScores)
    if (refinementCut.length > 0)
      notes.push(`the batch axis was refined for ${maxBatchRefinements} rounds around the best batch and stopped there: batch${refinementCut.length === 1 ? '' : 'es'} ${refinementCut.join(', ')}, next in line, ${refinementCut.length === 1 ? 'was' : 'were'} not tried; the child is optimal over the batches tried`)
    if (unsolved.length > 0)
      notes.push(`batch${unsolved.length === 1 ? '' : 'es'} ${unsolved.map((u) => u.batches.join('/')).join(', ')} could not be solved within ${highsNodeLimit} HiGHS nodes, so the child is optimal over the other batches only`)
    if (answeredByHighs.length > 0)
      notes.push(`batch${answeredByHighs.length === 1 ? '' : 'es'} ${answeredByHighs.join(', ')} outgrew the dynamic program's state limit and ${answeredByHighs.length === 1 ? 'was' : 'were'} answered by HiGHS (its proof is HiGHS's gap)`)
    if (req.top !== undefined && req.top.k > 1) {
      const more = yield* Effect.result(diverseTopKUpTo(found.problem, { k: req.top.k, minDifference: req.top.minDifference, method: 'dp', solver: { dp: { stateLimit: topKStateLimit } }, first: found.grouped }))
      if (more._tag === 'Success') {
        more.success.solutions.slice(1).forEach((s, i) => alternatives.push(describeChild(req, scored, found.ungroup(s), found.scenarios, parents, targets, i + 2)))
        if (more.success.stopped !== undefined)
          notes.push(`only ${alternatives.length} of ${req.top.k - 1} diverse alternatives: the next could not be settled within ${topKStateLimit.toLocaleString('en-US')} dynamic-program states (${more.success.stopped})`)
      } else notes.push(`diverse alternatives not found: ${more.failure.message}`)
    }
    const d = req.deployment
    const result: SearchResult = {
      kind: 'nas-sim/search-result',
      version: 2,
      createdAt: new Date().toISOString(),
      request: {
        ...requestSummary(req),
        scenarios: req.scenarios,
        target: req.target,
        ...(req.maxParams === undefined ? {} : { maxParams: req.maxParams }),
        ...(req.sla === undefined ? {} : { sla: req.sla }),
        metricLimits: req.metricLimits ?? [],
        structure: req.structure ?? {},
      },
      parent: { name: req.parent.name, params: architectureCost(req.parent, found.scenarios[0]!, d).params, architecture: req.parent },
      child,
      speedup: child.scenarios[0]?.speedup,
      quality: { metrics: req.quality.metrics, source: qualitySourceOf(req.quality, scored.flatMap((l) => l.scores)) },
      proof: found.solution.proof,
      batchesTried: tried,
      alternatives,
      notes,
      searchSeconds: (performance.now() - started) / 1000,
    }
    if (req.fuseFfn === undefined) return result
    const fused = fuseSearchResult(result, { deployment: d, quality: req.quality, objective: objectiveOf(req), ...req.fuseFfn })
    if (req.fuseFfn.fusedBudget !== true) return fused
    return yield* fitBudgetToFusion(req, fused, (relaxed) => runSearch({ ...relaxed, fuseFfn: { ...req.fuseFfn, fusedBudget: false } }))
  })
}
