/** `nas-sim simulate`'s workload and SLA flags, checked and turned into the simulator's inputs. */
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import type { Architecture } from '../blocks/architecture.ts'
import { FileError, InvalidInput } from '../errors.ts'
import { parseTraceCsv } from '../io/trace-csv.ts'
import { percentileLevels } from '../serving/simulator/percentiles.ts'
import { slaMetrics, type SlaBudget } from '../serving/simulator/sla.ts'
import { steadyRampSeconds } from '../serving/simulator/simulate.ts'
import type { Workload } from '../serving/simulator/workload.ts'
import type { ServingDeployment } from '../serving/serving-deployment.ts'
import { orThrow, positiveInt, positiveNumber } from './parse.ts'

export interface WorkloadFlags {
  readonly rate?: string
  readonly users?: string
  readonly trace?: string
  readonly requests?: string
  readonly input?: string
  readonly output?: string
  readonly ramp?: string
  readonly seed?: string
}

const defaultRequests = 1000

export function addWorkloadOptions(cmd: Command): Command {
  return cmd
    .option('--rate <req/s>', 'Poisson arrivals at this many requests per second')
    .option('--users <n>', 'a closed loop of n users, each sending its next request when its last completes')
    .option('--trace <file.csv>', 'recorded requests: a CSV with columns arrival (s), input, output (tokens)')
    .option('--requests <n>', `requests to simulate with --rate or --users (default ${defaultRequests})`)
    .option('--input <tokens>', 'prompt tokens per request (with --rate or --users)')
    .option('--output <tokens>', 'generated tokens per request (with --rate or --users)')
    .option('--ramp <s>', 'with --users: first requests spread over this many seconds (default: one request’s steady-state latency; 0 starts all at once)')
    .option('--seed <n>', 'seed of the Poisson arrivals', '1')
}

/** Each SLA flag: `--ttft-p99 S` and so on, for every metric and percentile. */
const slaFlags = slaMetrics.flatMap((metric) => percentileLevels.map((percentile) => ({ metric, percentile, flag: `${metric}-p${percentile}` })))

export function addSlaOptions(cmd: Command): Command {
  const words = { ttft: 'time to first token', tpot: 'time per output token', e2e: 'end-to-end latency' } as const
  for (const { metric, percentile, flag } of slaFlags) cmd.option(`--${flag} <s>`, `SLA: the p${percentile} ${words[metric]} at most this many seconds`)
  return cmd
}

function camel(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

/** The SLA budgets given, in flag order. */
export function slaFrom(flags: Readonly<Record<string, unknown>>): SlaBudget[] {
  const budgets: SlaBudget[] = []
  for (const { metric, percentile, flag } of slaFlags) {
    const raw = flags[camel(flag)]
    if (typeof raw === 'string') budgets.push({ metric, percentile, limitSeconds: positiveNumber(`--${flag}`, raw) })
  }
  return budgets
}

/** The workload the flags describe: exactly one of --rate, --users, --trace. */
export function workloadFrom(flags: WorkloadFlags, arch: Architecture, d: ServingDeployment): Workload {
  const given = (['rate', 'users', 'trace'] as const).filter((k) => flags[k] !== undefined)
  if (given.length !== 1)
    throw new InvalidInput({
      field: '--rate/--users/--trace',
      problem: given.length === 0 ? 'missing (give one workload: --rate R, --users C or --trace FILE.csv)' : `${given.map((k) => `--${k}`).join(' and ')} together (give exactly one)`,
    })
  if (flags.trace !== undefined) {
    for (const k of ['requests', 'input', 'output', 'ramp'] as const)
      if (flags[k] !== undefined) throw new InvalidInput({ field: `--${k}`, problem: 'not used with --trace (the trace gives each request’s lengths)' })
    let text: string
    try {
      text = readFileSync(flags.trace, 'utf8')
    } catch (e) {
      throw new FileError({ path: flags.trace, problem: `cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})` })
    }
    return { kind: 'trace', requests: orThrow(parseTraceCsv(text, flags.trace)) }
  }
  if (flags.input === undefined || flags.output === undefined)
    throw new InvalidInput({ field: flags.input === undefined ? '--input' : '--output', problem: 'missing (give --input and --output in tokens with --rate or --users)' })
  const input = positiveInt('--input', flags.input)
  const output = positiveInt('--output', flags.output)
  const count = flags.requests === undefined ? defaultRequests : positiveInt('--requests', flags.requests)
  if (flags.rate !== undefined) {
    if (flags.ramp !== undefined) throw new InvalidInput({ field: '--ramp', problem: 'only with --users' })
    const seed = Number(flags.seed ?? '1')
    if (!/^\s*\d+\s*$/.test(flags.seed ?? '1') || !Number.isSafeInteger(seed)) throw new InvalidInput({ field: '--seed', problem: `"${flags.seed}" (expected an integer ≥ 0)` })
    return { kind: 'poisson', rate: positiveNumber('--rate', flags.rate), count, input, output, seed }
  }
  const users = positiveInt('--users', flags.users!)
  let rampSeconds: number
  if (flags.ramp === undefined) rampSeconds = steadyRampSeconds(arch, d, users, input, output)
  else {
    rampSeconds = Number(flags.ramp)
    if (flags.ramp.trim() === '' || !Number.isFinite(rampSeconds) || rampSeconds < 0) throw new InvalidInput({ field: '--ramp', problem: `"${flags.ramp}" (expected seconds ≥ 0)` })
  }
  return { kind: 'closed', users, count, input, output, rampSeconds }
}

/** The workload in one line, e.g. `Poisson arrivals at 2 requests/s, 1,000 requests of 128 → 1024 tokens (seed 1)`. */
export function describeWorkload(w: Workload): string {
  switch (w.kind) {
    case 'poisson':
      return `Poisson arrivals at ${w.rate} requests/s, ${w.count.toLocaleString('en-US')} requests of ${w.input} → ${w.output} tokens (seed ${w.seed})`
    case 'closed':
      return `closed loop of ${w.users} users, ${w.count.toLocaleString('en-US')} requests of ${w.input} → ${w.output} tokens, first requests over ${w.rampSeconds.toFixed(2)} s`
    case 'trace':
      return `trace of ${w.requests.length.toLocaleString('en-US')} requests`
  }
}
