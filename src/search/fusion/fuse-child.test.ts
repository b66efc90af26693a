import fc from 'fast-check'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import type { Architecture, LayerChoice } from '../../blocks/architecture.ts'
import { fuseRuns, fusionError, maximalRuns, type FusedRun } from '../../blocks/ffn-fusion.ts'
import { deployment } from '../../cost-model/deployment.ts'
import { systems } from '../../cost-model/hardware/system.ts'
import { presetArchitecture } from '../../io/presets.ts'
import { architectureCost } from '../../serving/architecture-cost.ts'
import { engines } from '../../serving/engine.ts'
import { servingDeployment } from '../../serving/serving-deployment.ts'
import { fusionPolicyOf, requestFromOptions } from '../pipeline/options.ts'
import type { FrontierPointResult } from '../pipeline/run-frontier.ts'
import { runSearch } from '../pipeline/run-search.ts'
import { priorFusionKl } from '../quality/fusion-prior.ts'
import { measuredQuality, parseScores } from '../quality/scores-file.ts'
import { nondominated } from './fuse-frontier.ts'
import { meetsTarget, relaxedTarget } from './fused-budget.ts'

const llama8b = Result.getOrThrowWith(presetArchitecture('llama-3.1-8b'), (e) => new Error(e.message))
const bf16 = { weights: 'bf16', activations: 'bf16', kv: 'bf16' } as const

/** Every set of disjoint runs that `fusionError` accepts, by brute force. */
function everyFusionPlan(a: Architecture): FusedRun[][] {
  const n = a.layers.length
  const plans: FusedRun[][] = []
  const extend = (from: number, plan: FusedRun[]) => {
    plans.push(plan)
    for (let first = from; first < n; first++)
      for (let last = first + 1; last < n; last++) if (fusionError(a, [{ first, last }]) === undefined) extend(last + 1, [...plan, { first, last }])
  }
  extend(0, [])
  return plans
}

/** Short Llama-3.1-8B children: each layer the parent's, attention removed with a pruned FFN, or empty. */
const childArb: fc.Arbitrary<Architecture> = fc
  .array(
    fc.oneof(
      fc.constant<LayerChoice>(llama8b.layers[0]!),
      fc.constant<LayerChoice>({ mixer: { type: 'noop', hidden: 4096 }, ffn: { type: 'noop', hidden: 4096 } }),
      fc.constantFrom(3584, 7168, 14336).map((w): LayerChoice => ({ mixer: { type: 'noop', hidden: 4096 }, ffn: { type: 'ffn', hidden: 4096, intermediate: w, activation: 'swiglu' } })),
    ),
    { minLength: 2, maxLength: 6 },
  )
  .map((layers) => ({ ...llama8b, layers }))

describe('FFN Fusion costed by the cost model', () => {
  it('makes fusing every maximal run the fastest fusion plan, against brute force over all plans (TP 1 and TP 8, decode-heavy and prefill-heavy)', () => {
    const settings = [
      { d: servingDeployment(deployment(systems['h100-sxm'], bf16, { tp: 1 }), { engine: engines.vllm }), s: { input: 128, output: 512, batch: 16 } },
      { d: servingDeployment(deployment(systems['dgx-h100'], bf16, { tp: 8 }), { engine: engines.vllm }), s: { input: 4096, output: 64, batch: 4 } },
    ]
    fc.assert(
      fc.property(childArb, fc.constantFrom(0, 1), (child, which) => {
        const { d, s } = settings[which]!
        const rate = (runs: readonly FusedRun[]) => architectureCost(fuseRuns(child, runs), s, d).metrics.outputTokensPerSecondPerGpu
        const best = Math.max(...everyFusionPlan(child).map(rate))
        expect(rate(maximalRuns(child))).toBeGreaterThanOrEqual(best * (1 - 1e-12))
      }),
      { numRuns: 40 },
    )
  })
})

describe('search --fuse-ffn', () => {
  it('reports the fused child’s own costs at its batch, keeps the solver’s child, and adds each run’s score to its quality', async () => {
    const req = await Effect.runPromise(
      requestFromOptions({ parent: 'llama-3.1-8b', gpu: 'h100-sxm', scenarios: [{ input: 128, output: 1024, batch: 64 }], speedup: 2, fuseFfn: 4 }),
    )
    const r = await Effect.runPromise(runSearch(req))
    const f = r.child.fusion!
    expect(f.method).toBe('re-evaluated')
    expect(f.runs.length).toBeGreaterThan(0)
    for (const run of f.runs) expect(run.ffns).toBeLessThanOrEqual(4)
    const runs = f.runs.map(({ first, last }) => ({ first, last }))
    const fused = fuseRuns(f.unfused.architecture, runs)
    expect(r.child.architecture.layers).toEqual(fused.layers)
    r.child.scenarios.forEach((s, i) => {
      const direct = architectureCost(fused, { input: s.input, output: s.output, batch: s.child.batch }, req.deployment)
      expect(s.child.metrics).toEqual(direct.metrics)
      expect(s.child.memory).toEqual(direct.memory)
      const before = architectureCost(f.unfused.architecture, { input: s.input, output: s.output, batch: s.child.batch }, req.deployment)
      expect(f.unfused.scenarios[i]!.child.metrics).toEqual(before.metrics)
      expect(s.child.metrics.outputTokensPerSecondPerGpu).toBeGreaterThan(before.metrics.outputTokensPerSecondPerGpu)
    })
    expect(r.child.params).toBe(architectureCost(fused, { input: 128, output: 1024, batch: 64 }, req.deployment).params)
    const penalty = runs.reduce((s, run) => s + priorFusionKl(f.unfused.architecture, run), 0)
    expect(r.child.metrics.kl_div).toBeCloseTo(f.unfused.metrics.kl_div! + penalty, 12)
    expect(r.child.objective).toBeCloseTo(f.unfused.objective + penalty, 12)
    expect(r.notes.some((n) => n.startsWith('FFN Fusion (--fuse-ffn) by exact re-evaluation'))).toBe(true)
  })
})

describe('search --fuse-ffn --fused-budget', () => {
  it('holds the fused child to the budget and keeps an objective no worse than fusing the child solved at the budget', async () => {
    const base = { parent: 'llama-3.1-8b', gpu: 'h100-sxm', scenarios: [{ input: 128, output: 1024, batch: 64 }], speedup: 2, fuseFfn: 4 } as const
    const plain = await Effect.runPromise(Effect.flatMap(requestFromOptions(base), (req) => runSearch(req)))
    const req = await Effect.runPromise(requestFromOptions({ ...base, fusedBudget: true }))
    const r = await Effect.runPromise(runSearch(req))
    expect(meetsTarget(req, r)).toBe(true)
    for (const s of r.child.scenarios) expect(s.speedup!).toBeGreaterThanOrEqual(2 * (1 - 1e-9))
    expect(r.child.objective).toBeLessThanOrEqual(plain.child.objective)
    expect(r.notes.some((n) => n.startsWith('--fused-budget:'))).toBe(true)
  })

  it('relaxes throughput targets by r and latency by 1/r, and leaves memory alone', () => {
    expect(relaxedTarget({ kind: 'speedup', factor: 2 }, 0.8)).toEqual({ kind: 'speedup', factor: 1.6 })
    expect(relaxedTarget({ kind: 'throughput', tokensPerSecondPerGpu: 1000 }, 0.5)).toEqual({ kind: 'throughput', tokensPerSecondPerGpu: 500 })
    expect(relaxedTarget({ kind: 'latency', seconds: 2 }, 0.5)).toEqual({ kind: 'latency', seconds: 4 })
    expect(relaxedTarget({ kind: 'memory', bytes: 1e9 }, 0.5)).toEqual({ kind: 'memory', bytes: 1e9 })
  })

  it('is refused without --fuse-ffn, in one line', () => {
    const r = fusionPolicyOf(undefined, true)
    expect(Result.isFailure(r) && r.failure.message).toBe('invalid --fused-budget: only with --fuse-ffn (there is no fused child to hold to the budget)')
  })
})

describe('fused-run score rows', () => {
  const csv = (rows: string) => parseScores(`layer,variant,kl_div\n${rows}`, 'scores.csv')
  const failure = (rows: string) => {
    const r = csv(rows)
    return Result.isFailure(r) ? r.failure.message : 'parsed'
  }

  it('reads fuse:FIRST-LAST rows apart from the per-layer rows and scores a matching run with them', () => {
    const table = Result.getOrThrow(csv('3,attn:noop,0.01\n3,fuse:3-6,0.02'))
    expect([...table.fusedRuns]).toEqual([['fuse:3-6', { kl_div: 0.02 }]])
    expect(table.byLayer.get(3)?.has('fuse:3-6')).toBe(false)
    const quality = measuredQuality(table)
    expect(quality.fusedRun!({ first: 3, last: 6 }, llama8b)).toEqual({ metrics: { kl_div: 0.02 }, fromPrior: false })
    expect(quality.unusedFusedRows!()).toEqual([])
  })

  it('gives an unscored run the prior, and says which rows no run used', () => {
    const quality = measuredQuality(Result.getOrThrow(csv('3,fuse:3-6,0.02')))
    const run = { first: 10, last: 12 }
    expect(quality.fusedRun!(run, llama8b)).toEqual({ metrics: { kl_div: priorFusionKl(llama8b, run) }, fromPrior: true })
    expect(quality.unusedFusedRows!()).toEqual(['fuse:3-6'])
  })

  it('asks for a row when a metric besides kl_div has none', () => {
    const quality = measuredQuality(Result.getOrThrow(parseScores('layer,variant,kl_div,mmlu\n3,fuse:3-6,0.02,0.1', 'scores.csv')))
    expect(() => quality.fusedRun!({ first: 10, last: 12 }, llama8b)).toThrow('no mmlu score for fused run fuse:10-12 (add a row: layer 10, variant fuse:10-12)')
  })

  it('rejects malformed runs in one line naming the row', () => {
    expect(failure('3,fuse:3,0.1')).toBe('invalid scores.csv: row 1: variant: fuse:3 (expected fuse:FIRST-LAST, e.g. fuse:117-125)')
    expect(failure('4,fuse:3-6,0.1')).toBe('invalid scores.csv: row 1: variant: fuse:3-6 (its layer column must be its first layer, 3; got 4)')
    expect(failure('6,fuse:6-6,0.1')).toBe('invalid scores.csv: row 1: variant: fuse:6-6 (a fused run spans at least two layers: FIRST < LAST)')
    expect(failure('3,fuse:3-6,0.1\n3,fuse:3-6,0.2')).toBe('invalid scores.csv: row 2: fused run fuse:3-6 is scored twice')
    expect(failure('3,fuse:3-6,-0.1')).toMatch(/^invalid scores.csv: row 1: kl_div: -0.1 /)
  })

  it('fuzzes: any fuse: variant either parses to its own run or fails with one line', () => {
    fc.assert(
      fc.property(fc.nat(200), fc.string({ maxLength: 12 }), (layer, tail) => {
        const r = csv(`${layer},fuse:${tail.replace(/[,\n\r"]/g, '')},0.1`)
        if (Result.isSuccess(r)) {
          const id = [...r.success.fusedRuns.keys()][0]!
          const m = /^fuse:(\d+)-(\d+)$/.exec(id)!
          expect(Number(m[1])).toBe(layer)
          expect(Number(m[2])).toBeGreaterThan(layer)
        } else expect(r.failure.message).not.toContain('\n')
      }),
    )
  })
})

describe('the fused frontier', () => {
  const point = (tokensPerSecondPerGpu: number, objective: number): FrontierPointResult => ({ tokensPerSecondPerGpu, objective, speedup: undefined, metrics: {}, batch: 1, params: 0, variants: [] })

  it('keeps exactly the points no other beats, against brute force', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 20 })), { maxLength: 12 }), (pairs) => {
        const points = pairs.map(([t, o]) => point(t, o))
        const beaten = (p: FrontierPointResult) => points.some((q) => q.tokensPerSecondPerGpu >= p.tokensPerSecondPerGpu && q.objective <= p.objective && (q.tokensPerSecondPerGpu > p.tokensPerSecondPerGpu || q.objective < p.objective))
        const kept = nondominated(points)
        const expected = [...new Set(points.filter((p) => !beaten(p)).map((p) => `${p.tokensPerSecondPerGpu}/${p.objective}`))]
        expect(kept.map((p) => `${p.tokensPerSecondPerGpu}/${p.objective}`)).toEqual(expected.sort((a, b) => Number(a.split('/')[0]) - Number(b.split('/')[0])))
      }),
    )
  })
})
