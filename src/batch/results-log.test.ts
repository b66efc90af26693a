import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Effect from 'effect/Effect'
import * as Exit from 'effect/Exit'
import { describe, expect, it } from 'vitest'
import { resolveJob } from './job.ts'
import { openResultsLog, readResults, recordLine, rewriteResults } from './results-log.ts'
import type { ResultRecord } from './results-log.ts'

const job = resolveJob({
  parent: 'llama-3.1-8b',
  gpu: 'h100-sxm',
  tp: 1,
  weights: 'bf16',
  activations: 'bf16',
  kv: 'bf16',
  batch: 'auto',
  input: 128,
  output: 1024,
  speedup: 2,
  space: 'puzzle',
  engine: 'vllm',
  batching: 'inflight',
  top: 1,
})
const ok: ResultRecord = { id: 'aaaaaaaaaaaa', job, status: 'ok', result: { quality: 0.5 }, seconds: 0.01, finishedAt: '2025-01-01T00:00:00.000Z' }
const failed: ResultRecord = { id: 'bbbbbbbbbbbb', job, status: 'failed', error: 'infeasible', seconds: 0.02, finishedAt: '2025-01-01T00:00:01.000Z' }

const fresh = (): string => join(mkdtempSync(join(tmpdir(), 'nas-sim-log-')), 'results.jsonl')
const appendAll = (file: string, records: readonly ResultRecord[]): void =>
  Effect.runSync(Effect.scoped(Effect.flatMap(openResultsLog(file), (log) => Effect.forEach(records, log.append, { discard: true }))))

describe('results log', () => {
  it('appends one line per record and reads them back', () => {
    const file = fresh()
    appendAll(file, [ok, failed])
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3)
    expect(Effect.runSync(readResults(file))).toEqual({ records: [ok, failed], tornBytes: 0 })
  })

  it('cuts a torn last line away before appending, leaving whole lines only', () => {
    const file = fresh()
    const torn = recordLine(failed).slice(0, 40)
    writeFileSync(file, recordLine(ok) + torn)
    expect(Effect.runSync(readResults(file)).tornBytes).toBe(torn.length)
    // Reading alone leaves the file as it is.
    expect(readFileSync(file, 'utf8')).toBe(recordLine(ok) + torn)
    appendAll(file, [failed])
    expect(readFileSync(file, 'utf8')).toBe(recordLine(ok) + recordLine(failed))
  })

  it('reads a missing file as empty', () => {
    expect(Effect.runSync(readResults(fresh()))).toEqual({ records: [], tornBytes: 0 })
  })

  it('refuses a damaged line in the middle, naming the file and line', () => {
    const file = fresh()
    writeFileSync(file, `${recordLine(ok)}{"id": 3}\n${recordLine(failed)}`)
    const exit = Effect.runSyncExit(readResults(file))
    const reason = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
    expect(reason?._tag === 'Fail' ? reason.error.message : '').toBe(`${file}: line 2: not a result record: id: expected string, got 3`)
  })

  it('refuses an ok record without a result', () => {
    const file = fresh()
    const { result: _dropped, ...noResult } = ok as ResultRecord & { status: 'ok' }
    appendFileSync(file, `${JSON.stringify(noResult)}\n`)
    const exit = Effect.runSyncExit(readResults(file))
    const reason = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
    expect(reason?._tag === 'Fail' ? reason.error.message : '').toContain('line 1: not a result record: an ok record needs a result')
  })

  it('rewrites the file to exactly the given records', () => {
    const file = fresh()
    appendAll(file, [ok, failed])
    Effect.runSync(rewriteResults(file, [ok]))
    expect(readFileSync(file, 'utf8')).toBe(recordLine(ok))
  })
})
