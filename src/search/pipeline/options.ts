/**
 * Plain search options, as the CLI flags and batch jobs give them, turned into
 * a SearchRequest: models and files loaded, ids resolved, each mistake a
 * one-line tagged error. Units follow the flags: latency in seconds, memory in
 * GB per GPU (10⁹ bytes), parameters in billions.
 */
import { readFile } from 'node:fs/promises'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import type { Architecture } from '../../blocks/architecture.ts'
import { architectureError } from '../../blocks/architecture-validation.ts'
import type { Precision } from '../../blocks/precision.ts'
import { deployment, deploymentProblem } from '../../cost-model/deployment.ts'
import { type EfficiencyModel } from '../../cost-model/efficiency.ts'
import { findSystem } from '../../cost-model/hardware/lookup.ts'
import { FileError, InvalidInput } from '../../errors.ts'
import { defaultEngine, engineIds, engines, isEngineId } from '../../serving/engine.ts'
import { batchingModes, servingDeployment, type Batching, type ServingOptions } from '../../serving/serving-deployment.ts'
import { loadModel } from '../../io/load-model.ts'
import { priorQuality } from '../quality/prior.ts'
import { measuredQuality, parseScores } from '../quality/scores-file.ts'
import type { QualityModel } from '../quality/types.ts'
import { hybridSpace, puzzleSpace } from '../space/puzzle.ts'
import type { SearchSpace } from '../space/types.ts'
import { userSpace } from '../space/user-space.ts'
import { hymbaSpace } from '../space/hymba.ts'
import { minitronGridFile, minitronQualityOf } from './minitron-options.ts'
import { minitronSpace } from '../space/minitron.ts'
import type { MetricLimit, ScenarioSpec, SearchRequest, ServiceLevel, StructureOptions, Target } from './request.ts'

export interface SearchOptions {
  /** Preset id or path to a Hugging Face config.json. */
  readonly parent: string
  /** GPU or system id. */
  readonly gpu: string
  readonly tp?: number
  readonly weights?: Precision
  readonly activations?: Precision
  readonly kv?: Precision
  readonly scenarios: readonly ScenarioSpec[]
  readonly speedup?: number
  /** Tokens/s per GPU. */
  readonly throughput?: number
  /** Seconds, end to end for the batch. */
  readonly latency?: number
  /** GB per GPU. */
  readonly memory?: number
  /** Seconds: time to first token and time per output token, in every scenario. */
  readonly ttft?: number
  readonly tpot?: number
  /** `vllm` (default), `trtllm` or `sglang`. */
  readonly engine?: string
  /** `inflight` (default) or `static`. */
  readonly batching?: string
  /** Billions of parameters. */
  readonly params?: number
  /** `puzzle`, `hybrid`, `hymba` or a path to a space JSON file. */
  readonly space?: string
  /** Path to a JSON or CSV score table. */
  readonly scores?: string
  /** A shipped calibration name or file. */
  readonly calibration?: string
  readonly structure?: StructureOptions
  readonly objective?: Readonly<Record<string, number>>
  readonly metricLimits?: readonly MetricLimit[]
  readonly top?: number
  /** Share of layers each further top-k child must differ in; default 0.1. */
  readonly diversity?: number
  /** Whether a budget must be given (search) or may be absent (frontier). */
  readonly budgetRequired?: boolean
  /** FFN Fusion (`--fuse-ffn [K]`): true, or the most FFNs one fused run may join (an integer ≥ 2). */
  readonly fuseFfn?: boolean | number
  /** With fuseFfn: the budget binds the fused child (`--fused-budget`). */
  readonly fusedBudget?: boolean
}

export type OptionsError = InvalidInput | FileError | Error

function readText(path: string, what: string): Effect.Effect<string, FileError> {
  return Effect.tryPromise({
    try: () => readFile(path, 'utf8'),
    catch: (e) => new FileError({ path, problem: `cannot read the ${what} (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e)})` }),
  })
}

export function targetOf(o: SearchOptions): Result.Result<Target, InvalidInput> {
  const given = (['speedup', 'throughput', 'latency', 'memory'] as const).filter((k) => o[k] !== undefined)
  if (given.length > 1) return Result.fail(new InvalidInput({ field: `--${given[1]}`, problem: `give one budget, not ${given.map((g) => `--${g}`).join(' and ')}` }))
  if (given.length === 0)
    return o.budgetRequired === false
      ? Result.succeed({ kind: 'none' })
      : Result.fail(new InvalidInput({ field: 'budget', problem: 'missing; give one of --speedup K, --throughput TOKENS_PER_S_PER_GPU, --latency SECONDS, --memory GB' }))
  for (const k of given) {
    const v = o[k]!
    if (!(Number.isFinite(v) && v > 0)) return Result.fail(new InvalidInput({ field: `--${k}`, problem: `${v} (expected a positive number)` }))
  }
  switch (given[0]!) {
    case 'speedup':
      return Result.succeed({ kind: 'speedup', factor: o.speedup! })
    case 'throughput':
      return Result.succeed({ kind: 'throughput', tokensPerSecondPerGpu: o.throughput! })
    case 'latency':
      return Result.succeed({ kind: 'latency', seconds: o.latency! })
    case 'memory':
      return Result.succeed({ kind: 'memory', bytes: o.memory! * 1e9 })
  }
}

/** The engine and batching mode, checked. */
export function servingOptionsOf(o: { readonly engine?: string; readonly batching?: string }): Result.Result<ServingOptions, InvalidInput> {
  const id = o.engine ?? defaultEngine.id
  if (!isEngineId(id)) return Result.fail(new InvalidInput({ field: '--engine', problem: `${id} (expected one of ${engineIds.join(', ')})` }))
  const batching = o.batching ?? 'inflight'
  if (!batchingModes.includes(batching as Batching))
    return Result.fail(new InvalidInput({ field: '--batching', problem: `${batching} (expected ${batchingModes.join(' or ')})` }))
  return Result.succeed({ engine: engines[id], batching: batching as Batching })
}

/** TTFT and TPOT limits, checked; undefined when neither is given. */
export function serviceLevelOf(o: { readonly ttft?: number; readonly tpot?: number }): Result.Result<ServiceLevel | undefined, InvalidInput> {
  for (const k of ['ttft', 'tpot'] as const) {
    const v = o[k]
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) return Result.fail(new InvalidInput({ field: `--${k}`, problem: `${v} (expected a positive number of seconds)` }))
  }
  if (o.ttft === undefined && o.tpot === undefined) return Result.succeed(undefined)
  return Result.succeed({ ...(o.ttft === undefined ? {} : { ttftSeconds: o.ttft }), ...(o.tpot === undefined ? {} : { tpotSeconds: o.tpot }) })
}

function spaceOf(o: SearchOptions, parent: Architecture): Effect.Effect<SearchSpace, InvalidInput | FileError> {
  const name = o.space ?? 'puzzle'
  if (name === 'puzzle') return Effect.succeed(puzzleSpace(parent))
  if (name === 'hybrid') return Effect.succeed(hybridSpace(parent))
  if (name === 'minitron') return Effect.fromResult(minitronSpace(parent, undefined))
  if (name === 'hymba') {
    const space = hymbaSpace(parent)
    return typeof space === 'string' ? Effect.fail(new InvalidInput({ field: '--space hymba', problem: space })) : Effect.succeed(space)
  }
  return Effect.gen(function* () {
    const text = yield* readText(name, 'search space')
    const json = yield* Effect.try({ try: (): unknown => JSON.parse(text), catch: () => new InvalidInput({ field: `--space ${name}`, problem: 'not valid JSON' }) })
    // A file whose top level is {"minitron": {...}} gives the Minitron space's width grid.
    const grid = yield* Effect.fromResult(minitronGridFile(name, parent, json))
    if (grid !== undefined) return yield* Effect.fromResult(minitronSpace(parent, grid, name))
    return yield* Effect.fromResult(userSpace(name, parent, json))
  })
}

function qualityOf(o: SearchOptions): Effect.Effect<QualityModel, InvalidInput | FileError> {
  if (o.scores === undefined) return Effect.succeed(priorQuality)
  const file = o.scores
  return Effect.gen(function* () {
    const text = yield* readText(file, 'scores')
    return measuredQuality(yield* Effect.fromResult(parseScores(text, file)))
  })
}

/** `--fuse-ffn [K]` checked: absent, every maximal run, or runs of at most K FFNs. */
export function fusionPolicyOf(given: boolean | number | undefined, fusedBudget = false): Result.Result<SearchRequest['fuseFfn'], InvalidInput> {
  if (given === undefined || given === false) {
    if (fusedBudget) return Result.fail(new InvalidInput({ field: '--fused-budget', problem: 'only with --fuse-ffn (there is no fused child to hold to the budget)' }))
    return Result.succeed(undefined)
  }
  if (given !== true && !(Number.isInteger(given) && given >= 2)) return Result.fail(new InvalidInput({ field: '--fuse-ffn', problem: `${given} (expected the most FFNs one fused run may join: an integer ≥ 2)` }))
  return Result.succeed({ ...(given === true ? {} : { maxFfns: given }), ...(fusedBudget ? { fusedBudget: true } : {}) })
}

/** The named calibration, `datasheet`, or by default the GPU's shipped calibration where one exists (resolveEfficiency). */
function efficiencyOf(o: SearchOptions): Effect.Effect<EfficiencyModel, Error> {
  return Effect.tryPromise({
    try: async () => (await import('../../cost-model/calibration/resolve.ts')).resolveEfficiency(o.calibration, o.gpu),
    catch: (e) => e as Error,
  })
}

/** Loads and resolves everything a search needs; fails with the first user mistake. */
export function requestFromOptions(o: SearchOptions): Effect.Effect<SearchRequest, OptionsError> {
  return Effect.gen(function* () {
    const system = yield* Effect.fromResult(findSystem(o.gpu))
    const weights = o.weights ?? 'bf16'
    const efficiency = yield* efficiencyOf(o)
    const serving = yield* Effect.fromResult(servingOptionsOf(o))
    const d = servingDeployment(deployment(system, { weights, activations: o.activations ?? weights, kv: o.kv ?? 'bf16' }, { tp: o.tp ?? 1, efficiency }), serving)
    const bad = deploymentProblem(d)
    if (bad !== undefined) return yield* Effect.fail(new InvalidInput({ field: `--${bad.field}`, problem: bad.problem }))
    const parent = yield* loadModel(o.parent)
    const unsplittable = architectureError(parent, d.tp)
    if (unsplittable !== undefined) return yield* Effect.fail(new InvalidInput({ field: `--parent ${o.parent}`, problem: `${unsplittable} (try another --tp)` }))
    if (o.scenarios.length === 0) return yield* Effect.fail(new InvalidInput({ field: '--scenario', problem: 'missing; give at least one, e.g. 128/1024' }))
    const target = yield* Effect.fromResult(targetOf(o))
    const sla = yield* Effect.fromResult(serviceLevelOf(o))
    const space = yield* spaceOf(o, parent)
    if (space.groups !== undefined && space.groups.length > 0 && (o.structure?.minAttention ?? 0) > 0)
      return yield* Effect.fail(new InvalidInput({ field: '--min-attention', problem: `not available with --space ${space.name}: every hybrid-head layer keeps attention heads` }))
    const quality = space.minitron === undefined ? yield* qualityOf(o) : yield* minitronQualityOf(o.scores, parent, space.minitron, readText)
    const fuseFfn = yield* Effect.fromResult(fusionPolicyOf(o.fuseFfn, o.fusedBudget))
    for (const limit of o.metricLimits ?? [])
      if (!quality.metrics.includes(limit.metric))
        return yield* Effect.fail(new InvalidInput({ field: '--limit', problem: `metric ${limit.metric} is not in the scores (have: ${quality.metrics.join(', ')})` }))
    for (const metric of Object.keys(o.objective ?? {}))
      if (!quality.metrics.includes(metric))
        return yield* Effect.fail(new InvalidInput({ field: '--objective', problem: `metric ${metric} is not in the scores (have: ${quality.metrics.join(', ')})` }))
    return {
      parent,
      deployment: d,
      scenarios: o.scenarios,
      target,
      ...(o.params === undefined ? {} : { maxParams: o.params * 1e9 }),
      ...(sla === undefined ? {} : { sla }),
      space,
      quality,
      ...(o.objective === undefined ? {} : { objective: o.objective }),
      metricLimits: o.metricLimits ?? [],
      structure: o.structure ?? {},
      ...(o.top === undefined || o.top <= 1 ? {} : { top: { k: o.top, minDifference: o.diversity ?? 0.1 } }),
      ...(fuseFfn === undefined ? {} : { fuseFfn }),
    } satisfies SearchRequest
  })
}
