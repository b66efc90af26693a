import { budgetKinds } from './job.ts'
import type { ResultRecord } from './results-log.ts'

/** About how many lines a plain log prints per run, so a long batch's log stays readable. */
const linesPerRun = 100

/** About how many lines a plain log prints per run, so a long batch's log stays readable. */
/** Where a batch stands, for the progress bar and log lines. Counts cover this run only, not jobs resumed from earlier runs. */
export interface ProgressState {
  /** Jobs this run set out to run. */
  readonly total: number
  /** Jobs finished so far, failed ones included. */
  readonly done: number
  readonly failed: number
  /** Wall time since the first job was handed out. */
  readonly elapsedSeconds: number
}

/** `0:09`, `12:05`, `3:02:41`. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds))
  const hours = Math.floor(whole / 3600)
  const minutes = Math.floor((whole % 3600) / 60)
  const rest = String(whole % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`
}

/** Jobs per second so far, or undefined before the first job finishes. */
function rate(state: ProgressState): number | undefined {
  return state.done > 0 && state.elapsedSeconds > 0 ? state.done / state.elapsedSeconds : undefined
}

/** The counters and timings, without the bar: `12/40 done, 1 failed, 3.2 jobs/s, ETA 0:09`. */
export function progressCounts(state: ProgressState): string {
  const perSecond = rate(state)
  // Two significant digits below ten jobs/s (a slow search runs at 0.05), whole numbers above.
  const speed = perSecond === undefined ? '– jobs/s' : `${perSecond < 10 ? perSecond.toPrecision(2) : Math.round(perSecond)} jobs/s`
  // The elapsed time moves while a long first job runs, so a ticking bar shows the batch is alive.
  const eta =
    state.done === state.total
      ? `took ${formatDuration(state.elapsedSeconds)}`
      : `${formatDuration(state.elapsedSeconds)} elapsed, ${perSecond === undefined ? 'ETA –' : `ETA ${formatDuration((state.total - state.done) / perSecond)}`}`
  return `${state.done}/${state.total} done, ${state.failed} failed, ${speed}, ${eta}`
}

/**
 * One terminal line: a bar filled in proportion to the jobs done, then the
 * counts. The bar takes what `width` leaves after the counts, at least 10
 * cells, so the line fits a terminal of that width when one is that wide.
 */
export function progressBar(state: ProgressState, width: number): string {
  const counts = progressCounts(state)
  const cells = Math.max(10, width - counts.length - 3)
  const filled = state.total === 0 ? cells : Math.floor((cells * state.done) / state.total)
  return `[${'#'.repeat(filled)}${'.'.repeat(cells - filled)}] ${counts}`
}

/** A log line for one finished job: `[12/40] ok     f61c7793f328 1.20 s  <group> speedup=2`. */
export function progressLogLine(state: ProgressState, record: ResultRecord): string {
  const budget = budgetKinds
    .filter((kind) => record.job[kind] !== undefined)
    .map((kind) => `${kind}=${String(record.job[kind])}`)
    .join(' ')
  const head = `[${state.done}/${state.total}] ${record.status.padEnd(6)} ${record.id} ${record.seconds.toFixed(2)} s  ${record.job.group} ${budget}`
  return record.status === 'failed' ? `${head}: ${record.error.split('\n')[0] ?? ''}` : head
}

/** Whether a plain log shows this finished job: every failure, the last job, and every n-th other for about `linesPerRun` lines. */
export function shouldLog(state: ProgressState, record: ResultRecord): boolean {
  const every = Math.max(1, Math.ceil(state.total / linesPerRun))
  return record.status === 'failed' || state.done === state.total || state.done % every === 0
}
