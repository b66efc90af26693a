import { readFileSync } from 'node:fs'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import { batchPaths, prepareOutDir, readJobList, writeBatchFile, writeJobFiles } from './batch-files.ts'
import type { BatchPaths, ListedJob } from './batch-files.ts'
import { BatchFileError, MergeError, describeThrown } from './errors.ts'
import type { GroupHookError, OutDirNotEmpty } from './errors.ts'
import { canonicalJson } from './job-id.ts'
import { readResults, recordLine } from './results-log.ts'
import type { ResultRecord } from './results-log.ts'
import { firstIssue, formatPath } from './schema-issue.ts'
import { BatchSpec } from './spec.ts'
import type { ExpandedSpec } from './spec.ts'
import type { GroupHook, ResultColumn } from './summary.ts'
import { writeSummaries } from './write-summaries.ts'

export interface MergeOptions {
  /** Output directories of the shards (each written by `runBatch` with a `shard`). */
  readonly dirs: readonly string[]
  /** Directory for the merged batch; must be absent or empty. */
  readonly out: string
  readonly columns?: readonly ResultColumn[]
  readonly onGroup?: GroupHook
}

export interface MergeSummary {
  readonly name?: string
  /** Jobs in the spec. */
  readonly total: number
  readonly ok: number
  readonly failed: number
  /** Jobs no directory holds a result for, with the shard that should have run them. */
  readonly missing: readonly { readonly id: string; readonly shard?: number }[]
  /** Jobs with the same result in several places (timings aside); one copy is kept. */
  readonly duplicates: readonly string[]
  /** Jobs whose results differ between directories; the first directory's is kept. */
  readonly conflicts: readonly { readonly id: string; readonly dirs: readonly string[] }[]
  /** Results for jobs that are not in the spec, left out. */
  readonly stale: number
  readonly paths: BatchPaths
}

const SpecFile = Schema.Struct({ name: Schema.optionalKey(Schema.String), spec: BatchSpec })
const decodeSpecFile = Schema.decodeUnknownResult(SpecFile)

function readSpecFile(file: string): Effect.Effect<typeof SpecFile.Type, BatchFileError> {
  return Effect.try({
    try: () => JSON.parse(readFileSync(file, 'utf8')) as unknown,
    catch: (thrown) => new BatchFileError({ file, problem: describeThrown(thrown) }),
  }).pipe(
    Effect.flatMap((raw) => {
      const decoded = decodeSpecFile(raw)
      if (Result.isSuccess(decoded)) return Effect.succeed(decoded.success)
      const issue = firstIssue(decoded.failure)
      return Effect.fail(new BatchFileError({ file, problem: `${formatPath(issue.path)}: ${issue.message}` }))
    }),
  )
}

/** A record's content without its timings, which differ between runs of the same job. */
const content = (record: ResultRecord): string =>
  canonicalJson({ ...record, seconds: undefined, finishedAt: undefined })

function sameJobs(first: readonly ListedJob[], other: readonly ListedJob[]): boolean {
  const ids = new Set(first.map(({ id }) => id))
  return first.length === other.length && other.every(({ id }) => ids.has(id))
}

/**
 * Combines the results of a sharded batch into one output directory, with
 * the whole job list, `summary.csv` and the group hooks, and reports the jobs
 * that are missing, found twice alike, or found twice different.
 */
export function mergeShards(
  options: MergeOptions,
): Effect.Effect<MergeSummary, MergeError | BatchFileError | OutDirNotEmpty | GroupHookError> {
  return Effect.gen(function* () {
    const [firstDir] = options.dirs
    if (firstDir === undefined) return yield* Effect.fail(new MergeError({ problem: 'no shard directories given' }))
    const specFile = yield* readSpecFile(batchPaths(firstDir).spec)
    const jobs = yield* readJobList(batchPaths(firstDir).jobs)
    const expected = new Set(jobs.map(({ id }) => id))

    const kept = new Map<string, { readonly record: ResultRecord; readonly dir: string }>()
    const duplicates = new Set<string>()
    const conflicts = new Map<string, string[]>()
    let stale = 0
    for (const dir of options.dirs) {
      const paths = batchPaths(dir)
      const listed = yield* readJobList(paths.jobs)
      if (!sameJobs(jobs, listed))
        return yield* Effect.fail(
          new MergeError({ problem: `${dir} lists other jobs than ${firstDir} (${listed.length} against ${jobs.length}); merge only shards of one spec` }),
        )
      const { records } = yield* readResults(paths.results)
      for (const record of records) {
        const earlier = kept.get(record.id)
        if (!expected.has(record.id)) stale += 1
        else if (earlier === undefined) kept.set(record.id, { record, dir })
        else if (content(earlier.record) === content(record)) duplicates.add(record.id)
        else conflicts.set(record.id, [...(conflicts.get(record.id) ?? [earlier.dir]), dir])
      }
    }

    const paths = batchPaths(options.out)
    yield* prepareOutDir(paths.out, false)
    const expanded: ExpandedSpec = {
      ...(specFile.name === undefined ? {} : { name: specFile.name }),
      spec: specFile.spec,
      jobs: jobs.map(({ id, job }) => ({ id, job })),
    }
    yield* writeJobFiles(paths, expanded, undefined)
    const records = new Map([...kept].map(([id, { record }]) => [id, record]))
    const ordered = jobs.flatMap(({ id }) => {
      const record = records.get(id)
      return record === undefined ? [] : [record]
    })
    yield* writeBatchFile(paths.results, ordered.map(recordLine).join(''))
    yield* writeSummaries(paths, expanded.jobs, records, options.columns ?? [], options.onGroup)

    const failed = ordered.filter((record) => record.status === 'failed').length
    return {
      ...(specFile.name === undefined ? {} : { name: specFile.name }),
      total: jobs.length,
      ok: ordered.length - failed,
      failed,
      missing: jobs
        .filter(({ id }) => !records.has(id))
        .map(({ id, shard }) => (shard === undefined ? { id } : { id, shard })),
      duplicates: [...duplicates].filter((id) => !conflicts.has(id)),
      conflicts: [...conflicts].map(([id, dirs]) => ({ id, dirs })),
      stale,
      paths,
    } satisfies MergeSummary
  })
}
