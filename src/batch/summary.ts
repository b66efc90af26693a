import type { Job } from './job.ts'
import type { ResultRecord } from './results-log.ts'
import type { IdentifiedJob } from './spec.ts'

/** A column of `summary.csv` taken from a job's result, whose shape the job module decides. */
export interface ResultColumn {
  /** Header of the column. */
  readonly name: string
  /** The cell for one successful job; undefined leaves it empty. */
  readonly value: (result: unknown, job: Job) => string | number | boolean | undefined
}

type Cell = string | number | boolean | undefined

/** The job fields every summary shows, in this order. */
const jobColumns = ['parent', 'gpu', 'tp', 'weights', 'activations', 'kv', 'batch', 'input', 'output', 'speedup', 'throughput', 'latency', 'memory', 'params', 'space', 'scores', 'top'] as const satisfies readonly (keyof Job)[]

/** RFC 4180: quote a cell holding a comma, quote or line break, doubling its quotes. */
export function csvCell(cell: Cell): string {
  const text = cell === undefined ? '' : String(cell)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/**
 * `summary.csv`: one row per job in spec order, with its status (`ok`,
 * `failed`, or `pending` when it has no result yet), its fields, the time it
 * took, its error, then the caller's result columns.
 */
export function summaryCsv(
  jobs: readonly IdentifiedJob[],
  records: ReadonlyMap<string, ResultRecord>,
  columns: readonly ResultColumn[],
): string {
  const header = ['id', 'group', 'status', ...jobColumns, 'seconds', 'error', ...columns.map((column) => column.name)]
  const rows = jobs.map(({ id, job }) => {
    const record = records.get(id)
    const extra = columns.map((column) => (record?.status === 'ok' ? column.value(record.result, job) : undefined))
    return [
      id,
      job.group,
      record?.status ?? 'pending',
      ...jobColumns.map((field) => job[field]),
      record?.seconds,
      record?.status === 'failed' ? record.error : undefined,
      ...extra,
    ]
  })
  return [header, ...rows].map((row) => `${row.map(csvCell).join(',')}\n`).join('')
}

/** The results of one group, handed to the caller's per-group hook (the combined Pareto plot). */
export interface GroupResults {
  readonly group: string
  /** Successful jobs of the group, in spec order. */
  readonly ok: readonly (ResultRecord & { readonly status: 'ok' })[]
  /** Failed jobs of the group, in spec order. */
  readonly failed: readonly (ResultRecord & { readonly status: 'failed' })[]
  /** The batch's output directory, where the hook may write its files. */
  readonly out: string
}

export type GroupHook = (group: GroupResults) => void | Promise<void>

/** The groups of the jobs, in order of first appearance, with their results so far; groups with no result are left out. */
export function groupResults(
  jobs: readonly IdentifiedJob[],
  records: ReadonlyMap<string, ResultRecord>,
  out: string,
): readonly GroupResults[] {
  const groups = new Map<string, { ok: (ResultRecord & { status: 'ok' })[]; failed: (ResultRecord & { status: 'failed' })[] }>()
  for (const { id, job } of jobs) {
    const record = records.get(id)
    if (record === undefined) continue
    const entry = groups.get(job.group) ?? { ok: [], failed: [] }
    groups.set(job.group, entry)
    if (record.status === 'ok') entry.ok.push(record)
    else entry.failed.push(record)
  }
  return [...groups].map(([group, { ok, failed }]) => ({ group, ok, failed, out }))
}
