import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as Duration from 'effect/Duration'
import * as Effect from 'effect/Effect'
import * as Fiber from 'effect/Fiber'
import type * as Scope from 'effect/Scope'
import { batchPaths, prepareOutDir, writeJobFiles } from './batch-files.ts'
import type { BatchPaths } from './batch-files.ts'
import { BatchOptionError } from './errors.ts'
import type { BatchError, BatchFileError, JobModuleError } from './errors.ts'
import { startJobWorker } from './job-worker.ts'
import type { JobWorker, WorkerLost } from './job-worker.ts'
import { makeProgressReporter } from './progress-reporter.ts'
import { lockDirectory } from './dir-lock.ts'
import type { ProgressOutput, ProgressReporter } from './progress-reporter.ts'
import type { ProgressState } from './progress.ts'
import { openResultsLog, readResults, rewriteResults } from './results-log.ts'
import type { LoadedResults, ResultRecord, ResultsLog } from './results-log.ts'
import { selectShard } from './shard.ts'
import type { Shard } from './shard.ts'
import type { ExpandedSpec, IdentifiedJob } from './spec.ts'
import type { GroupHook, ResultColumn } from './summary.ts'
import { writeSummaries } from './write-summaries.ts'
import type { JobOutcome } from './worker-protocol.ts'

export interface BatchOptions {
  /** The jobs, from `loadBatchSpec` or `expandSpec`. */
  readonly spec: ExpandedSpec
  /** Path or `file:` URL of the module whose `runJob(job)` (sync or async) runs one job in a worker; its result must be JSON. */
  readonly jobModule: string
  /** Output directory; created when absent. */
  readonly out: string
  /** Worker threads; default `os.availableParallelism()`. */
  readonly workers?: number
  /** Continue the batch in `out`: run only the jobs without a result there. Without it, a non-empty `out` is refused. */
  readonly resume?: boolean
  /** Also re-run the jobs whose result in `out` is a failure (implies `resume`). */
  readonly retryFailed?: boolean
  /** Run only this shard of the jobs. */
  readonly shard?: Shard
  /** Progress: a bar redrawn in place on a terminal, log lines otherwise; `false` for none. Default `process.stdout`. */
  readonly progress?: ProgressOutput | false
  /** Result columns of `summary.csv` after the job's own. */
  readonly columns?: readonly ResultColumn[]
  /** Longest a job may run, in seconds; a job over it is recorded as failed and its worker replaced. Default: no limit. */
  readonly jobTimeoutSeconds?: number
  /** Called once per group after the run, e.g. to draw the group's combined Pareto plot. */
  readonly onGroup?: GroupHook
  /** When aborted, no further job starts; those in flight finish and are recorded. */
  readonly stop?: AbortSignal
  /** When aborted, the jobs in flight are abandoned (their workers terminated, nothing recorded for them). */
  readonly abandon?: AbortSignal
}

export interface BatchSummary {
  readonly name?: string
  /** Jobs in this run's share of the spec (all of them, or the shard's). */
  readonly total: number
  /** Jobs of the share with an ok result, from this run or an earlier one. */
  readonly ok: number
  readonly failed: number
  /** Jobs of the share with no result: the run was interrupted before them. */
  readonly pending: number
  /** Jobs this run ran. */
  readonly ran: number
  /** Jobs skipped because `out` already held their result. */
  readonly resumed: number
  readonly failedIds: readonly string[]
  /** Results in `out` for jobs that are not in this spec (left in place). */
  readonly stale: number
  /** How the run ended early, if it did. */
  readonly interrupted?: 'stopped' | 'abandoned'
  /** Wall time of the run. */
  readonly seconds: number
  readonly paths: BatchPaths
}

/** How a batch ended, for a CLI's exit status: every job succeeded, some failed, or it was interrupted with jobs left. */
export function batchOutcome(summary: BatchSummary): 'ok' | 'failed' | 'interrupted' {
  if (summary.pending > 0) return 'interrupted'
  return summary.failed > 0 ? 'failed' : 'ok'
}

/** How often a terminal's progress bar redraws while no job ends. */
const tickInterval = '1 second'

const moduleUrl = (module: string): string => (module.startsWith('file:') ? module : pathToFileURL(resolve(module)).href)

const abortOf = (signal: AbortSignal): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    const onAbort = (): void => resume(Effect.void)
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    return Effect.sync(() => signal.removeEventListener('abort', onAbort))
  })

function toRecord(job: IdentifiedJob, outcome: JobOutcome | WorkerLost, seconds: number): ResultRecord {
  const finishedAt = new Date().toISOString()
  if (outcome.kind === 'lost') return { id: job.id, job: job.job, status: 'failed', error: outcome.error, seconds, finishedAt }
  return outcome.ok
    ? { id: job.id, job: job.job, status: 'ok', result: JSON.parse(outcome.resultJson) as unknown, seconds: outcome.seconds, finishedAt }
    : { id: job.id, job: job.job, status: 'failed', error: outcome.error, seconds: outcome.seconds, finishedAt }
}

/** Drops the failed results of `jobs` from the results file, so that they run again and each job keeps one line. */
function dropFailed(file: string, jobs: readonly IdentifiedJob[]): Effect.Effect<void, BatchFileError> {
  return Effect.gen(function* () {
    const { records } = yield* readResults(file)
    const retried = new Set(jobs.map(({ id }) => id))
    const kept = records.filter((record) => !(record.status === 'failed' && retried.has(record.id)))
    if (kept.length < records.length) yield* rewriteResults(file, kept)
  })
}

/** Runs `pending` over `lanes` workers, appending each result as it arrives. */
function runPending(
  pending: readonly IdentifiedJob[],
  lanes: number,
  options: BatchOptions,
  log: ResultsLog,
  onRecord: (record: ResultRecord) => void,
): Effect.Effect<void, JobModuleError | BatchFileError> {
  let next = 0
  const takeNext = (): IdentifiedJob | undefined => (options.stop?.aborted === true ? undefined : pending[next++])
  const jobModule = moduleUrl(options.jobModule)
  const limit = options.jobTimeoutSeconds
  const runWithin = (worker: JobWorker, job: IdentifiedJob): Effect.Effect<JobOutcome | WorkerLost> => {
    const running = worker.run({ id: job.id, job: job.job })
    return limit === undefined
      ? running
      : Effect.timeoutOrElse(running, {
          duration: Duration.seconds(limit),
          orElse: () => Effect.succeed<WorkerLost>({ kind: 'lost', error: `timed out after ${limit} s; its worker was stopped` }),
        })
  }
  const runOn = (first: IdentifiedJob): Effect.Effect<IdentifiedJob | undefined, JobModuleError | BatchFileError> =>
    Effect.scoped(
      Effect.gen(function* () {
        const worker = yield* startJobWorker(jobModule)
        for (let job: IdentifiedJob | undefined = first; job !== undefined; job = takeNext()) {
          const start = performance.now()
          const outcome = yield* runWithin(worker, job)
          const record = toRecord(job, outcome, Math.round(performance.now() - start) / 1000)
          yield* log.append(record)
          onRecord(record)
          // A lost worker is dead or busy with an abandoned job; the lane goes on with a fresh one.
          if (outcome.kind === 'lost') return takeNext()
        }
        return undefined
      }),
    )
  const lane = Effect.gen(function* () {
    for (let job = takeNext(); job !== undefined; ) job = yield* runOn(job)
  })
  return Effect.forEach(Array.from({ length: lanes }), () => lane, { concurrency: lanes, discard: true })
}

function startNote(options: BatchOptions, pending: number, resumed: number, workers: number): string {
  const name = options.spec.name === undefined ? 'batch' : `batch "${options.spec.name}"`
  const shard = options.shard === undefined ? '' : `, shard ${options.shard.index}/${options.shard.count}`
  const done = resumed > 0 ? ` (${resumed} already done)` : ''
  const work = pending === 0 ? 'nothing to run' : `${pending} jobs to run on ${workers} worker${workers === 1 ? '' : 's'}`
  return `${name}${shard}: ${work}${done}, results in ${options.out}`
}

function watchInterrupts(options: BatchOptions, reporter: ProgressReporter): Effect.Effect<void, never, Scope.Scope> {
  const listen = (signal: AbortSignal | undefined, text: string): Effect.Effect<void, never, Scope.Scope> =>
    signal === undefined ? Effect.void : Effect.forkScoped(abortOf(signal).pipe(Effect.andThen(Effect.sync(() => reporter.note(text))))).pipe(Effect.asVoid)
  return listen(options.stop, 'stopping: no new jobs start; those in flight finish and are saved').pipe(
    Effect.andThen(listen(options.abandon, 'abandoning the jobs in flight; run again with --resume to finish the batch')),
  )
}

function checkOptions(options: BatchOptions): Effect.Effect<number, BatchOptionError> {
  const workers = options.workers ?? availableParallelism()
  const limit = options.jobTimeoutSeconds
  if (!Number.isInteger(workers) || workers < 1)
    return Effect.fail(new BatchOptionError({ option: '--workers', problem: `${workers} is not a whole number of at least 1` }))
  if (limit !== undefined && !(limit > 0 && Number.isFinite(limit)))
    return Effect.fail(new BatchOptionError({ option: '--job-timeout', problem: `${limit} is not a positive number of seconds` }))
  return Effect.succeed(workers)
}

/** Makes `out` ready and opens its results log: refuses a used directory unless resuming, drops failures to retry, writes the job list. */
function openOutDir(
  paths: BatchPaths,
  options: BatchOptions,
  mine: readonly IdentifiedJob[],
): Effect.Effect<ResultsLog & LoadedResults, BatchError, Scope.Scope> {
  return Effect.gen(function* () {
    const retryFailed = options.retryFailed === true
    yield* prepareOutDir(paths.out, options.resume === true || retryFailed)
    // Held until the batch ends: a second run into the same directory fails at once rather than run jobs twice.
    yield* lockDirectory(paths.out)
    if (retryFailed) yield* dropFailed(paths.results, mine)
    const log = yield* openResultsLog(paths.results)
    yield* writeJobFiles(paths, options.spec, options.shard)
    return log
  })
}

function summarize(
  options: BatchOptions,
  paths: BatchPaths,
  mine: readonly IdentifiedJob[],
  records: ReadonlyMap<string, ResultRecord>,
  run: { readonly ran: number; readonly resumed: number; readonly abandoned: boolean; readonly seconds: number },
): BatchSummary {
  const present = mine.flatMap(({ id }) => {
    const record = records.get(id)
    return record === undefined ? [] : [record]
  })
  const failedIds = present.filter((record) => record.status === 'failed').map(({ id }) => id)
  const specIds = new Set(options.spec.jobs.map(({ id }) => id))
  const pending = mine.length - present.length
  const interrupted = run.abandoned ? 'abandoned' : pending > 0 ? 'stopped' : undefined
  return {
    ...(options.spec.name === undefined ? {} : { name: options.spec.name }),
    total: mine.length,
    ok: present.length - failedIds.length,
    failed: failedIds.length,
    pending,
    ran: run.ran,
    resumed: run.resumed,
    failedIds,
    stale: [...records.keys()].filter((id) => !specIds.has(id)).length,
    ...(interrupted === undefined ? {} : { interrupted }),
    seconds: run.seconds,
    paths,
  }
}

/**
 * Runs a batch: every job of the spec (or of its shard) without a result in
 * `out`, over worker threads, appending each result to `results.jsonl` as it
 * finishes; then writes `summary.csv` and calls the group hook per group.
 * A failing job is recorded and the others go on.
 */
export function runBatch(options: BatchOptions): Effect.Effect<BatchSummary, BatchError> {
  return Effect.scoped(
    Effect.gen(function* () {
      const workers = yield* checkOptions(options)
      const startedAt = performance.now()
      const elapsed = (): number => (performance.now() - startedAt) / 1000
      const paths = batchPaths(options.out)
      const mine = options.shard === undefined ? options.spec.jobs : selectShard(options.spec.jobs, options.shard)
      const log = yield* openOutDir(paths, options, mine)
      const records = new Map(log.records.map((record) => [record.id, record]))
      const pending = mine.filter(({ id }) => !records.has(id))

      const lanes = Math.min(workers, pending.length)
      const reporter = makeProgressReporter(options.progress ?? process.stdout)
      reporter.note(startNote(options, pending.length, mine.length - pending.length, lanes))
      yield* watchInterrupts(options, reporter)
      let done = 0
      let failed = 0
      const state = (): ProgressState => ({ total: pending.length, done, failed, elapsedSeconds: elapsed() })
      const onRecord = (record: ResultRecord): void => {
        records.set(record.id, record)
        done += 1
        if (record.status === 'failed') failed += 1
        reporter.jobFinished(state(), record)
      }
      // The bar's clock ticks while jobs run, not only when one ends (a search can take a minute).
      const ticker = yield* Effect.forkScoped(Effect.forever(Effect.sleep(tickInterval).pipe(Effect.andThen(Effect.sync(() => reporter.tick(state()))))))
      const run = runPending(pending, lanes, options, log, onRecord).pipe(Effect.as(false))
      const abandoned = yield* options.abandon === undefined ? run : Effect.raceFirst(run, abortOf(options.abandon).pipe(Effect.as(true)))
      yield* Fiber.interrupt(ticker)
      reporter.close(state())

      yield* writeSummaries(paths, mine, records, options.columns ?? [], options.onGroup)
      return summarize(options, paths, mine, records, { ran: done, resumed: mine.length - pending.length, abandoned, seconds: elapsed() })
    }),
  )
}
