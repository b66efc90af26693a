/**
 * Progress of a long simulation on stderr: a line redrawn in place on a
 * terminal (at most every 100 ms), otherwise a plain line every 10 s of wall
 * time. Runs shorter than a second print nothing. It only reads the clock to
 * decide when to print; the simulation's result never depends on it.
 */
import type { Progress } from '../serving/simulator/simulate.ts'

export interface ProgressStream {
  readonly write: (text: string) => unknown
  readonly isTTY?: boolean
}

const redrawMs = 100
const logEveryMs = 10_000
const quietForMs = 1000
const clearLine = '\r\x1b[K'

export function simulationProgress(stream: ProgressStream): { readonly update: (p: Progress) => void; readonly close: () => void } {
  const started = performance.now()
  let last = started
  let drawn = false
  const text = (p: Progress) =>
    `simulating: ${p.completed.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} requests done, ${p.steps.toLocaleString('en-US')} engine steps, ${p.simulatedSeconds.toFixed(1)} s simulated`
  return {
    update: (p) => {
      const now = performance.now()
      if (now - started < quietForMs) return
      if (stream.isTTY === true) {
        if (now - last < redrawMs) return
        stream.write(`${clearLine}${text(p)}`)
        drawn = true
      } else {
        if (now - last < logEveryMs) return
        stream.write(`${text(p)}\n`)
      }
      last = now
    },
    close: () => {
      if (drawn) stream.write(clearLine)
    },
  }
}
