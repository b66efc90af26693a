/**
 * Whole-model step timings (experiments/profiling/profile_model.py) and the
 * models they ran (model_cases.ts): decoded, checked, and prepared as fit rows
 * whose kernels are the model's whole step (src/blocks/model-step.ts).
 */
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import type { Architecture } from '../../blocks/architecture.ts'
import { modelStepWork, stepKernelCount } from '../../blocks/model-step.ts'
import { bf16Everywhere } from '../../blocks/precision.ts'
import { BlockSpecSchema } from '../../blocks/schema.ts'
import type { PhaseShape } from '../../blocks/work.ts'
import { InvalidInput, schemaProblem } from '../../errors.ts'
import type { StepOverheadParameters } from '../step-overhead.ts'
import { quantileSorted } from './error-stats.ts'
import type { PreparedRow } from './fit.ts'

const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0))
const Positive = Schema.Finite.check(Schema.isGreaterThan(0))

const ScenarioSchema = Schema.Struct({ id: Schema.String, batch: PositiveInt, input: PositiveInt, output: PositiveInt })

const ModelCaseSchema = Schema.Struct({
  id: Schema.String,
  origin: Schema.Literals(['preset', 'search', 'random']),
  parent: Schema.String,
  architecture: Schema.Struct({
    name: Schema.String,
    hidden: PositiveInt,
    embedding: Schema.Struct({ vocabSize: PositiveInt, hidden: PositiveInt, tied: Schema.Boolean }),
    layers: Schema.Array(Schema.Struct({ mixer: BlockSpecSchema, ffn: BlockSpecSchema })),
  }),
  scenarios: Schema.Array(ScenarioSchema),
})

const ModelCasesSchema = Schema.Struct({ gpu: Schema.String, seed: Schema.Number, models: Schema.Array(ModelCaseSchema) })

/** One model as profiled: the architecture nas-sim predicts, its parent preset and its scenarios. */
export interface ModelCase {
  readonly id: string
  readonly origin: 'preset' | 'search' | 'random'
  /** The preset this model is a child of (itself for a parent). */
  readonly parent: string
  readonly architecture: Architecture
  /** Serving scenarios: `batch` sequences of `input` prompt tokens and `output` generated tokens. */
  readonly scenarios: readonly { readonly id: string; readonly batch: number; readonly input: number; readonly output: number }[]
}

const ModelStepRowSchema = Schema.Struct({
  kind: Schema.Literal('model-step'),
  model: Schema.String,
  scenario: Schema.String,
  gpu: Schema.String,
  dtype: Schema.Literal('bf16'),
  phase: Schema.Literals(['prefill', 'decode']),
  batch: PositiveInt,
  seqLen: Schema.optional(PositiveInt),
  contextLen: Schema.optional(PositiveInt),
  /** GPU time of the step: its graph replayed after a GPU sleep, median, µs. */
  measuredUs: Positive,
  /** The same graph timed without the sleep: what a host that waits for each step sees, µs. */
  noSleepUs: Positive,
  /** The step run eagerly (no graph), wall clock, µs; only on some rows. */
  eagerUs: Schema.optional(Positive),
  torch: Schema.String,
  date: Schema.String,
})

export type ModelStepRow = typeof ModelStepRowSchema.Type

function decodeJson<T>(schema: Schema.Decoder<T>, value: unknown, where: string): T {
  const decoded = Schema.decodeUnknownResult(schema)(value)
  if (Result.isFailure(decoded)) {
    const { path, problem } = schemaProblem(decoded.failure.message)
    throw new InvalidInput({ field: `${where}${path === '' ? '' : `: ${path}`}`, problem })
  }
  return decoded.success
}

export function parseModelCases(text: string, source: string): readonly ModelCase[] {
  return decodeJson(ModelCasesSchema, JSON.parse(text), source).models as readonly ModelCase[]
}

export function parseModelSteps(text: string, source: string): readonly ModelStepRow[] {
  return text
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, i }) => decodeJson(ModelStepRowSchema, JSON.parse(line), `${source} line ${i + 1}`))
}

/** A step row prepared for the fit: the model's whole step as counted kernels. */
export interface PreparedStepRow extends PreparedRow {
  readonly step: ModelStepRow
  readonly model: ModelCase
  /** Kernel launches in the step as nas-sim counts them. */
  readonly kernelCount: number
}

export function stepShape(row: ModelStepRow): PhaseShape {
  if (row.phase === 'prefill') {
    if (row.seqLen === undefined) throw new InvalidInput({ field: `${row.model} ${row.scenario} prefill`, problem: 'no seqLen' })
    return { phase: 'prefill', batch: row.batch, seqLen: row.seqLen }
  }
  if (row.contextLen === undefined) throw new InvalidInput({ field: `${row.model} ${row.scenario} decode`, problem: 'no contextLen' })
  return { phase: 'decode', batch: row.batch, contextLen: row.contextLen }
}

/**
 * Joins rows to their models and works out each step's kernels (bf16, one GPU,
 * as profiled). Each row's residual weight is 1/√(rows of its model), so that
 * all steps of one architecture together weigh in the joint fit as much as one
 * block row: a model's 12 steps (3 scenarios × prefill and 3 decode contexts)
 * are far from independent, and at full weight the 672 steps of 56 models
 * outweighed the 733 independent bf16 block rows and cost the blocks up to 2.5
 * points of held-out median error.
 */
export function prepareStepRows(rows: readonly ModelStepRow[], models: readonly ModelCase[]): PreparedStepRow[] {
  const byId = new Map(models.map((m) => [m.id, m]))
  const rowsOf = new Map<string, number>()
  for (const r of rows) rowsOf.set(r.model, (rowsOf.get(r.model) ?? 0) + 1)
  return rows.map((step) => {
    const model = byId.get(step.model)
    if (model === undefined) throw new InvalidInput({ field: `model ${step.model}`, problem: 'not in the cases file' })
    const work = modelStepWork(model.architecture, stepShape(step), { precision: bf16Everywhere, tp: 1 })
    return {
      step,
      model,
      dtype: 'bf16',
      kernels: work.map((w) => w.kernel),
      counts: work.map((w) => w.count),
      kernelCount: stepKernelCount(work),
      measuredSeconds: step.measuredUs * 1e-6,
      weight: 1 / Math.sqrt(rowsOf.get(step.model)!),
    }
  })
}

function median(values: readonly number[]): number {
  return quantileSorted([...values].sort((a, b) => a - b), 0.5)
}

/**
 * Step launch costs from step rows: the graph launch latency is the median of
 * (time without the sleep − time after the sleep) over all steps; the eager
 * launch cost per kernel is the median of the eager step time over nas-sim's
 * kernel count, on the rows timed eagerly (mostly one-sequence decode steps,
 * which the host's launches bound: their eager times are a median 3.9× their
 * graph times on the H200).
 */
export function fitStepOverhead(rows: readonly PreparedStepRow[]): StepOverheadParameters {
  const eager = rows.filter((r) => r.step.eagerUs !== undefined)
  return {
    graphLaunchUs: Number(median(rows.map((r) => r.step.noSleepUs - r.step.measuredUs)).toFixed(3)),
    eagerLaunchUsPerKernel: Number(median(eager.map((r) => r.step.eagerUs! / r.kernelCount)).toFixed(3)),
  }
}
