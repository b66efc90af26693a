import * as Effect from 'effect/Effect'
import * as Schema from 'effect/Schema'
import type { Precision } from '../blocks/precision.ts'

/**
 * One search in a batch, as a spec file writes it. The fields mirror the
 * options of `nas-sim search`; the budget fields take the same values and
 * units as the search's flags of the same name, so a job reads like the
 * command line it stands for.
 */

const PositiveInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
const PositiveNumber = Schema.Finite.check(Schema.isGreaterThan(0))
const PrecisionField = Schema.Literals(['bf16', 'fp16', 'fp8', 'fp4'] satisfies readonly Precision[]).pipe(
  Schema.withDecodingDefaultKey(Effect.succeed('bf16' as const)),
)

/** Budget fields: a job names exactly one of them. */
export const budgetKinds = ['speedup', 'throughput', 'latency', 'memory'] as const
export type BudgetKind = (typeof budgetKinds)[number]

export const JobFields = Schema.Struct({
  /** Parent model: a preset id (`llama-3.1-8b`) or a path to a Hugging Face `config.json`. */
  parent: Schema.NonEmptyString,
  /** Target GPU or system id from the hardware catalogue (`h100-sxm`, `dgx-h100`). */
  gpu: Schema.NonEmptyString,
  /** Tensor-parallel degree; default 1. Eight is the largest NVLink domain of the systems in the catalogue. */
  tp: Schema.Int.pipe(
    Schema.check(Schema.isBetween({ minimum: 1, maximum: 8 })),
    Schema.withDecodingDefaultKey(Effect.succeed(1)),
  ),
  /** Storage format of the weights; default bf16. */
  weights: PrecisionField,
  /** Format of the activations; default: the weights' format, as `nas-sim search` does. */
  activations: Schema.optionalKey(Schema.Literals(['bf16', 'fp16', 'fp8', 'fp4'] satisfies readonly Precision[])),
  /** Format of the KV cache and recurrent state; default bf16. */
  kv: PrecisionField,
  /** Concurrent sequences (in flight) or sequences per static batch, or `auto` to try those that fit; default `auto`. */
  batch: Schema.Union([PositiveInt, Schema.Literal('auto')]).pipe(
    Schema.withDecodingDefaultKey(Effect.succeed('auto' as const)),
  ),
  /** Prompt length in tokens. */
  input: PositiveInt,
  /** Generated tokens per request. */
  output: PositiveInt,
  /** Throughput at least this multiple of the parent's (as `--speedup`). */
  speedup: Schema.optionalKey(PositiveNumber),
  /** Throughput at least this many tokens/s per GPU (as `--throughput`). */
  throughput: Schema.optionalKey(PositiveNumber),
  /** Latency at most this (as `--latency`). */
  latency: Schema.optionalKey(PositiveNumber),
  /** Memory per GPU at most this (as `--memory`). */
  memory: Schema.optionalKey(PositiveNumber),
  /** Serving engine whose memory policy and scheduler apply (as `--engine`); default vllm. */
  engine: Schema.Literals(['vllm', 'trtllm', 'sglang']).pipe(Schema.withDecodingDefaultKey(Effect.succeed('vllm' as const))),
  /** `inflight` (continuous batching) or `static` (as `--batching`); default inflight. */
  batching: Schema.Literals(['inflight', 'static']).pipe(Schema.withDecodingDefaultKey(Effect.succeed('inflight' as const))),
  /** Time to first token at most this many seconds, on top of the budget (as `--ttft`). */
  ttft: Schema.optionalKey(PositiveNumber),
  /** Time per output token at most this many seconds, on top of the budget (as `--tpot`). */
  tpot: Schema.optionalKey(PositiveNumber),
  /** Parameters at most this, on top of the budget (as `--params`). */
  params: Schema.optionalKey(PositiveNumber),
  /** Search space: `puzzle`, `hybrid`, `hymba`, `minitron` or a path to a space file (a Minitron grid file too); default `puzzle`. */
  space: Schema.NonEmptyString.pipe(Schema.withDecodingDefaultKey(Effect.succeed('puzzle'))),
  /** Path to a table of per-block quality scores; absent means the built-in prior. */
  scores: Schema.optionalKey(Schema.NonEmptyString),
  /** How many diverse solutions to return; default 1. */
  top: PositiveInt.pipe(Schema.withDecodingDefaultKey(Effect.succeed(1))),
  /** FFN Fusion (as `--fuse-ffn [K]`): true, or the most FFNs one fused run may join (≥ 2); re-evaluated exactly; default off. */
  fuseFfn: Schema.optionalKey(Schema.Union([Schema.Boolean, Schema.Int.check(Schema.isGreaterThanOrEqualTo(2))])),
  /** With fuseFfn: the budget binds the fused child (as `--fused-budget`); default false. */
  fusedBudget: Schema.optionalKey(Schema.Boolean),
  /** Label that groups jobs in the summary and the combined Pareto plots; default derived from the non-budget fields. */
  group: Schema.optionalKey(Schema.NonEmptyString),
}).check(
  Schema.makeFilter((job) => {
    const given = budgetKinds.filter((kind) => job[kind] !== undefined)
    return given.length === 1
      ? undefined
      : `expected exactly one budget of ${budgetKinds.join(', ')}, got ${given.length === 0 ? 'none' : given.join(' and ')}`
  }),
)

/** The names a job may set, for spellchecking spec files before decoding. */
export const jobFieldNames: readonly string[] = Object.keys(JobFields.fields)

/** A validated job with its defaults and its group filled in. */
export type Job = Omit<typeof JobFields.Type, 'group' | 'activations'> & { readonly activations: Precision; readonly group: string }

/** A job's budget as a tagged value, for callers that switch on its kind. */
export interface Budget {
  readonly kind: BudgetKind
  readonly value: number
}

export function budgetOf(job: Job): Budget {
  for (const kind of budgetKinds) {
    const value = job[kind]
    if (value !== undefined) return { kind, value }
  }
  throw new Error(`job has no budget; JobFields admits none without one: ${JSON.stringify(job)}`)
}

/**
 * The default group: every field but the budget, so that the jobs of one
 * group differ only in their budget and share one quality-versus-throughput plot.
 */
export function defaultGroup(job: typeof JobFields.Type): string {
  const parts = [
    job.parent,
    job.gpu,
    `tp=${job.tp}`,
    `w=${job.weights}`,
    `a=${job.activations ?? job.weights}`,
    `kv=${job.kv}`,
    job.engine,
    job.batching,
    `batch=${job.batch}`,
    `in=${job.input}`,
    `out=${job.output}`,
    `space=${job.space}`,
  ]
  if (job.scores !== undefined) parts.push(`scores=${job.scores}`)
  if (job.top !== 1) parts.push(`top=${job.top}`)
  if (job.fuseFfn !== undefined && job.fuseFfn !== false) parts.push(job.fuseFfn === true ? 'fuse-ffn' : `fuse-ffn=${job.fuseFfn}`)
  if (job.fusedBudget === true) parts.push('fused-budget')
  return parts.join(' ')
}

export function resolveJob(fields: typeof JobFields.Type): Job {
  return { ...fields, activations: fields.activations ?? fields.weights, group: fields.group ?? defaultGroup(fields) }
}
