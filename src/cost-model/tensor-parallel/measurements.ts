/**
 * Tensor-parallel measurement rows, as experiments/profiling writes them (format: experiments/data/README.md,
 * "Tensor-parallel rows"): one JSON line per timed all-reduce, and one per timed TP-split block. Decoded once
 * here, with one-line errors naming the line and the field; every later step reads plain rows.
 */
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import { InvalidInput, schemaProblem } from '../../errors.ts'
import { parseMeasurementLine, type Measurement } from '../calibration/measurements.ts'
import { findSystem } from '../hardware/lookup.ts'

const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0))
const Positive = Schema.Finite.check(Schema.isGreaterThan(0))

/** One all-reduce timing. */
export const AllReduceRowSchema = Schema.Struct({
  id: Schema.String,
  kind: Schema.Literal('allreduce'),
  /** GPUs in the group. */
  ranks: Schema.Int.check(Schema.isGreaterThanOrEqualTo(2)),
  /** Message size per rank, bytes. */
  bytes: PositiveInt,
  /** Element format of the message. */
  dtype: Schema.Literals(['bf16', 'fp8']),
  /** `eager`: one launch per call, as nccl-tests; `graph`: calls replayed from a CUDA graph, as engines run decode. */
  mode: Schema.Literals(['eager', 'graph']),
  /** Median time of one all-reduce on the slowest rank, microseconds. */
  measuredUs: Positive,
  /** nas-sim's GPU key. */
  gpu: Schema.String,
  gpuName: Schema.String,
  torch: Schema.String,
  nccl: Schema.String,
  date: Schema.String,
  /** Whether NVLink SHARP (multicast) was on: NCCL_NVLS_ENABLE. */
  nvls: Schema.Boolean,
})

export type AllReduceRow = typeof AllReduceRowSchema.Type

/** What a TP-split block row adds to its `predict` query. */
export const TpBlockFieldsSchema = Schema.Struct({
  /** Tensor-parallel degree: the block ran as one of `tp` shards, its all-reduce over `tp` GPUs. */
  tp: Schema.Int.check(Schema.isGreaterThanOrEqualTo(2)),
  /** Median time of the all-reduce alone at the block's message size, in the same graph setting, microseconds. */
  allreduceUs: Positive,
  nccl: Schema.String,
  nvls: Schema.Boolean,
})

/** A timed TP-split block: the one-GPU measurement fields plus its degree and its all-reduce's own time. */
export type TpBlockRow = Measurement & typeof TpBlockFieldsSchema.Type

const decodeAllReduce = Schema.decodeUnknownResult(AllReduceRowSchema)
const decodeTpFields = Schema.decodeUnknownResult(TpBlockFieldsSchema)

function lineError(source: string, line: number, path: string, problem: string): InvalidInput {
  return new InvalidInput({ field: `${source} line ${line}${path === '' ? '' : `: ${path}`}`, problem })
}

function jsonLine(text: string, line: number, source: string): Result.Result<unknown, InvalidInput> {
  try {
    return Result.succeed(JSON.parse(text) as unknown)
  } catch {
    return Result.fail(lineError(source, line, '', 'not valid JSON'))
  }
}

export function parseAllReduceLine(text: string, line: number, source: string): Result.Result<AllReduceRow, InvalidInput> {
  const value = jsonLine(text, line, source)
  if (Result.isFailure(value)) return Result.fail(value.failure)
  const row = decodeAllReduce(value.success)
  if (Result.isFailure(row)) {
    const { path, problem } = schemaProblem(row.failure.message)
    return Result.fail(lineError(source, line, path, problem))
  }
  if (Result.isFailure(findSystem(row.success.gpu))) return Result.fail(lineError(source, line, 'gpu', `unknown GPU ${row.success.gpu}`))
  return Result.succeed(row.success)
}

export function parseTpBlockLine(text: string, line: number, source: string): Result.Result<TpBlockRow, InvalidInput> {
  const measurement = parseMeasurementLine(text, line, source)
  if (Result.isFailure(measurement)) return Result.fail(measurement.failure)
  const value = jsonLine(text, line, source)
  if (Result.isFailure(value)) return Result.fail(value.failure)
  const fields = decodeTpFields(value.success)
  if (Result.isFailure(fields)) {
    const { path, problem } = schemaProblem(fields.failure.message)
    return Result.fail(lineError(source, line, path, problem))
  }
  return Result.succeed({ ...measurement.success, ...fields.success })
}

/** Every non-blank line of a JSON-lines file through `parse`, or the first bad line's one-line error. */
export function parseLines<T>(
  text: string,
  source: string,
  parse: (text: string, line: number, source: string) => Result.Result<T, InvalidInput>,
): Result.Result<T[], InvalidInput> {
  const rows: T[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue
    const row = parse(lines[i]!, i + 1, source)
    if (Result.isFailure(row)) return Result.fail(row.failure)
    rows.push(row.success)
  }
  if (rows.length === 0) return Result.fail(new InvalidInput({ field: source, problem: 'no rows (expected JSON lines from experiments/profiling)' }))
  return Result.succeed(rows)
}
