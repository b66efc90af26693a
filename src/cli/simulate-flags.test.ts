import { describe, expect, it } from 'vitest'
import { preset, served } from '../../test/fixtures/serving-models.ts'
import { slaFrom, workloadFrom, type WorkloadFlags } from './simulate-flags.ts'

const arch = preset('llama-3.1-8b')
const d = served('h100-sxm')
const workload = (flags: WorkloadFlags) => workloadFrom(flags, arch, d)

describe('workloadFrom', () => {
  it('reads Poisson arrivals, a closed loop (ramp defaulting to the steady-state latency) and their defaults', () => {
    expect(workload({ rate: '2.5', input: '128', output: '64', seed: '9' })).toEqual({ kind: 'poisson', rate: 2.5, count: 1000, input: 128, output: 64, seed: 9 })
    const closed = workload({ users: '8', input: '128', output: '64', requests: '50' })
    expect(closed).toMatchObject({ kind: 'closed', users: 8, count: 50 })
    expect(closed.kind === 'closed' && closed.rampSeconds).toBeGreaterThan(0)
    expect(workload({ users: '8', input: '128', output: '64', ramp: '0' })).toMatchObject({ rampSeconds: 0 })
  })

  it('names the flag to fix when the workload is missing, doubled or incomplete', () => {
    const cases: [WorkloadFlags, string][] = [
      [{ input: '1', output: '1' }, 'invalid --rate/--users/--trace: missing (give one workload: --rate R, --users C or --trace FILE.csv)'],
      [{ rate: '1', users: '2', input: '1', output: '1' }, 'invalid --rate/--users/--trace: --rate and --users together (give exactly one)'],
      [{ users: '2', input: '1' }, 'invalid --output: missing (give --input and --output in tokens with --rate or --users)'],
      [{ users: '2', input: '1', output: '0' }, 'invalid --output: "0" (expected a positive integer)'],
      [{ rate: 'fast', input: '1', output: '1' }, 'invalid --rate: "fast" (expected a positive number)'],
      [{ rate: '1', input: '1', output: '1', ramp: '3' }, 'invalid --ramp: only with --users'],
      [{ users: '2', input: '1', output: '1', ramp: '-1' }, 'invalid --ramp: "-1" (expected seconds ≥ 0)'],
      [{ rate: '1', input: '1', output: '1', seed: '1.5' }, 'invalid --seed: "1.5" (expected an integer ≥ 0)'],
      [{ trace: 'x.csv', input: '1' }, 'invalid --input: not used with --trace (the trace gives each request’s lengths)'],
      [{ trace: '/nonexistent/trace.csv' }, '/nonexistent/trace.csv: cannot read (ENOENT)'],
    ]
    for (const [flags, message] of cases) expect(() => workload(flags)).toThrow(message)
  })
})

describe('slaFrom', () => {
  it('reads every metric at p50, p90 and p99, in flag order, and rejects a non-positive limit', () => {
    expect(slaFrom({ ttftP99: '0.5', tpotP90: '0.05', e2eP50: '20' })).toEqual([
      { metric: 'ttft', percentile: 99, limitSeconds: 0.5 },
      { metric: 'tpot', percentile: 90, limitSeconds: 0.05 },
      { metric: 'e2e', percentile: 50, limitSeconds: 20 },
    ])
    expect(() => slaFrom({ tpotP99: '0' })).toThrow('invalid --tpot-p99: "0" (expected a positive number)')
  })
})
