import { progressBar, progressLogLine, shouldLog } from './progress.ts'
import type { ProgressState } from './progress.ts'
import type { ResultRecord } from './results-log.ts'

/** Where progress goes: a stream such as `process.stdout`, or anything with `write`. */
export interface ProgressOutput {
  readonly write: (text: string) => unknown
  /** True on a terminal: redraw one bar in place instead of printing lines. */
  readonly isTTY?: boolean
  /** Terminal width in characters. */
  readonly columns?: number
}

export interface ProgressReporter {
  /** A message of its own line (start, interruption), kept clear of the bar. */
  readonly note: (text: string) => void
  readonly jobFinished: (state: ProgressState, record: ResultRecord) => void
  /** Called about once a second while jobs run: a terminal's bar redraws its elapsed time; a log stays quiet. */
  readonly tick: (state: ProgressState) => void
  /** Draws the final state and ends the bar's line. */
  readonly close: (state: ProgressState) => void
}

/** A terminal redraws at most this often, so that thousands of fast jobs do not flood it. */
const redrawIntervalMs = 100
/** Assumed when a terminal does not report its width. */
const defaultColumns = 80
const clearToEndOfLine = '\x1b[K'

export function makeProgressReporter(output: ProgressOutput | false): ProgressReporter {
  if (output === false) return { note: () => undefined, jobFinished: () => undefined, tick: () => undefined, close: () => undefined }
  if (output.isTTY !== true) {
    return {
      note: (text) => output.write(`${text}\n`),
      jobFinished: (state, record) => {
        if (shouldLog(state, record)) output.write(`${progressLogLine(state, record)}\n`)
      },
      tick: () => undefined,
      close: () => undefined,
    }
  }
  let lastDraw = -Infinity
  let barShown = false
  let drawnDone = -1
  const draw = (state: ProgressState): void => {
    output.write(`\r${progressBar(state, (output.columns ?? defaultColumns) - 1)}${clearToEndOfLine}`)
    barShown = true
    drawnDone = state.done
    lastDraw = performance.now()
  }
  return {
    note: (text) => {
      output.write(`${barShown ? `\r${clearToEndOfLine}` : ''}${text}\n`)
      barShown = false
    },
    jobFinished: (state, record) => {
      // Failures get a line of their own above the bar, so they stay on screen.
      if (record.status === 'failed') {
        output.write(`\r${clearToEndOfLine}${progressLogLine(state, record)}\n`)
        barShown = false
      }
      if (!barShown || performance.now() - lastDraw >= redrawIntervalMs || state.done === state.total) draw(state)
    },
    tick: (state) => {
      if (state.done < state.total) draw(state)
    },
    close: (state) => {
      if (state.total === 0) return
      if (!barShown || drawnDone !== state.done) draw(state)
      output.write('\n')
    },
  }
}
