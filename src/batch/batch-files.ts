import { ensureDir } from '../io/ensure-dir.ts'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import { writeFileAtomic } from './atomic-file.ts'
import { BatchFileError, OutDirNotEmpty, describeThrown } from './errors.ts'
import { JobFields, resolveJob } from './job.ts'
import { shardAssignment } from './shard.ts'
import type { Shard } from './shard.ts'
import { firstIssue, formatPath } from './schema-issue.ts'
import type { ExpandedSpec, IdentifiedJob } from './spec.ts'

/** The files of a batch's output directory. */
export interface BatchPaths {
  readonly out: string
  /** The resolved spec and the shard this directory ran: `{ name?, shard?, jobCount, spec }`. */
  readonly spec: string
  /** Every job of the spec, one `{ id, shard?, job }` line each, defaults and group filled in. */
  readonly jobs: string
  /** One line per finished job, appended as it finishes. */
  readonly results: string
  /** One row per job of this directory's shard. */
  readonly summary: string
}

export function batchPaths(out: string): BatchPaths {
  return {
    out,
    spec: join(out, 'spec.json'),
    jobs: join(out, 'jobs.jsonl'),
    results: join(out, 'results.jsonl'),
    summary: join(out, 'summary.csv'),
  }
}

const fileError = (file: string) => (thrown: unknown) => new BatchFileError({ file, problem: describeThrown(thrown) })

/**
 * Makes `out` ready: created when absent; when it holds anything already, it
 * is accepted only to continue a batch (`resume`), so a fresh batch never
 * mixes its results with another's.
 */
export function prepareOutDir(out: string, resume: boolean): Effect.Effect<void, OutDirNotEmpty | BatchFileError> {
  return Effect.try({
    try: () => {
      if (existsSync(out) && !statSync(out).isDirectory()) return 'not a directory'
      ensureDir(out)
      return readdirSync(out).length === 0 ? 'empty' : 'used'
    },
    catch: fileError(out),
  }).pipe(
    Effect.flatMap((state): Effect.Effect<void, OutDirNotEmpty | BatchFileError> =>
      state === 'not a directory'
        ? Effect.fail(new BatchFileError({ file: out, problem: 'exists and is not a directory; choose another --out' }))
        : state === 'used' && !resume
          ? Effect.fail(new OutDirNotEmpty({ dir: out }))
          : Effect.void,
    ),
  )
}

/** Writes `spec.json` and `jobs.jsonl`, each atomically, so they always describe a whole spec. */
export function writeJobFiles(paths: BatchPaths, expanded: ExpandedSpec, shard: Shard | undefined): Effect.Effect<void, BatchFileError> {
  const assignment = shard === undefined ? undefined : shardAssignment(expanded.jobs.map(({ id }) => id), shard.count)
  const specText = `${JSON.stringify(
    { ...(expanded.name === undefined ? {} : { name: expanded.name }), ...(shard === undefined ? {} : { shard }), jobCount: expanded.jobs.length, spec: expanded.spec },
    null,
    2,
  )}\n`
  const jobsText = expanded.jobs
    .map(({ id, job }) => `${JSON.stringify({ id, ...(assignment === undefined ? {} : { shard: assignment.get(id) }), job })}\n`)
    .join('')
  return Effect.try({ try: () => writeFileAtomic(paths.spec, specText), catch: fileError(paths.spec) }).pipe(
    Effect.andThen(Effect.try({ try: () => writeFileAtomic(paths.jobs, jobsText), catch: fileError(paths.jobs) })),
  )
}

const JobLine = Schema.Struct({
  id: Schema.String,
  shard: Schema.optionalKey(Schema.Int),
  job: JobFields,
})
const decodeJobLine = Schema.decodeUnknownResult(JobLine, { reportInput: true })

/** A job as `jobs.jsonl` lists it: with the shard it was assigned to when the batch ran sharded. */
export interface ListedJob extends IdentifiedJob {
  readonly shard?: number
}

/** Reads `jobs.jsonl`; every line must be a whole job (the file is written atomically). */
export function readJobList(file: string): Effect.Effect<readonly ListedJob[], BatchFileError> {
  return Effect.try({ try: () => readFileSync(file, 'utf8'), catch: fileError(file) }).pipe(
    Effect.flatMap((text) => {
      const jobs: ListedJob[] = []
      const lines = text.split('\n')
      for (let index = 0; index < lines.length; index++) {
        const line = lines[index] as string
        if (line.trim() === '') continue
        let raw: unknown
        try {
          raw = JSON.parse(line)
        } catch (thrown) {
          return Effect.fail(new BatchFileError({ file, problem: `line ${index + 1}: not JSON: ${describeThrown(thrown)}` }))
        }
        const decoded = decodeJobLine(raw)
        if (Result.isFailure(decoded)) {
          const issue = firstIssue(decoded.failure)
          return Effect.fail(new BatchFileError({ file, problem: `line ${index + 1}: ${formatPath(issue.path)}: ${issue.message}` }))
        }
        const { id, shard, job } = decoded.success
        jobs.push({ id, job: resolveJob(job), ...(shard === undefined ? {} : { shard }) })
      }
      return Effect.succeed(jobs)
    }),
  )
}

/** Writes a text file atomically, as a batch file error on failure. */
export function writeBatchFile(file: string, text: string): Effect.Effect<void, BatchFileError> {
  return Effect.try({ try: () => writeFileAtomic(file, text), catch: fileError(file) })
}
