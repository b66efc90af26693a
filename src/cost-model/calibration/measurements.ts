/**
 * Measurement rows as the block profiler writes them (experiments/profiling):
 * one JSON line per timed block, a `predict` query plus what was measured and
 * where. Decoded once here; every later step reads plain `Measurement`s.
 */
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import { blockModel } from '../../blocks/registry.ts'
import { InvalidInput, schemaProblem } from '../../errors.ts'
import { findSystem } from '../hardware/lookup.ts'
import { PredictQuerySchema, type PredictQuery } from '../predict.ts'

/** What a row adds to its query; further fields (the timing's reps, copies, spread) are kept out. */
export const MeasurementFieldsSchema = Schema.Struct({
  /** Median time of one block call, microseconds. */
  measuredUs: Schema.Finite.check(Schema.isGreaterThan(0)),
  /** The device name CUDA reports, e.g. `NVIDIA H200`. */
  gpuName: Schema.String,
  /** PyTorch version the blocks ran under. */
  torch: Schema.String,
  /** Day of the measurement, ISO 8601. */
  date: Schema.String,
  /** How the block was run, in words (GEMM library, attention backend, scan implementation). */
  impl: Schema.String,
})

/** A timed block: its query (with the GPU and dtype always given) and the measurement. */
export type Measurement = PredictQuery & typeof MeasurementFieldsSchema.Type & { readonly gpu: string; readonly dtype: NonNullable<PredictQuery['dtype']> }

const decodeQuery = Schema.decodeUnknownResult(PredictQuerySchema)
const decodeFields = Schema.decodeUnknownResult(MeasurementFieldsSchema)

function lineError(source: string, line: number, path: string, problem: string): InvalidInput {
  return new InvalidInput({ field: `${source} line ${line}${path === '' ? '' : `: ${path}`}`, problem })
}

/** One line decoded and checked: a query the cost model can answer, for a known GPU, with a positive time. */
export function parseMeasurementLine(text: string, line: number, source: string): Result.Result<Measurement, InvalidInput> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return Result.fail(lineError(source, line, '', 'not valid JSON'))
  }
  // The query schema is a union on `phase`; naming a bad phase directly reads better than the union's own message.
  const phase = typeof value === 'object' && value !== null && 'phase' in value ? (value as { phase: unknown }).phase : undefined
  if (phase !== 'prefill' && phase !== 'decode')
    return Result.fail(lineError(source, line, 'phase', `${phase === undefined ? 'missing' : JSON.stringify(phase)} (expected "prefill" or "decode")`))
  const query = decodeQuery(value)
  if (Result.isFailure(query)) {
    const { path, problem } = schemaProblem(query.failure.message)
    return Result.fail(lineError(source, line, path, problem))
  }
  const fields = decodeFields(value)
  if (Result.isFailure(fields)) {
    const { path, problem } = schemaProblem(fields.failure.message)
    return Result.fail(lineError(source, line, path, problem))
  }
  const q = query.success
  if (q.gpu === undefined) return Result.fail(lineError(source, line, 'gpu', 'missing (a measurement must name the GPU it ran on)'))
  const system = findSystem(q.gpu)
  if (Result.isFailure(system)) return Result.fail(lineError(source, line, 'gpu', system.failure.message))
  const dtype = q.dtype ?? 'bf16'
  const gpu = system.success.gpu
  if (gpu.denseFlops[dtype] === undefined) return Result.fail(lineError(source, line, 'dtype', `${dtype} (${gpu.name} has no ${dtype} tensor cores)`))
  if (q.block.type === 'noop') return Result.fail(lineError(source, line, 'block.type', 'noop (a no-op block runs no kernel; there is nothing to calibrate)'))
  const bad = blockModel(q.block).validate(q.block, 1)
  if (bad !== undefined) return Result.fail(lineError(source, line, `block.${bad.split(':')[0]}`, bad.slice(bad.indexOf(':') + 1).trim()))
  return Result.succeed({ ...q, ...fields.success, gpu: gpu.id, dtype })
}

/** Every non-blank line of a JSON-lines file, or the first bad line's one-line error. */
export function parseMeasurements(text: string, source: string): Result.Result<Measurement[], InvalidInput> {
  const rows: Measurement[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.trim() === '') continue
    const row = parseMeasurementLine(line, i + 1, source)
    if (Result.isFailure(row)) return Result.fail(row.failure)
    rows.push(row.success)
  }
  if (rows.length === 0) return Result.fail(new InvalidInput({ field: source, problem: 'no measurement rows (expected JSON lines from experiments/profiling/profile_blocks.py)' }))
  return Result.succeed(rows)
}
