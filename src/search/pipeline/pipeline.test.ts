import { servingDeployment } from '../../serving/serving-deployment.ts'
import fc from 'fast-check'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { deployment, systems } from '../../cost-model/index.ts'
import { presetArchitecture } from '../../io/presets.ts'
import { priorQuality } from '../quality/prior.ts'
import { puzzleSpace } from '../space/puzzle.ts'
import { runFrontier } from './run-frontier.ts'
import { batchesAround } from './batch-axis.ts'
import { runSearch } from './run-search.ts'
import type { SearchRequest } from './request.ts'

const llama8b = Result.getOrThrow(presetArchitecture('llama-3.1-8b'))
const fp8 = { weights: 'fp8', activations: 'fp8', kv: 'fp8' } as const
const h100 = servingDeployment(deployment(systems['h100-sxm'], fp8))

function request(overrides: Partial<SearchRequest> = {}): SearchRequest {
  return {
    parent: llama8b,
    deployment: h100,
    scenarios: [{ input: 128, output: 1024, batch: 64 }],
    target: { kind: 'speedup', factor: 1.5 },
    space: puzzleSpace(llama8b),
    quality: priorQuality,
    ...overrides,
  }
}

const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(Effect.result(e))

describe('runSearch', () => {
  it('meets the speedup it is asked for, and fits in memory', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 1.05, max: 4, noNaN: true }), async (factor) => {
        const r = await run(runSearch(request({ target: { kind: 'speedup', factor } })))
        expect(r._tag).toBe('Success')
        if (r._tag !== 'Success') return
        const s = r.success.child.scenarios[0]!
        expect(s.speedup!).toBeGreaterThanOrEqual(factor * (1 - 1e-9))
        expect(s.child.memory.fits).toBe(true)
        expect(r.success.proof.gap).toBe(0)
      }),
      { numRuns: 6 },
    )
  })

  it('keeps the first and last layers and at least the attention layers asked for', async () => {
    const r = await run(runSearch(request({ target: { kind: 'speedup', factor: 2.5 }, structure: { keepFirst: 2, keepLast: 3, minAttention: 20 } })))
    if (r._tag !== 'Success') throw new Error(String(r.failure))
    const layers = r.success.child.layers
    for (const l of [0, 1, 29, 30, 31]) expect(layers[l]!.variant).toBe('attn:kv8|ffn:100%')
    expect(layers.filter((l) => l.mixer.type === 'attention').length).toBeGreaterThanOrEqual(20)
  })

  it('says at which batch the parent does not fit when a speedup needs it, and how to fix it', async () => {
    const llama70b = Result.getOrThrow(presetArchitecture('llama-3.3-70b'))
    // Llama-3.3-70B in fp8 leaves about 3.8 GB of KV cache on one H100 (README): 35 sequences of 128 → 1024, not 512.
    const r = await run(runSearch(request({ parent: llama70b, space: puzzleSpace(llama70b), scenarios: [{ input: 128, output: 1024, batch: 512 }] })))
    expect(r._tag).toBe('Failure')
    if (r._tag !== 'Failure') return
    expect(r.failure.message).toContain('does not fit on h100-sxm at TP 1 for 128/1024 at batch 512')
    expect(r.failure.message).toContain('128/1024@auto')
  })

  it('answers an impossible throughput with the nearest achievable one, which is then achievable', async () => {
    const r = await run(runSearch(request({ target: { kind: 'throughput', tokensPerSecondPerGpu: 1e9 } })))
    expect(r._tag).toBe('Failure')
    if (r._tag !== 'Failure') return
    expect(r.failure._tag).toBe('InfeasibleBudget')
    expect(r.failure.message).toMatch(/^infeasible budget: throughput ≥ 1,000,000,000 tokens\/s per GPU cannot be met; the best achievable is [\d,]+ tokens\/s per GPU at batch 64$/)
    const nearest = Number(/best achievable is ([\d,]+)/.exec(r.failure.message)![1]!.replaceAll(',', ''))
    const again = await run(runSearch(request({ target: { kind: 'throughput', tokensPerSecondPerGpu: nearest * 0.999 } })))
    expect(again._tag).toBe('Success')
  })

  it('reports the prior as the source of its quality scores', async () => {
    const r = await run(runSearch(request()))
    if (r._tag !== 'Success') throw new Error(String(r.failure))
    expect(r.success.quality.source.kind).toBe('prior')
    expect(r.success.quality.source.description).toContain('not measured')
  })
})

describe('runFrontier', () => {
  it('traces points none of which dominates another, each optimal for its throughput', async () => {
    const f = await run(runFrontier(request({ target: { kind: 'none' } })))
    if (f._tag !== 'Success') throw new Error(String(f.failure))
    const points = f.success.points
    expect(points.length).toBeGreaterThan(10)
    for (let i = 1; i < points.length; i++) {
      expect(points[i]!.tokensPerSecondPerGpu).toBeGreaterThan(points[i - 1]!.tokensPerSecondPerGpu)
      expect(points[i]!.objective).toBeGreaterThan(points[i - 1]!.objective)
    }
    // A search at a frontier point's throughput finds the same objective: the point is optimal for its budget.
    for (const p of [points[3]!, points[Math.floor(points.length / 2)]!, points.at(-2)!]) {
      const r = await run(runSearch(request({ target: { kind: 'throughput', tokensPerSecondPerGpu: p.tokensPerSecondPerGpu * (1 - 1e-9) } })))
      if (r._tag !== 'Success') throw new Error(String(r.failure))
      expect(r.success.child.objective).toBeCloseTo(p.objective, 9)
    }
  })
})

describe('batchesAround', () => {
  it('offers the geometric middles towards the nearest tried batches, and with `adjacent` the batches next to the best, never one already tried', () => {
    expect(batchesAround(128, [64, 128, 256])).toEqual([127, 91, 129, 181])
    expect(batchesAround(128, [64, 128, 256], false)).toEqual([91, 181])
    expect(batchesAround(75, [74, 75, 76])).toEqual([])
    expect(batchesAround(1, [1, 2])).toEqual([])
    expect(batchesAround(4096, [2048, 4096])).toEqual([4095, 2896])
    expect(batchesAround(1024, [512, 1024, 1025])).toEqual([1023, 724])
    expect(batchesAround(3, [2, 3, 5], false)).toEqual([4])
  })

  it('always offers a batch strictly between the best and a tried neighbour more than one away', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3000 }), (best, down, up) => {
        const below = best - down
        const above = best + up
        const tried = [best, ...(below >= 1 ? [below] : []), above]
        for (const adjacent of [true, false]) {
          const offered = batchesAround(best, tried, adjacent)
          for (const b of offered) {
            expect(tried).not.toContain(b)
            expect(b).toBeGreaterThan(below >= 1 ? below : 0)
            expect(b).toBeLessThan(above)
          }
          // Every round narrows a gap of two or more, so the refinement ends.
          if (best - Math.max(below, 0) >= 2 || above - best >= 2) expect(offered.length).toBeGreaterThan(0)
          if (adjacent && below >= 1 && best - below >= 2) expect(offered).toContain(best - 1)
          if (adjacent && above - best >= 2) expect(offered).toContain(best + 1)
        }
      }),
    )
  })
})

describe('service levels', () => {
  it('keep the child’s mean TTFT and TPOT within --ttft and --tpot, in flight and static, against a parent that meets them too', async () => {
    for (const batching of ['inflight', 'static'] as const) {
      const d = servingDeployment(deployment(systems['h100-sxm'], fp8), { batching })
      const sla = { ttftSeconds: batching === 'inflight' ? 0.2 : 0.5, tpotSeconds: 0.03 }
      const r = await run(runSearch(request({ deployment: d, scenarios: [{ input: 128, output: 1024, batch: 'auto' }], target: { kind: 'speedup', factor: 1.2 }, sla })))
      if (r._tag !== 'Success') throw r.failure
      const s = r.success.child.scenarios[0]!
      for (const m of [s.child.metrics, s.parent!.metrics]) {
        expect(m.ttftSeconds).toBeLessThanOrEqual(sla.ttftSeconds * (1 + 1e-9))
        expect(m.tpotSeconds!).toBeLessThanOrEqual(sla.tpotSeconds * (1 + 1e-9))
      }
      expect(s.speedup!).toBeGreaterThanOrEqual(1.2 * (1 - 1e-9))
    }
  })

  it('answers an unreachable TPOT with the nearest one reached, in seconds per token', async () => {
    const r = await run(runSearch(request({ scenarios: [{ input: 128, output: 1024, batch: 64 }], target: { kind: 'latency', seconds: 1000 }, sla: { tpotSeconds: 1e-6 } })))
    expect(r._tag).toBe('Failure')
    if (r._tag === 'Failure') expect(r.failure.message).toMatch(/time per output token ≤ 0\.000001 s cannot be met; the best achievable is [\d.]+ s at batch 64/)
  })
})
