import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import * as Effect from 'effect/Effect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { batchPaths } from './batch-files.ts'
import { readResults } from './results-log.ts'
import type { ResultRecord } from './results-log.ts'
import { runBatch } from './runner.ts'
import { loadBatchSpec } from './spec.ts'

/**
 * Runs a batch in a child process, kills it with SIGKILL at random moments
 * and resumes it, again and again, then checks that nothing was lost or
 * doubled: the results hold every job exactly once, as an uninterrupted run does.
 */

const repo = fileURLToPath(new URL('../..', import.meta.url))
const driver = fileURLToPath(new URL('./testing/driver.ts', import.meta.url))
const fakeJob = fileURLToPath(new URL('./testing/fake-job.ts', import.meta.url))

/** 200 jobs of 2-10 ms each: long enough on two workers that most kills land mid-run. */
const specText = `name: kill test
defaults: { gpu: h100-sxm, input: 128, output: 1024 }
axes:
  parent: [llama-3.1-8b, llama-3.3-70b, qwen-2.5-72b, bad-model]
  speedup: [1.5, 2, 3, 4, 1000]
  tp: [1, 2, 4, 8, 3]
  gpu: [h100-sxm, h200]
jobs:
  - { parent: crash-worker, speedup: 2 }
`
const jobCount = 4 * 5 * 5 * 2 + 1

interface ChildRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
}

/** Starts the driver; `act` may signal the child, given a promise of its first progress line. */
function runDriver(
  specFile: string,
  out: string,
  act: (child: ReturnType<typeof spawn>, firstLine: Promise<void>) => void = () => undefined,
): Promise<ChildRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', driver, specFile, out, fakeJob, '--workers', '2', '--resume'], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  const firstLine = new Promise<void>((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (/^\[\d+\//m.test(stdout)) resolve()
    })
  })
  child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))
  act(child, firstLine)
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (code === 2) reject(new Error(`driver failed: ${stderr}`))
      else resolve({ code, signal, stdout })
    })
  })
}

const resultsOf = (out: string): readonly ResultRecord[] =>
  existsSync(batchPaths(out).results) ? Effect.runSync(readResults(batchPaths(out).results)).records : []
const withoutTimings = (records: readonly ResultRecord[]): ReadonlyMap<string, unknown> =>
  new Map(records.map(({ seconds: _seconds, finishedAt: _finishedAt, ...rest }) => [rest.id, rest]))

describe('a batch killed at random moments and resumed', () => {
  it('ends with every job exactly once, identical to an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-sim-kill-'))
    const specFile = join(dir, 'spec.yaml')
    writeFileSync(specFile, specText)

    const reference = join(dir, 'reference')
    const spec = Effect.runSync(loadBatchSpec(specFile))
    expect(spec.jobs).toHaveLength(jobCount)
    await Effect.runPromise(runBatch({ spec, jobModule: fakeJob, out: reference, workers: 2, progress: false }))

    // Seeded, so a failure can be replayed: half the kills at a random time
    // after start (often before any job), half just after jobs begin to finish.
    const kills = 20
    const delays = fc.sample(fc.integer({ min: 0, max: 120 }), { seed: 20250101, numRuns: kills })
    const out = join(dir, 'killed')
    let midRun = 0
    for (const [index, delay] of delays.entries()) {
      const before = resultsOf(out).length
      const run = await runDriver(specFile, out, (child, firstLine) => {
        const start = index % 2 === 0 ? sleep(delay * 8) : firstLine
        void start.then(() => setTimeout(() => child.kill('SIGKILL'), delay))
      })
      const records = resultsOf(out)
      // Every stored line is a whole record, and no job is there twice.
      expect(new Set(records.map(({ id }) => id)).size).toBe(records.length)
      if (run.signal === 'SIGKILL' && records.length > before && records.length < jobCount) midRun += 1
      // A SIGKILL cannot tear a line, but a power loss can: leave a torn tail now and then for the resume to cut away.
      if (index % 4 === 3 && existsSync(batchPaths(out).results)) appendFileSync(batchPaths(out).results, '{"id":"0123456789ab","job":{"par')
    }
    // The kills after the first finished job always land mid-run while jobs remain.
    expect(midRun).toBeGreaterThanOrEqual(4)

    const last = await runDriver(specFile, out)
    expect(last.code).toBe(3)
    const records = resultsOf(out)
    expect(readFileSync(batchPaths(out).results, 'utf8').trimEnd().split('\n')).toHaveLength(jobCount)
    expect(withoutTimings(records)).toEqual(withoutTimings(resultsOf(reference)))
  }, 180_000)

  it('with two runners resuming one directory at once, runs every job exactly once (the second waits its turn or is refused)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-sim-two-'))
    const specFile = join(dir, 'spec.yaml')
    writeFileSync(specFile, specText)
    const out = join(dir, 'out')
    const outcomes = await Promise.allSettled([runDriver(specFile, out), runDriver(specFile, out)])
    // A refused runner says why in one line: the directory is in use by the other.
    for (const o of outcomes) if (o.status === 'rejected') expect(String(o.reason)).toMatch(/in use by/)
    expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true)
    const last = await runDriver(specFile, out)
    expect(last.code).toBe(3)
    const ids = resultsOf(out).map(({ id }) => id)
    expect(ids).toHaveLength(jobCount)
    expect(new Set(ids).size).toBe(jobCount)
  }, 120_000)

  it('on SIGINT lets the jobs in flight finish, saves them, and exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-sim-sigint-'))
    const specFile = join(dir, 'spec.yaml')
    writeFileSync(specFile, specText)
    const out = join(dir, 'out')
    const run = await runDriver(specFile, out, (child, firstLine) => void firstLine.then(() => child.kill('SIGINT')))
    expect(run.code).toBe(130)
    expect(run.stdout).toContain('stopping: no new jobs start')
    const records = resultsOf(out)
    expect(records.length).toBeGreaterThan(0)
    expect(records.length).toBeLessThan(jobCount)
    expect(readFileSync(batchPaths(out).results, 'utf8').endsWith('\n')).toBe(true)
  }, 30_000)
})
