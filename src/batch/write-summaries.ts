import * as Effect from 'effect/Effect'
import { writeBatchFile } from './batch-files.ts'
import type { BatchPaths } from './batch-files.ts'
import { GroupHookError, describeThrown } from './errors.ts'
import type { BatchFileError } from './errors.ts'
import type { ResultRecord } from './results-log.ts'
import type { IdentifiedJob } from './spec.ts'
import { groupResults, summaryCsv } from './summary.ts'
import type { GroupHook, ResultColumn } from './summary.ts'

function runGroupHooks(
  hook: GroupHook | undefined,
  jobs: readonly IdentifiedJob[],
  records: ReadonlyMap<string, ResultRecord>,
  out: string,
): Effect.Effect<void, GroupHookError> {
  if (hook === undefined) return Effect.void
  return Effect.forEach(
    groupResults(jobs, records, out),
    (group) =>
      Effect.tryPromise({
        try: async () => hook(group),
        catch: (thrown) => new GroupHookError({ group: group.group, problem: describeThrown(thrown) }),
      }),
    { discard: true },
  )
}

/** Writes `summary.csv` and runs the group hooks over the results so far. */
export function writeSummaries(
  paths: BatchPaths,
  jobs: readonly IdentifiedJob[],
  records: ReadonlyMap<string, ResultRecord>,
  columns: readonly ResultColumn[],
  hook: GroupHook | undefined,
): Effect.Effect<void, BatchFileError | GroupHookError> {
  return writeBatchFile(paths.summary, summaryCsv(jobs, records, columns)).pipe(
    Effect.andThen(runGroupHooks(hook, jobs, records, paths.out)),
  )
}
