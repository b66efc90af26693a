/**
 * A request trace as CSV with a header row: one request per row, its arrival
 * time in seconds from the start and its prompt and output lengths in tokens:
 *
 *     arrival,input,output
 *     0.00,512,128
 *     0.37,2048,64
 *
 * The columns may also be named `arrival_time`/`timestamp`, `input_tokens`/
 * `prompt_tokens` and `output_tokens`; other columns are ignored. Parsed with
 * d3-dsv (RFC 4180 quoting), decoded with one Effect Schema per row.
 */
import { csvParse } from 'd3'
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import { InvalidInput, schemaProblem } from '../errors.ts'

export interface TraceRequest {
  /** Seconds from the start of the trace. */
  readonly arrival: number
  readonly input: number
  readonly output: number
}

const Tokens = Schema.FiniteFromString.check(Schema.isInt(), Schema.isGreaterThan(0))
const TraceRow = Schema.Struct({
  arrival: Schema.FiniteFromString.check(Schema.isGreaterThanOrEqualTo(0)),
  input: Tokens,
  output: Tokens,
})

const aliases: Readonly<Record<keyof TraceRequest, readonly string[]>> = {
  arrival: ['arrival', 'arrival_time', 'timestamp'],
  input: ['input', 'input_tokens', 'prompt_tokens'],
  output: ['output', 'output_tokens'],
}

/** The column each field is read from, or the one-line error naming the missing one. */
function columnsOf(header: readonly string[], file: string): Result.Result<Record<keyof TraceRequest, string>, InvalidInput> {
  const found: Partial<Record<keyof TraceRequest, string>> = {}
  for (const field of Object.keys(aliases) as (keyof TraceRequest)[]) {
    const column = header.find((h) => aliases[field].includes(h.trim().toLowerCase()))
    if (column === undefined)
      return Result.fail(new InvalidInput({ field: file, problem: `no ${field} column (expected a header with ${aliases[field].join(' or ')}; found ${header.join(', ') || 'none'})` }))
    found[field] = column
  }
  return Result.succeed(found as Record<keyof TraceRequest, string>)
}

/** CSV text → trace requests, with errors naming the file, line and column. */
export function parseTraceCsv(text: string, file: string): Result.Result<readonly TraceRequest[], InvalidInput> {
  const rows = csvParse(text)
  const columns = columnsOf(rows.columns, file)
  if (Result.isFailure(columns)) return Result.fail(columns.failure)
  const c = columns.success
  const decode = Schema.decodeUnknownResult(TraceRow)
  const requests: TraceRequest[] = []
  for (const [i, row] of rows.entries()) {
    const raw: Record<string, string | undefined> = { arrival: row[c.arrival]?.trim(), input: row[c.input]?.trim(), output: row[c.output]?.trim() }
    const decoded = decode(raw)
    if (Result.isFailure(decoded)) {
      const { path, problem } = schemaProblem(decoded.failure.message)
      // Line numbers count the header as line 1.
      return Result.fail(new InvalidInput({ field: `${file}: line ${i + 2}: ${path}`, problem: `"${raw[path] ?? ''}" (${problem})` }))
    }
    requests.push(decoded.success)
  }
  if (requests.length === 0) return Result.fail(new InvalidInput({ field: file, problem: 'no requests (expected a header row, then one row per request)' }))
  return Result.succeed(requests)
}
