/**
 * The files `nas-sim search --out` (result.json) and `nas-sim pareto --out`
 * (frontier.json) write, read back: one Effect Schema per format, decoded once
 * where the file enters, so that a hand-edited or foreign file is a one-line
 * error naming the file and the field rather than a NaN deep inside a plot.
 */
import { readFile } from 'node:fs/promises'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import {
  AttentionSpecSchema,
  FfnSpecSchema,
  HybridHeadsSpecSchema,
  LinearSpecSchema,
  Mamba2SpecSchema,
  NoopSpecSchema,
  PrecisionSchema,
} from '../blocks/schema.ts'
import { FileError, InvalidInput, invalidFromSchema } from '../errors.ts'
import type { FrontierResult } from '../search/pipeline/run-frontier.ts'
import type { SearchResult } from '../search/pipeline/result.ts'

const Finite = Schema.Finite
const Positive = Schema.Finite.check(Schema.isGreaterThan(0))
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))
const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0))
const NonNegativeInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** A field the writer sets to `undefined`, which JSON drops: absent in the file, `undefined` after decoding. */
const Absent = <S extends Schema.Top>(s: S) => Schema.UndefinedOr(s).pipe(Schema.withDecodingDefaultKey(Effect.succeed(undefined)))

const PrecisionConfigSchema = Schema.Struct({ weights: PrecisionSchema, activations: PrecisionSchema, kv: PrecisionSchema })

const ArchitectureSchema = Schema.Struct({
  name: Schema.String,
  hidden: PositiveInt,
  embedding: Schema.Struct({ vocabSize: PositiveInt, hidden: PositiveInt, tied: Schema.Boolean }),
  layers: Schema.Array(
    Schema.Struct({
      mixer: Schema.Union([AttentionSpecSchema, LinearSpecSchema, NoopSpecSchema, Mamba2SpecSchema, HybridHeadsSpecSchema]),
      ffn: Schema.Union([FfnSpecSchema, LinearSpecSchema, NoopSpecSchema]),
    }),
  ),
  maxContext: Schema.optionalKey(PositiveInt),
  source: Schema.optionalKey(Schema.String),
  settings: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown)),
})

const ServingOutcomeSchema = Schema.Struct({
  batch: PositiveInt,
  metrics: Schema.Struct({
    ttftSeconds: NonNegative,
    tpotSeconds: Absent(NonNegative),
    decodeSeconds: NonNegative,
    e2eSeconds: NonNegative,
    runSeconds: Positive,
    steps: Schema.optionalKey(Schema.Struct({ perCycle: Positive, seconds: Positive })),
    outputTokensPerSecond: Positive,
    outputTokensPerSecondPerGpu: Positive,
    tokensPerSecondPerUser: Positive,
  }),
  memory: Schema.Struct({
    weights: NonNegative,
    kvCache: NonNegative,
    ssmState: NonNegative,
    activations: NonNegative,
    total: NonNegative,
    capacity: Finite,
    kvPool: Finite,
    policy: Schema.String,
    fits: Schema.Boolean,
    maxBatch: NonNegativeInt,
  }),
})

const MetricsSchema = Schema.Record(Schema.String, Finite)

const ChildArchitectureSchema = Schema.Struct({
  architecture: ArchitectureSchema,
  layers: Schema.Array(
    Schema.Struct({
      layer: NonNegativeInt,
      variant: Schema.String,
      mixer: Schema.Union([AttentionSpecSchema, LinearSpecSchema, NoopSpecSchema, Mamba2SpecSchema, HybridHeadsSpecSchema]),
      ffn: Schema.Union([FfnSpecSchema, LinearSpecSchema, NoopSpecSchema]),
    }),
  ),
  params: NonNegative,
  metrics: MetricsSchema,
  objective: Finite,
  scenarios: Schema.NonEmptyArray(
    Schema.Struct({
      input: PositiveInt,
      output: PositiveInt,
      child: ServingOutcomeSchema,
      parent: Absent(ServingOutcomeSchema),
      speedup: Absent(Positive),
      requiredTokensPerSecondPerGpu: Schema.optionalKey(Positive),
    }),
  ),
})

const TargetSchema = Schema.Union([
  Schema.Struct({ kind: Schema.Literal('speedup'), factor: Positive }),
  Schema.Struct({ kind: Schema.Literal('throughput'), tokensPerSecondPerGpu: Positive }),
  Schema.Struct({ kind: Schema.Literal('latency'), seconds: Positive }),
  Schema.Struct({ kind: Schema.Literal('memory'), bytes: Positive }),
  Schema.Struct({ kind: Schema.Literal('none') }),
])

const EfficiencySchema = Schema.Struct({ name: Schema.String, source: Schema.Literals(['datasheet', 'calibrated']), derivedFrom: Schema.optionalKey(Schema.String) })

const QualitySchema = Schema.Struct({
  metrics: Schema.Array(Schema.String),
  source: Schema.Struct({ kind: Schema.Literals(['prior', 'measured', 'mixed']), description: Schema.String }),
})

const ScenarioSpecSchema = Schema.Struct({ input: PositiveInt, output: PositiveInt, batch: Schema.Union([PositiveInt, Schema.Literal('auto')]) })

/** The fields every result file records of its request (`RequestSummary` in src/search/pipeline/result.ts). */
const requestSummaryFields = {
  parent: Schema.String,
  system: Schema.String,
  tp: PositiveInt,
  precision: PrecisionConfigSchema,
  space: Schema.String,
  engine: Schema.Literals(['vllm', 'trtllm', 'sglang']),
  batching: Schema.Literals(['inflight', 'static']),
  objective: MetricsSchema,
  efficiency: EfficiencySchema,
}

/** result.json, as `SearchResult` in src/search/pipeline/result.ts describes it. */
export const SearchResultSchema = Schema.Struct({
  kind: Schema.Literal('nas-sim/search-result'),
  version: Schema.Literal(2),
  createdAt: Schema.String,
  request: Schema.Struct({
    ...requestSummaryFields,
    scenarios: Schema.Array(ScenarioSpecSchema),
    target: TargetSchema,
    maxParams: Schema.optionalKey(Positive),
    sla: Schema.optionalKey(Schema.Struct({ ttftSeconds: Schema.optionalKey(Positive), tpotSeconds: Schema.optionalKey(Positive) })),
    metricLimits: Schema.Array(Schema.Struct({ metric: Schema.String, max: Finite })),
    structure: Schema.Struct({
      keepFirst: Schema.optionalKey(NonNegativeInt),
      keepLast: Schema.optionalKey(NonNegativeInt),
      minAttention: Schema.optionalKey(NonNegativeInt),
      allowed: Schema.optionalKey(Schema.Array(Schema.Struct({ layer: NonNegativeInt, variants: Schema.Array(Schema.String) }))),
    }),
  }),
  parent: Schema.Struct({ name: Schema.String, params: NonNegative, architecture: ArchitectureSchema }),
  child: ChildArchitectureSchema,
  speedup: Absent(Positive),
  quality: QualitySchema,
  proof: Schema.Struct({ gap: NonNegative, seconds: NonNegative, method: Schema.Literals(['dp', 'highs', 'brute-force']) }),
  batchesTried: Schema.Array(
    Schema.Struct({
      batches: Schema.Array(PositiveInt),
      objective: Schema.optionalKey(Finite),
      bound: Schema.optionalKey(Finite),
      pruned: Schema.optionalKey(Schema.String),
      infeasible: Schema.optionalKey(Schema.String),
      unsolved: Schema.optionalKey(Schema.String),
    }),
  ),
  // Files written before notes existed have none.
  notes: Schema.Array(Schema.String).pipe(Schema.withDecodingDefaultKey(Effect.succeed([]))),
  alternatives: Schema.Array(ChildArchitectureSchema),
  searchSeconds: NonNegative,
})

/** frontier.json, as `FrontierResult` in src/search/pipeline/run-frontier.ts describes it. */
export const FrontierResultSchema = Schema.Struct({
  kind: Schema.Literal('nas-sim/frontier'),
  version: Schema.Literal(2),
  createdAt: Schema.String,
  request: Schema.Struct({ ...requestSummaryFields, scenario: ScenarioSpecSchema }),
  parent: Schema.Struct({ name: Schema.String, serving: Absent(ServingOutcomeSchema) }),
  points: Schema.Array(
    Schema.Struct({
      tokensPerSecondPerGpu: Positive,
      speedup: Absent(Positive),
      objective: Finite,
      metrics: MetricsSchema,
      batch: PositiveInt,
      params: NonNegative,
      variants: Schema.Array(Schema.String),
    }),
  ),
  quality: QualitySchema,
  completeness: Schema.Literals(['exact', 'sampled']),
  note: Schema.optionalKey(Schema.String),
  cut: Schema.Struct({ maxSpeedup: Positive, minParams: NonNegative, dropped: NonNegativeInt }),
  states: NonNegativeInt,
  seconds: NonNegative,
})

/** The envelope every nas-sim result file shares, checked first so that a foreign file gets a plain answer. */
const EnvelopeSchema = Schema.Struct({ kind: Schema.String, version: Schema.Finite })

const formats = {
  'nas-sim/search-result': { version: 2, writer: 'nas-sim search --out' },
  'nas-sim/frontier': { version: 2, writer: 'nas-sim pareto --out' },
} as const

/** A decoded result file and where it came from. */
export type ResultFile =
  | { readonly kind: 'search'; readonly path: string; readonly doc: SearchResult }
  | { readonly kind: 'frontier'; readonly path: string; readonly doc: FrontierResult }

const decodeEnvelope = Schema.decodeUnknownResult(EnvelopeSchema)
const decodeSearch = Schema.decodeUnknownResult(SearchResultSchema)
const decodeFrontier = Schema.decodeUnknownResult(FrontierResultSchema)

/** Decodes the parsed JSON of `path`; the error names the file and the field. */
export function resultFileFromJson(path: string, json: unknown): Result.Result<ResultFile, InvalidInput> {
  const envelope = decodeEnvelope(json)
  if (Result.isFailure(envelope)) return Result.fail(invalidFromSchema(path, envelope.failure.message))
  const { kind, version } = envelope.success
  if (!(kind in formats)) {
    const known = Object.entries(formats).map(([k, f]) => `${k} from \`${f.writer}\``)
    return Result.fail(new InvalidInput({ field: `${path}: kind`, problem: `"${kind}" (expected ${known.join(' or ')})` }))
  }
  const format = formats[kind as keyof typeof formats]
  if (version !== format.version) return Result.fail(new InvalidInput({ field: `${path}: version`, problem: `${version} (this nas-sim reads ${kind} version ${format.version}; version 1 files predate engine profiles and in-flight batching: re-run ${format.writer})` }))
  if (kind === 'nas-sim/search-result') {
    const doc = decodeSearch(json)
    return Result.isFailure(doc) ? Result.fail(invalidFromSchema(path, doc.failure.message)) : Result.succeed({ kind: 'search', path, doc: doc.success })
  }
  const doc = decodeFrontier(json)
  return Result.isFailure(doc) ? Result.fail(invalidFromSchema(path, doc.failure.message)) : Result.succeed({ kind: 'frontier', path, doc: doc.success })
}

/** Plain words for the Node error codes a user causes by naming the wrong path. */
const readFailures: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, expected result.json or frontier.json',
}

/** Reads, parses and decodes one result or frontier file. */
export function loadResultFile(path: string): Effect.Effect<ResultFile, FileError | InvalidInput> {
  return Effect.gen(function* () {
    const text = yield* Effect.tryPromise({
      try: () => readFile(path, 'utf8'),
      catch: (e) => {
        const code = (e as NodeJS.ErrnoException).code
        return new FileError({ path, problem: (code === undefined ? undefined : readFailures[code]) ?? `cannot read (${code ?? String(e)})` })
      },
    })
    const json = yield* Effect.try({
      try: (): unknown => JSON.parse(text),
      catch: (e) => new FileError({ path, problem: `not valid JSON (${e instanceof Error ? e.message : String(e)})` }),
    })
    return yield* Effect.fromResult(resultFileFromJson(path, json))
  })
}

