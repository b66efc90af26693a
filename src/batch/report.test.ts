import { describe, expect, it } from 'vitest'
import { batchPaths } from './batch-files.ts'
import { batchSummaryLine, mergeSummaryLine } from './report.ts'

const paths = batchPaths('out')

describe('batchSummaryLine', () => {
  it('counts the outcomes and names the failed jobs and the files', () => {
    const line = batchSummaryLine({ total: 30, ok: 27, failed: 3, pending: 0, ran: 30, resumed: 0, failedIds: ['a', 'b', 'c'], stale: 0, seconds: 4, paths })
    expect(line).toBe('30 jobs: 27 ok, 3 failed (a b c); results in out/results.jsonl, summary in out/summary.csv')
  })

  it('says how to finish an interrupted batch and shortens a long list of ids', () => {
    const failedIds = ['1', '2', '3', '4', '5', '6', '7']
    const line = batchSummaryLine({ total: 30, ok: 3, failed: 7, pending: 20, ran: 10, resumed: 0, failedIds, stale: 2, interrupted: 'stopped', seconds: 1, paths })
    expect(line).toBe(
      '30 jobs: 3 ok, 7 failed (1 2 3 4 5 and 2 more), 20 not run (stopped; continue with --resume), 2 results of jobs no longer in the spec left in place; results in out/results.jsonl, summary in out/summary.csv',
    )
  })
})

describe('mergeSummaryLine', () => {
  it('names the shards that jobs are missing from, and the conflicts', () => {
    const line = mergeSummaryLine({
      total: 10,
      ok: 5,
      failed: 1,
      missing: [{ id: 'x', shard: 3 }, { id: 'y', shard: 3 }, { id: 'z', shard: 1 }],
      duplicates: ['d'],
      conflicts: [{ id: 'c', dirs: ['s1', 's2'] }],
      stale: 0,
      paths,
    })
    expect(line).toBe(
      "10 jobs: 5 ok, 1 failed, 3 missing (from shards 1, 3), 1 found twice alike (kept once), 1 found twice different (c; the first directory's kept); merged into out/results.jsonl",
    )
  })
})
