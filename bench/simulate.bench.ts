/**
 * `nas-sim simulate` at scale: 10,000 requests of Llama-3.3-70B in fp8 on one H100 and on one H200 (vLLM defaults),
 * 128 → 1024 tokens. On the H100 the KV pool holds about 50 such requests, so a closed loop of 48 users runs about
 * 214,000 engine steps of about 48 sequences; on the H200, Poisson arrivals at 6 requests/s (the steady state's
 * saturation is 6.6 requests/s at the 605 sequences its pool holds) keep about 240 sequences running.
 */
import * as Result from 'effect/Result'
import { deployment } from '../src/cost-model/deployment.ts'
import { systems } from '../src/cost-model/hardware/system.ts'
import { presetArchitecture } from '../src/io/presets.ts'
import { servingDeployment } from '../src/serving/serving-deployment.ts'
import { simulate, steadyRampSeconds } from '../src/serving/simulator/simulate.ts'
import type { Workload } from '../src/serving/simulator/workload.ts'
import type { BenchRow } from './types.ts'

const fp8 = { weights: 'fp8', activations: 'fp8', kv: 'fp8' } as const

function timed(run: () => { steps: number }): { ms: number; steps: number } {
  run() // warm-up: module JIT and the predictor's first memo entries of a fresh process are not what we measure
  const start = performance.now()
  const { steps } = run()
  return { ms: performance.now() - start, steps }
}

export function runSimulateBench(): BenchRow[] {
  const arch = Result.getOrThrow(presetArchitecture('llama-3.3-70b'))
  const h100 = servingDeployment(deployment(systems['h100-sxm'], fp8))
  const h200 = servingDeployment(deployment(systems.h200, fp8))
  const closed: Workload = { kind: 'closed', users: 48, count: 10_000, input: 128, output: 1024, rampSeconds: steadyRampSeconds(arch, h100, 48, 128, 1024) }
  const poisson: Workload = { kind: 'poisson', rate: 6, count: 10_000, input: 128, output: 1024, seed: 1 }
  const a = timed(() => simulate(arch, h100, closed))
  const b = timed(() => simulate(arch, h200, poisson))
  return [
    { name: 'simulate: 10,000 requests, Llama-3.3-70B fp8, H100, closed loop of 48 users, 128→1024', value: a.ms, unit: 'ms', note: `${a.steps.toLocaleString('en-US')} engine steps; target < 2,000 ms` },
    { name: 'simulate: 10,000 requests, Llama-3.3-70B fp8, H200, Poisson 6 requests/s, 128→1024', value: b.ms, unit: 'ms', note: `${b.steps.toLocaleString('en-US')} engine steps; target < 2,000 ms` },
  ]
}
