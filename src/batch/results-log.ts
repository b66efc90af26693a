import { closeSync, existsSync, fsyncSync, openSync, readFileSync, statSync, truncateSync } from 'node:fs'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import type * as Scope from 'effect/Scope'
import { BatchFileError, describeThrown } from './errors.ts'
import { JobFields, resolveJob } from './job.ts'
import type { Job } from './job.ts'
import { writeAll, writeFileAtomic } from './atomic-file.ts'
import { firstIssue, formatPath } from './schema-issue.ts'

/**
 * `results.jsonl`: one JSON line per finished job, appended as each finishes.
 *
 * Durability: every line goes out in one `write` on an `O_APPEND` descriptor,
 * so a crash or SIGKILL leaves either the whole line in the kernel's page
 * cache or none of it; only a torn write (power loss, a full disk) can leave
 * a partial last line, which `openResultsLog` cuts away. Lines are not
 * fsynced one by one: that would guard only against power loss, at a disk
 * flush per job; the file is fsynced once when the log closes.
 */

interface RecordBase {
  readonly id: string
  readonly job: Job
  /** Time the job ran, measured in its worker. */
  readonly seconds: number
  /** ISO 8601 time the runner wrote the line. */
  readonly finishedAt: string
}

export type ResultRecord =
  | (RecordBase & { readonly status: 'ok'; readonly result: unknown })
  | (RecordBase & { readonly status: 'failed'; readonly error: string })

const StoredRecord = Schema.Struct({
  id: Schema.String.check(Schema.isPattern(/^[0-9a-f]{12}$/)),
  job: JobFields,
  status: Schema.Literals(['ok', 'failed']),
  result: Schema.optionalKey(Schema.Unknown),
  error: Schema.optionalKey(Schema.String),
  seconds: Schema.Finite,
  finishedAt: Schema.String,
}).check(
  Schema.makeFilter((record) =>
    record.status === 'ok'
      ? 'result' in record || 'an ok record needs a result'
      : record.error !== undefined || 'a failed record needs an error',
  ),
)

const decodeRecord = Schema.decodeUnknownResult(StoredRecord, { reportInput: true })

function parseRecord(line: string): ResultRecord | string {
  let raw: unknown
  try {
    raw = JSON.parse(line)
  } catch (thrown) {
    return `not JSON: ${describeThrown(thrown)}`
  }
  const decoded = decodeRecord(raw)
  if (Result.isFailure(decoded)) {
    const issue = firstIssue(decoded.failure)
    return `not a result record: ${formatPath(issue.path)}${issue.path.length === 0 ? '' : ': '}${issue.message}`
  }
  const { id, status, seconds, finishedAt } = decoded.success
  const job = resolveJob(decoded.success.job)
  return status === 'ok'
    ? { id, job, status, result: decoded.success.result, seconds, finishedAt }
    : { id, job, status, error: decoded.success.error ?? '', seconds, finishedAt }
}

/** The text of a results file split at its last newline: the complete lines, and the bytes of a torn tail. */
function splitComplete(bytes: Buffer): { readonly complete: Buffer; readonly tornBytes: number } {
  const end = bytes.lastIndexOf(0x0a) + 1
  return { complete: bytes.subarray(0, end), tornBytes: bytes.length - end }
}

function parseLines(file: string, text: string): readonly ResultRecord[] | BatchFileError {
  const records: ResultRecord[] = []
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string
    if (line.trim() === '') continue
    const record = parseRecord(line)
    if (typeof record === 'string') return new BatchFileError({ file, problem: `line ${index + 1}: ${record}` })
    records.push(record)
  }
  return records
}

/** What a results file holds; a torn last line is left out and counted, not treated as an error. */
export interface LoadedResults {
  readonly records: readonly ResultRecord[]
  readonly tornBytes: number
}

/** Reads a results file without changing it (a missing file holds no results). */
export function readResults(file: string): Effect.Effect<LoadedResults, BatchFileError> {
  return Effect.try({
    try: () => (existsSync(file) ? readFileSync(file) : Buffer.alloc(0)),
    catch: (thrown) => new BatchFileError({ file, problem: describeThrown(thrown) }),
  }).pipe(
    Effect.flatMap((bytes) => {
      const { complete, tornBytes } = splitComplete(bytes)
      const records = parseLines(file, complete.toString('utf8'))
      return records instanceof BatchFileError ? Effect.fail(records) : Effect.succeed({ records, tornBytes })
    }),
  )
}

/** An open results file that records are appended to. */
export interface ResultsLog {
  readonly file: string
  /** Appends one record as one line, in one write. */
  readonly append: (record: ResultRecord) => Effect.Effect<void, BatchFileError>
}

export function recordLine(record: ResultRecord): string {
  return `${JSON.stringify(record)}\n`
}

/**
 * Opens a results file for appending (creating it), after cutting away a torn
 * last line; closes it, with one fsync, when the scope closes.
 */
export function openResultsLog(file: string): Effect.Effect<ResultsLog & LoadedResults, BatchFileError, Scope.Scope> {
  const fail = (thrown: unknown): BatchFileError => new BatchFileError({ file, problem: describeThrown(thrown) })
  return Effect.gen(function* () {
    const loaded = yield* readResults(file)
    if (loaded.tornBytes > 0) {
      yield* Effect.try({ try: () => truncateSync(file, statSync(file).size - loaded.tornBytes), catch: fail })
    }
    const fd = yield* Effect.acquireRelease(
      Effect.try({ try: () => openSync(file, 'a'), catch: fail }),
      (descriptor) =>
        Effect.sync(() => {
          fsyncSync(descriptor)
          closeSync(descriptor)
        }),
    )
    const append = (record: ResultRecord): Effect.Effect<void, BatchFileError> =>
      Effect.try({ try: () => writeAll(fd, Buffer.from(recordLine(record))), catch: fail })
    return { file, append, ...loaded }
  })
}

/** Replaces a results file with exactly `records`, atomically (used to drop failed records before retrying them). */
export function rewriteResults(file: string, records: readonly ResultRecord[]): Effect.Effect<void, BatchFileError> {
  return Effect.try({
    try: () => writeFileAtomic(file, records.map(recordLine).join('')),
    catch: (thrown) => new BatchFileError({ file, problem: describeThrown(thrown) }),
  })
}
