import { describe, expect, it } from 'vitest'
import { resolveJob } from './job.ts'
import { makeProgressReporter } from './progress-reporter.ts'
import { formatDuration, progressBar, progressCounts, progressLogLine, shouldLog } from './progress.ts'
import type { ResultRecord } from './results-log.ts'

const job = resolveJob({
  parent: 'llama-3.1-8b',
  gpu: 'h200',
  tp: 1,
  weights: 'fp8',
  activations: 'fp8',
  kv: 'fp8',
  batch: 'auto',
  input: 128,
  output: 1024,
  speedup: 2,
  space: 'puzzle',
  engine: 'vllm',
  batching: 'inflight',
  top: 1,
})
const ok: ResultRecord = { id: '0123456789ab', job, status: 'ok', result: {}, seconds: 1.234, finishedAt: '' }
const failed: ResultRecord = { id: 'ba9876543210', job, status: 'failed', error: 'infeasible budget\nsecond line', seconds: 0.5, finishedAt: '' }

describe('formatDuration', () => {
  it('writes minutes and seconds, and hours when there are any', () => {
    expect([0, 9.4, 65, 3600 + 125, -3].map(formatDuration)).toEqual(['0:00', '0:09', '1:05', '1:02:05', '0:00'])
  })
})

describe('progressCounts', () => {
  it('shows done, failed, rate and time left', () => {
    expect(progressCounts({ total: 40, done: 10, failed: 1, elapsedSeconds: 5 })).toBe('10/40 done, 1 failed, 2.0 jobs/s, 0:05 elapsed, ETA 0:15')
  })

  it('writes fast rates as whole numbers and slow ones with two digits', () => {
    expect(progressCounts({ total: 1000, done: 500, failed: 0, elapsedSeconds: 2 })).toContain(', 250 jobs/s,')
    expect(progressCounts({ total: 100, done: 1, failed: 0, elapsedSeconds: 20 })).toContain(', 0.050 jobs/s,')
  })

  it('shows no rate before the first job finishes, and the time taken at the end', () => {
    expect(progressCounts({ total: 40, done: 0, failed: 0, elapsedSeconds: 3 })).toBe('0/40 done, 0 failed, – jobs/s, 0:03 elapsed, ETA –')
    expect(progressCounts({ total: 4, done: 4, failed: 0, elapsedSeconds: 8 })).toBe('4/4 done, 0 failed, 0.50 jobs/s, took 0:08')
  })
})

describe('progressBar', () => {
  it('fills the bar in proportion and fits the width', () => {
    const line = progressBar({ total: 40, done: 10, failed: 1, elapsedSeconds: 5 }, 80)
    expect(line).toHaveLength(80)
    const bar = /^\[(#*)(\.*)\] /.exec(line)
    const filled = bar?.[1]?.length ?? 0
    const empty = bar?.[2]?.length ?? 0
    expect(filled / (filled + empty)).toBeCloseTo(0.25, 1)
  })

  it('keeps at least ten cells on a narrow terminal', () => {
    expect(progressBar({ total: 2, done: 1, failed: 0, elapsedSeconds: 1 }, 20)).toMatch(/^\[#{5}\.{5}\] /)
  })

  it('draws a full bar for an empty run', () => {
    expect(progressBar({ total: 0, done: 0, failed: 0, elapsedSeconds: 0 }, 40)).toMatch(/^\[#+\] /)
  })
})

describe('progressLogLine', () => {
  const state = { total: 40, done: 12, failed: 1, elapsedSeconds: 5 }
  it('names the job, its status, time, group and budget', () => {
    expect(progressLogLine(state, ok)).toBe(`[12/40] ok     0123456789ab 1.23 s  ${job.group} speedup=2`)
  })
  it("adds the first line of a failure's error", () => {
    expect(progressLogLine(state, failed)).toBe(`[12/40] failed ba9876543210 0.50 s  ${job.group} speedup=2: infeasible budget`)
  })
})

describe('shouldLog', () => {
  it('logs every job of a short run, every failure and the last job of a long one, and about a hundred lines in all', () => {
    expect(shouldLog({ total: 50, done: 7, failed: 0, elapsedSeconds: 1 }, ok)).toBe(true)
    expect(shouldLog({ total: 1000, done: 7, failed: 0, elapsedSeconds: 1 }, ok)).toBe(false)
    expect(shouldLog({ total: 1000, done: 7, failed: 1, elapsedSeconds: 1 }, failed)).toBe(true)
    expect(shouldLog({ total: 1001, done: 1001, failed: 0, elapsedSeconds: 1 }, ok)).toBe(true)
    const logged = Array.from({ length: 1000 }, (_, index) => shouldLog({ total: 1000, done: index + 1, failed: 0, elapsedSeconds: 1 }, ok))
    expect(logged.filter(Boolean)).toHaveLength(100)
  })
})

describe('makeProgressReporter', () => {
  const capture = (isTTY: boolean): { readonly text: () => string; readonly output: { write: (text: string) => void; isTTY: boolean; columns: number } } => {
    const chunks: string[] = []
    return { text: () => chunks.join(''), output: { write: (text) => void chunks.push(text), isTTY, columns: 60 } }
  }

  it('writes plain lines when the output is not a terminal', () => {
    const { text, output } = capture(false)
    const reporter = makeProgressReporter(output)
    reporter.note('starting')
    reporter.jobFinished({ total: 2, done: 1, failed: 0, elapsedSeconds: 1 }, ok)
    reporter.jobFinished({ total: 2, done: 2, failed: 1, elapsedSeconds: 2 }, failed)
    reporter.close({ total: 2, done: 2, failed: 1, elapsedSeconds: 2 })
    expect(text().split('\n')).toEqual(['starting', expect.stringMatching(/^\[1\/2\] ok /), expect.stringMatching(/^\[2\/2\] failed /), ''])
    expect(text()).not.toContain('\r')
  })

  it('redraws one bar in place on a terminal, with failures on lines of their own above it', () => {
    const { text, output } = capture(true)
    const reporter = makeProgressReporter(output)
    reporter.jobFinished({ total: 2, done: 1, failed: 1, elapsedSeconds: 1 }, failed)
    reporter.close({ total: 2, done: 2, failed: 1, elapsedSeconds: 2 })
    const lines = text().split('\n')
    expect(lines[0]).toMatch(/^\r\x1b\[K\[1\/2\] failed /)
    expect(lines[1]).toContain('\r[#')
    expect(lines[1]).toContain('2/2 done, 1 failed')
    expect(lines[2]).toBe('')
  })

  it('redraws the bar on each tick while jobs run, so its clock moves; a plain log stays quiet', () => {
    const terminal = capture(true)
    const bar = makeProgressReporter(terminal.output)
    bar.tick({ total: 3, done: 0, failed: 0, elapsedSeconds: 1 })
    bar.tick({ total: 3, done: 0, failed: 0, elapsedSeconds: 2 })
    expect(terminal.text()).toContain('0:01 elapsed')
    expect(terminal.text()).toContain('0:02 elapsed')
    const log = capture(false)
    makeProgressReporter(log.output).tick({ total: 3, done: 0, failed: 0, elapsedSeconds: 1 })
    expect(log.text()).toBe('')
  })
})
