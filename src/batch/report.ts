import type { MergeSummary } from './merge.ts'
import type { BatchSummary } from './runner.ts'

/** Ids listed in a one-line report before the rest are counted, so the line stays readable. */
const idsShown = 5

function idList(ids: readonly string[]): string {
  const shown = ids.slice(0, idsShown).join(' ')
  return ids.length > idsShown ? `${shown} and ${ids.length - idsShown} more` : shown
}

/** One line for the end of a batch: `30 jobs: 27 ok, 3 failed (ids …); results in out/results.jsonl`. */
export function batchSummaryLine(summary: BatchSummary): string {
  const parts = [`${summary.ok} ok`, `${summary.failed} failed${summary.failed > 0 ? ` (${idList(summary.failedIds)})` : ''}`]
  if (summary.pending > 0) parts.push(`${summary.pending} not run (${summary.interrupted ?? 'stopped'}; continue with --resume)`)
  if (summary.stale > 0) parts.push(`${summary.stale} results of jobs no longer in the spec left in place`)
  return `${summary.total} jobs: ${parts.join(', ')}; results in ${summary.paths.results}, summary in ${summary.paths.summary}`
}

/** One line for the end of a merge, naming what is missing or in conflict. */
export function mergeSummaryLine(summary: MergeSummary): string {
  const parts = [`${summary.ok} ok`, `${summary.failed} failed`]
  if (summary.missing.length > 0) {
    const shards = [...new Set(summary.missing.flatMap(({ shard }) => (shard === undefined ? [] : [shard])))].sort((a, b) => a - b)
    parts.push(`${summary.missing.length} missing${shards.length > 0 ? ` (from shard${shards.length === 1 ? '' : 's'} ${shards.join(', ')})` : ''}`)
  }
  if (summary.duplicates.length > 0) parts.push(`${summary.duplicates.length} found twice alike (kept once)`)
  if (summary.conflicts.length > 0) parts.push(`${summary.conflicts.length} found twice different (${idList(summary.conflicts.map(({ id }) => id))}; the first directory's kept)`)
  if (summary.stale > 0) parts.push(`${summary.stale} results of jobs not in the spec left out`)
  return `${summary.total} jobs: ${parts.join(', ')}; merged into ${summary.paths.results}`
}
