import { describe, expect, it } from 'vitest'
import { timelineSvg, type TimelineSpan } from './timeline.ts'

/** A made-up run: sequences ramp up, a queue builds and drains, the KV pool fills, and every tenth span has a long step. */
const spans: TimelineSpan[] = Array.from({ length: 60 }, (_, i) => ({
  time: i * 2.5,
  running: Math.min(32, i * 2),
  waiting: Math.max(0, 20 - Math.abs(i - 30)),
  kvUse: Math.min(0.97, i / 40),
  stepSeconds: 0.04 + (i % 10 === 0 ? 0.2 : 0),
  maxStepSeconds: 0.05 + (i % 10 === 0 ? 0.6 : 0),
}))

describe('timelineSvg', () => {
  it('draws running and waiting sequences, KV use and step times over one time axis', () => {
    const svg = timelineSvg({ spans, title: 'A run' })
    for (const cls of ['series-running', 'series-waiting', 'series-KV-cache', 'series-mean-step', 'series-longest-step']) expect(svg).toContain(cls)
    expect(svg).toContain('Simulated time (min)')
    expect(svg).toContain('% of pool')
  })

  it('matches the golden SVG', async () => {
    await expect(timelineSvg({ spans, title: 'Golden timeline', caption: 'closed loop of 32 users' })).toMatchFileSnapshot('./__snapshots__/timeline-small.svg')
  })

  it('rejects an empty run and non-finite values, naming the field', () => {
    expect(() => timelineSvg({ spans: [] })).toThrow('invalid spans: empty')
    expect(() => timelineSvg({ spans: [{ ...spans[0]!, kvUse: Number.NaN }] })).toThrow('invalid spans[0].kvUse: NaN (must be a finite number)')
  })
})
