import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Effect from 'effect/Effect'
import * as Exit from 'effect/Exit'
import { describe, expect, it } from 'vitest'
import { batchPaths } from './batch-files.ts'
import { mergeShards } from './merge.ts'
import { readResults, recordLine } from './results-log.ts'
import type { ResultRecord } from './results-log.ts'
import { batchOutcome, runBatch } from './runner.ts'
import type { BatchOptions } from './runner.ts'
import { expandSpec } from './spec.ts'
import type { GroupResults } from './summary.ts'
import { runJob } from './testing/fake-job.ts'

const fakeJob = fileURLToPath(new URL('./testing/fake-job.ts', import.meta.url))
const spec = Effect.runSync(
  expandSpec({
    name: 'fake',
    defaults: { gpu: 'h100-sxm', input: 128, output: 1024 },
    axes: { parent: ['llama-3.1-8b', 'llama-3.3-70b', 'bad-model'], speedup: [1.5, 2, 1000] },
    jobs: [{ parent: 'crash-worker', speedup: 2 }],
  }),
)
const knownParents = new Set(['llama-3.1-8b', 'llama-3.3-70b'])
const failing = new Set(spec.jobs.filter(({ job }) => !knownParents.has(job.parent) || job.speedup === 1000).map(({ id }) => id))

const freshDir = (): string => join(mkdtempSync(join(tmpdir(), 'nas-sim-batch-')), 'out')
const options = (out: string, extra: Partial<BatchOptions> = {}): BatchOptions => ({ spec, jobModule: fakeJob, out, workers: 2, progress: false, ...extra })
const run = (batch: BatchOptions) => Effect.runPromise(runBatch(batch))
const failureOf = async (effect: Effect.Effect<unknown, { readonly message: string }>): Promise<string> => {
  const exit = await Effect.runPromiseExit(effect)
  const reason = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
  if (reason?._tag !== 'Fail') throw new Error(`expected a failure, got ${String(exit)}`)
  return reason.error.message
}
const resultsOf = (out: string): readonly ResultRecord[] => Effect.runSync(readResults(batchPaths(out).results)).records
/** Records without their timings, keyed by id, for comparing runs. */
const contentOf = (records: readonly ResultRecord[]) =>
  new Map(records.map(({ seconds: _seconds, finishedAt: _finishedAt, ...rest }) => [rest.id, rest]))

describe('runBatch', () => {
  it('runs every job once in worker threads, records the failures, and the other jobs succeed', async () => {
    const out = freshDir()
    const summary = await run(options(out))
    expect(summary).toMatchObject({ name: 'fake', total: 10, ok: 4, failed: 6, pending: 0, ran: 10, resumed: 0, stale: 0 })
    expect(new Set(summary.failedIds)).toEqual(failing)
    expect(batchOutcome(summary)).toBe('failed')

    const records = resultsOf(out)
    expect(records.map(({ id }) => id).sort()).toEqual(spec.jobs.map(({ id }) => id).sort())
    for (const record of records) {
      const { job } = spec.jobs.find(({ id }) => id === record.id) ?? { job: undefined }
      expect(record.job).toEqual(job)
      if (record.status === 'ok') expect(record.result).toEqual(await runJob(record.job))
    }
    const errors = records.flatMap((record) => (record.status === 'failed' ? [record.error] : []))
    expect(errors).toContain('unknown parent "bad-model"')
    expect(errors).toContain('infeasible budget: speedup 1000 (the best achievable is 4.2)')
    expect(errors).toContain('the worker crashed: the worker exited with code 3')

    const paths = batchPaths(out)
    expect(readFileSync(paths.jobs, 'utf8').trimEnd().split('\n')).toHaveLength(10)
    expect(JSON.parse(readFileSync(paths.spec, 'utf8'))).toMatchObject({ name: 'fake', jobCount: 10 })
    expect(readFileSync(paths.summary, 'utf8').trimEnd().split('\n')).toHaveLength(11)
  })

  it('refuses to run into a non-empty directory without resume, in one line', async () => {
    const out = freshDir()
    await run(options(out))
    expect(await failureOf(runBatch(options(out)))).toBe(
      `output directory ${out} is not empty: pass --resume to continue the batch there, or choose another --out`,
    )
  })

  it('on resume skips every job with a result, failed ones too, and re-runs failures only when asked', async () => {
    const out = freshDir()
    const first = await run(options(out))
    const resumed = await run(options(out, { resume: true }))
    expect(resumed).toMatchObject({ ran: 0, resumed: 10, ok: 4, failed: 6 })

    const retried = await run(options(out, { retryFailed: true }))
    expect(retried).toMatchObject({ ran: 6, resumed: 4, ok: 4, failed: 6 })
    const records = resultsOf(out)
    expect(records).toHaveLength(10)
    expect(contentOf(records)).toEqual(contentOf(resultsOf(first.paths.out)))
  })

  it('writes the caller columns into summary.csv and calls the group hook once per group', async () => {
    const out = freshDir()
    const groups: GroupResults[] = []
    await run(
      options(out, {
        columns: [{ name: 'quality', value: (result) => (result as { quality: number }).quality }],
        onGroup: (group) => void groups.push(group),
      }),
    )
    expect(readFileSync(batchPaths(out).summary, 'utf8').split('\n')[0]).toMatch(/,quality$/)
    expect(groups.map(({ group }) => group.split(' ')[0])).toEqual(['llama-3.1-8b', 'llama-3.3-70b', 'bad-model', 'crash-worker'])
    expect(groups[0]?.ok).toHaveLength(2)
    expect(groups[0]?.failed).toHaveLength(1)
  })

  it('when stopped, starts no new job, saves those in flight, and a resume finishes the rest', async () => {
    const out = freshDir()
    const stop = new AbortController()
    const progress = { write: (text: string) => void (text.startsWith('[1/') && stop.abort()) }
    const stopped = await run(options(out, { stop: stop.signal, progress }))
    expect(stopped.interrupted).toBe('stopped')
    expect(batchOutcome(stopped)).toBe('interrupted')
    expect(stopped.ran).toBeGreaterThanOrEqual(1)
    expect(stopped.ran).toBeLessThan(10)
    expect(resultsOf(out)).toHaveLength(stopped.ran)

    const finished = await run(options(out, { resume: true }))
    expect(finished).toMatchObject({ resumed: stopped.ran, ran: 10 - stopped.ran, pending: 0 })
    expect(resultsOf(out)).toHaveLength(10)
  })

  it('when abandoned, drops the jobs in flight and returns at once, every saved line whole', async () => {
    const out = freshDir()
    const abandon = new AbortController()
    const progress = { write: (text: string) => void (text.startsWith('[1/') && abandon.abort()) }
    const abandoned = await run(options(out, { abandon: abandon.signal, progress }))
    expect(abandoned.interrupted).toBe('abandoned')
    expect(abandoned.pending).toBeGreaterThan(0)
    expect(resultsOf(out)).toHaveLength(abandoned.ran)
    expect(readFileSync(batchPaths(out).results, 'utf8').endsWith('\n')).toBe(true)
  })

  it('fails in one line when the job module cannot be loaded or exports no runJob', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-sim-module-'))
    const noRunJob = join(dir, 'no-run-job.mjs')
    writeFileSync(noRunJob, 'export const runJobs = () => 1\n')
    expect(await failureOf(runBatch(options(freshDir(), { jobModule: noRunJob })))).toMatch(/^job module file:.*no-run-job\.mjs: exports no runJob function$/)
    const missing = join(dir, 'missing.mjs')
    expect(await failureOf(runBatch(options(freshDir(), { jobModule: missing })))).toMatch(/^job module file:.*missing\.mjs: cannot be loaded: /)
  })

  it('records a job over the time limit as failed, replaces its worker, and runs the rest', async () => {
    const slow = Effect.runSync(
      expandSpec({ defaults: { gpu: 'h200', input: 128, output: 1024, speedup: 2 }, axes: { parent: ['slow-model', 'llama-3.1-8b', 'qwen-2.5-72b', 'llama-3.3-70b'] } }),
    )
    const started = performance.now()
    const summary = await run(options(freshDir(), { spec: slow, workers: 1, jobTimeoutSeconds: 0.3 }))
    expect(performance.now() - started).toBeLessThan(20_000)
    expect(summary).toMatchObject({ ok: 3, failed: 1 })
    const timedOut = resultsOf(summary.paths.out).find((record) => record.job.parent === 'slow-model')
    expect(timedOut?.status === 'failed' && timedOut.error).toBe('timed out after 0.3 s; its worker was stopped')
  })

  it('rejects a worker count that is not a whole number of at least 1, and a time limit that is not positive', async () => {
    expect(await failureOf(runBatch(options(freshDir(), { workers: 0 })))).toBe('--workers: 0 is not a whole number of at least 1')
    expect(await failureOf(runBatch(options(freshDir(), { jobTimeoutSeconds: 0 })))).toBe('--job-timeout: 0 is not a positive number of seconds')
  })
})

describe('mergeShards', () => {
  it('combines shards into the same results as one run, and reports what is missing', async () => {
    const whole = await run(options(freshDir()))
    const shardDirs = [freshDir(), freshDir(), freshDir()]
    for (const [index, out] of shardDirs.entries()) await run(options(out, { shard: { index: index + 1, count: 3 } }))

    const merged = await Effect.runPromise(mergeShards({ dirs: shardDirs, out: freshDir() }))
    expect(merged).toMatchObject({ name: 'fake', total: 10, ok: 4, failed: 6, missing: [], duplicates: [], conflicts: [], stale: 0 })
    expect(contentOf(resultsOf(merged.paths.out))).toEqual(contentOf(resultsOf(whole.paths.out)))
    expect(existsSync(merged.paths.summary)).toBe(true)

    const partial = await Effect.runPromise(mergeShards({ dirs: shardDirs.slice(0, 2), out: freshDir() }))
    const third = resultsOf(shardDirs[2] as string).map(({ id }) => id)
    expect(partial.missing.map(({ id }) => id).sort()).toEqual([...third].sort())
    expect(partial.missing.every(({ shard }) => shard === 3)).toBe(true)
  })

  it('keeps one copy of a job found twice alike and reports one found twice different', async () => {
    const first = await run(options(freshDir()))
    const second = freshDir()
    await run(options(second))
    const records = resultsOf(second)
    const changed = records.map((record, index) =>
      index === 0 && record.status === 'ok' ? { ...record, result: { quality: -1 } } : index === 0 ? { ...record, error: 'other' } : record,
    )
    writeFileSync(batchPaths(second).results, changed.map(recordLine).join(''))

    const merged = await Effect.runPromise(mergeShards({ dirs: [first.paths.out, second], out: freshDir() }))
    expect(merged.conflicts).toEqual([{ id: records[0]?.id, dirs: [first.paths.out, second] }])
    expect(merged.duplicates).toHaveLength(9)
    expect(resultsOf(merged.paths.out)).toHaveLength(10)
  })

  it('refuses directories of different specs', async () => {
    const one = await run(options(freshDir()))
    const other = Effect.runSync(expandSpec({ jobs: [{ parent: 'llama-3.1-8b', gpu: 'h200', input: 1, output: 1, speedup: 2 }] }))
    const two = await run(options(freshDir(), { spec: other }))
    expect(await failureOf(mergeShards({ dirs: [one.paths.out, two.paths.out], out: freshDir() }))).toBe(
      `merge: ${two.paths.out} lists other jobs than ${one.paths.out} (1 against 10); merge only shards of one spec`,
    )
  })
})
