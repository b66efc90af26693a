import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { architectureCost } from '../architecture-cost.ts'
import { preset, served } from '../../../test/fixtures/serving-models.ts'
import { engines } from '../engine.ts'
import { simulate, steadyRampSeconds, type SimulationResult } from './simulate.ts'
import type { RequestSpec, Workload } from './workload.ts'

const llama8b = preset('llama-3.1-8b')
const llama70b = preset('llama-3.3-70b')
const h100 = served('h100-sxm')
const trtllmH100 = served('h100-sxm', { engine: engines.trtllm })

/** Arrival, input and output of every served request, sorted, to compare as multisets. */
const served_ = (r: SimulationResult) => r.requests.map((q) => `${q.arrival}|${q.input}|${q.output}`).sort()

describe('simulate against the steady-state model (closed loop of C users)', () => {
  // The README's scenarios: Llama-3.3-70B fp8 on one H100 at 128→1024, Llama-3.1-8B, and long prompts (2048→128).
  // Concurrencies are ones whose KV cache fits both models' pools: the simulator reserves the logits of the engine's
  // 1024 sequences (as vLLM's start-up profiling does), the steady state those of C.
  const scenarios = [
    { arch: llama70b, users: 8, input: 128, output: 1024 },
    // With the embedding table and LM head in bf16 (as FP8 checkpoints keep them), the 70B's pool is about 3.25 GB.
    { arch: llama70b, users: 20, input: 128, output: 1024 },
    { arch: llama70b, users: 28, input: 128, output: 1024 },
    { arch: llama70b, users: 7, input: 2048, output: 128 },
    { arch: llama8b, users: 64, input: 128, output: 1024 },
    { arch: llama8b, users: 256, input: 2048, output: 128 },
  ]
  for (const s of scenarios) {
    it(`agrees on throughput within 5%: ${s.arch.name}, ${s.users} users, ${s.input}→${s.output}`, () => {
      const workload: Workload = {
        kind: 'closed',
        users: s.users,
        count: 12 * s.users,
        input: s.input,
        output: s.output,
        rampSeconds: steadyRampSeconds(s.arch, h100, s.users, s.input, s.output),
      }
      const sim = simulate(s.arch, h100, workload)
      const model = architectureCost(s.arch, { batch: s.users, input: s.input, output: s.output }, h100)
      expect(sim.preemptions).toBe(0)
      expect(Math.abs(sim.throughput.steadyOutputTokensPerSecondPerGpu / model.metrics.outputTokensPerSecondPerGpu - 1)).toBeLessThan(0.05)
    })
  }
})

/** Small random workloads on Llama-3.1-8B (fast), open or closed. */
const workloads: fc.Arbitrary<Workload> = fc.oneof(
  fc.record({
    kind: fc.constant('poisson' as const),
    rate: fc.double({ min: 0.5, max: 400, noNaN: true }),
    count: fc.integer({ min: 1, max: 80 }),
    input: fc.integer({ min: 1, max: 12000 }),
    output: fc.integer({ min: 1, max: 200 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 }),
  }),
  fc.record({
    kind: fc.constant('closed' as const),
    users: fc.integer({ min: 1, max: 40 }),
    count: fc.integer({ min: 1, max: 80 }),
    input: fc.integer({ min: 1, max: 12000 }),
    output: fc.integer({ min: 1, max: 200 }),
    rampSeconds: fc.double({ min: 0, max: 5, noNaN: true }),
  }),
  fc
    .array(fc.record({ arrival: fc.double({ min: 0, max: 20, noNaN: true }), input: fc.integer({ min: 1, max: 12000 }), output: fc.integer({ min: 1, max: 200 }) }), {
      minLength: 1,
      maxLength: 60,
    })
    .map((requests: RequestSpec[]): Workload => ({ kind: 'trace', requests })),
)

describe('simulate', () => {
  it('serves every request exactly once, with arrival ≤ first token ≤ finish', () => {
    fc.assert(
      fc.property(workloads, (w) => {
        const r = simulate(llama8b, h100, w)
        const n = w.kind === 'trace' ? w.requests.length : w.count
        expect(r.requests.map((q) => q.id)).toEqual(Array.from({ length: n }, (_, i) => i))
        if (w.kind === 'trace') expect(served_(r)).toEqual(w.requests.map((q) => `${q.arrival}|${q.input}|${q.output}`).sort())
        for (const q of r.requests) {
          expect(q.firstToken).toBeGreaterThan(q.arrival)
          expect(q.finish).toBeGreaterThanOrEqual(q.firstToken)
          expect(q.firstToken - q.arrival).toBeLessThanOrEqual(q.finish - q.arrival)
        }
        expect(r.outputTokens).toBe(r.requests.reduce((s, q) => s + q.output, 0))
      }),
      { numRuns: 40 },
    )
  })

  it('never holds more KV cache than the pool', () => {
    // Llama-3.3-70B fp8 on one H100 leaves a pool of about 33,000 tokens, which these workloads overflow.
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 48 }), fc.integer({ min: 500, max: 3000 }), fc.integer({ min: 16, max: 400 }), (users, input, output) => {
        const r = simulate(llama70b, h100, { kind: 'closed', users, count: 2 * users, input, output, rampSeconds: 0 })
        expect(r.kv.peakUse).toBeLessThanOrEqual(1)
        expect(r.requests).toHaveLength(2 * users)
      }),
      { numRuns: 8 },
    )
  })

  it('preempts, and recomputes, when running sequences outgrow the pool', () => {
    const r = simulate(llama70b, h100, { kind: 'closed', users: 48, count: 96, input: 1500, output: 512, rampSeconds: 0 })
    expect(r.preemptions).toBeGreaterThan(0)
    expect(r.requests.some((q) => q.preemptions > 0)).toBe(true)
    expect(r.kv.peakUse).toBeGreaterThan(0.95)
    expect(r.kv.peakUse).toBeLessThanOrEqual(1)
  })

  it('never preempts under TensorRT-LLM, which admits a sequence only with blocks for its whole output', () => {
    // GUARANTEED_NO_EVICT, TensorRT-LLM's default capacity scheduler (src/serving/engine.ts).
    const r = simulate(llama70b, trtllmH100, { kind: 'closed', users: 48, count: 96, input: 1500, output: 512, rampSeconds: 0 })
    expect(r.preemptions).toBe(0)
    expect(r.kv.peakUse).toBeLessThanOrEqual(1)
    expect(r.requests).toHaveLength(96)
  })

  it('agrees with the steady state on throughput within 5% under TensorRT-LLM’s admission and whole prompts', () => {
    for (const s of [
      { arch: llama70b, users: 16, input: 128, output: 1024 },
      { arch: llama8b, users: 128, input: 2048, output: 128 },
    ]) {
      const workload: Workload = { kind: 'closed', users: s.users, count: 12 * s.users, input: s.input, output: s.output, rampSeconds: steadyRampSeconds(s.arch, trtllmH100, s.users, s.input, s.output) }
      const sim = simulate(s.arch, trtllmH100, workload)
      const model = architectureCost(s.arch, { batch: s.users, input: s.input, output: s.output }, trtllmH100)
      expect(model.memory.fits).toBe(true)
      expect(Math.abs(sim.throughput.steadyOutputTokensPerSecondPerGpu / model.metrics.outputTokensPerSecondPerGpu - 1)).toBeLessThan(0.05)
    }
  })

  it('gives more throughput (never less) as the Poisson arrival rate rises up to saturation', () => {
    const input = 512
    const output = 64
    const fits = architectureCost(llama8b, { batch: 1, input, output }, h100).memory.maxBatch
    const saturation = architectureCost(llama8b, { batch: fits, input, output }, h100).metrics.outputTokensPerSecond / output
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (a, b, seed) => {
          const [low, high] = a < b ? [a, b] : [b, a]
          const run = (share: number) => simulate(llama8b, h100, { kind: 'poisson', rate: share * saturation, count: 150, input, output, seed }).throughput.outputTokensPerSecond
          expect(run(high)).toBeGreaterThanOrEqual(run(low) * (1 - 1e-12))
        },
      ),
      { numRuns: 15 },
    )
  })

  it('serves hybrid models, whose sequences hold recurrent state and sliding-window caches', () => {
    for (const id of ['nemotron-h-8b', 'hymba-1.5b'] as const) {
      const r = simulate(preset(id), h100, { kind: 'poisson', rate: 40, count: 60, input: 3000, output: 100, seed: 2 })
      expect(r.requests).toHaveLength(60)
      expect(r.kv.peakUse).toBeGreaterThan(0)
      expect(r.kv.peakUse).toBeLessThanOrEqual(1)
    }
  })

  it('gives the same result for the same seed, and other arrivals for another', () => {
    const w = (seed: number): Workload => ({ kind: 'poisson', rate: 20, count: 100, input: 1000, output: 100, seed })
    expect(simulate(llama8b, h100, w(7))).toEqual(simulate(llama8b, h100, w(7)))
    expect(simulate(llama8b, h100, w(8)).requests[0]!.arrival).not.toBe(simulate(llama8b, h100, w(7)).requests[0]!.arrival)
  })

  it('rejects a request longer than the whole KV pool in one line', () => {
    expect(() => simulate(llama70b, h100, { kind: 'trace', requests: [{ arrival: 0, input: 100_000, output: 10 }] })).toThrow(
      /invalid workload: a request of 100009 cached tokens needs .* GB of KV cache, more than the whole .* GB pool/,
    )
  })

  it('reports progress without changing the result', () => {
    const w: Workload = { kind: 'poisson', rate: 50, count: 200, input: 256, output: 128, seed: 3 }
    const seen: number[] = []
    const withProgress = simulate(llama8b, h100, w, { onProgress: (p) => seen.push(p.completed), progressEvery: 100 })
    expect(seen.length).toBeGreaterThan(0)
    expect(seen).toEqual([...seen].sort((x, y) => x - y))
    expect(withProgress).toEqual(simulate(llama8b, h100, w))
  })
})
