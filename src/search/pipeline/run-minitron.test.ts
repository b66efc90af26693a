import fc from 'fast-check'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import type { Architecture } from '../../blocks/architecture.ts'
import { deployment, systems } from '../../cost-model/index.ts'
import { childConfigJson } from '../../io/child-config.ts'
import { importHfConfig } from '../../io/hf-config.ts'
import { presetArchitecture, presets } from '../../io/presets.ts'
import { architectureCost } from '../../serving/architecture-cost.ts'
import { servingDeployment } from '../../serving/serving-deployment.ts'
import { bruteForce } from '../brute-force.ts'
import { depthQuality, measuredWidthQuality, priorWidthQuality, type AxisScores } from '../quality/minitron-quality.ts'
import { minitronSpace, settingProblem, widthSettings, type MinitronGrid } from '../space/minitron.ts'
import { buildProblem } from './build-problem.ts'
import { scoreSpace } from './candidates.ts'
import type { SearchRequest } from './request.ts'
import { depthRequest } from './run-minitron.ts'
import { parentServing, runSearch } from './run-search.ts'
import { tinyGrid, tinyHybrid } from './testing/tiny-hybrid.ts'

const bf16 = { weights: 'bf16', activations: 'bf16', kv: 'bf16' } as const
const h100 = servingDeployment(deployment(systems['h100-sxm'], bf16))
const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(Effect.result(e))

/** Random per-axis scores for every value of the grid and every layer. */
const axisScoresArb = (parent: Architecture, grid: MinitronGrid) => {
  const keys = [
    ...grid.hidden.slice(1).map((h) => `hidden ${h}`),
    ...grid.ffn.slice(1).map((f) => `ffn ${f}`),
    ...grid.mambaGroups.flatMap((g) => grid.mambaHeadsPerGroup.map((h) => `mamba ${g}x${h}x32`)).slice(1),
    ...parent.layers.map((_, l) => `drop ${l}`),
  ]
  return fc.array(fc.double({ min: 0, max: 0.1, noNaN: true }), { minLength: keys.length, maxLength: keys.length }).map(
    (values): AxisScores => ({ metrics: ['kl_div'], file: 'random.csv', rows: new Map(keys.map((k, i) => [k, { kl_div: values[i]! }])) }),
  )
}

/** Each feasible width setting's best objective over every subset of layers dropped, by enumeration, best first. */
function bruteForceMinitron(req: SearchRequest): number[] {
  const plan = req.space.minitron!
  const quality = req.quality.minitron!
  const s = req.scenarios[0]!
  const parents = [parentServing(req, s)]
  const target = req.target.kind === 'speedup' ? req.target.factor * parents[0]!.metrics.outputTokensPerSecondPerGpu : undefined
  const totals: number[] = []
  for (const w of widthSettings(plan.grid, plan.parent)) {
    if (settingProblem(req.parent, w, req.deployment.tp) !== undefined) continue
    const widthLoss = quality.widthLoss(w)
    const sub = depthRequest(req, w, quality, widthLoss, parents)
    const scored = scoreSpace(sub.parent, sub.space, sub.quality)
    const problem = buildProblem(sub, scored, [{ input: s.input, output: s.output, batch: s.batch as number }], [target])
    const solution = bruteForce(problem)
    if (solution === undefined) continue
    totals.push(solution.objective + widthLoss.kl_div!)
  }
  return totals.sort((a, b) => a - b)
}

describe('the Minitron search', () => {
  it('finds the optimum over every width setting and every set of dropped layers (brute force)', async () => {
    const seen = { infeasible: 0, prunedWidths: 0, droppedLayers: 0, skippedByBound: 0 }
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[M*-]{2,5}$/).chain((pattern) => {
          const parent = tinyHybrid(pattern)
          const grid = tinyGrid(parent)
          return fc.record({
            pattern: fc.constant(pattern),
            factor: fc.double({ min: 1, max: 3, noNaN: true }),
            paramsCap: fc.option(fc.double({ min: 0.3e6, max: 3e6, noNaN: true }), { nil: undefined }),
            scores: fc.option(axisScoresArb(parent, grid), { nil: undefined }),
            top: fc.integer({ min: 1, max: 3 }),
            // Widths only, too: there a setting over the parameter cap is settled without a search.
            depth: fc.boolean(),
          })
        }),
        async ({ pattern, factor, paramsCap, scores, top, depth }) => {
          const parent = tinyHybrid(pattern)
          const space = Result.getOrThrow(minitronSpace(parent, { ...tinyGrid(parent), depth }, 'tiny.json'))
          const widths = scores === undefined ? priorWidthQuality(parent, space.minitron!) : Result.getOrThrow(measuredWidthQuality(scores, parent, space.minitron!))
          const req: SearchRequest = {
            parent,
            deployment: h100,
            scenarios: [{ input: 128, output: 64, batch: 8 }],
            target: { kind: 'speedup', factor },
            ...(paramsCap === undefined ? {} : { maxParams: paramsCap }),
            space,
            quality: { ...depthQuality(widths), minitron: widths },
            ...(top > 1 ? { top: { k: top, minDifference: 0.1 } } : {}),
          }
          const totals = bruteForceMinitron(req)
          const expected = totals[0]
          const r = await run(runSearch(req))
          if (expected === undefined) {
            expect(r._tag).toBe('Failure')
            seen.infeasible++
            return
          }
          if (r._tag !== 'Success') throw new Error(`expected a child (brute force found ${expected}): ${r.failure.message}`)
          expect(r.success.child.objective).toBeCloseTo(expected, 10)
          // --top k: the best children of the k best width settings, in order.
          expect([r.success.child, ...r.success.alternatives].map((c) => c.objective)).toEqual(totals.slice(0, top).map((t) => expect.closeTo(t, 10)))
          // The child meets its budgets as the cost model prices it whole.
          expect(r.success.speedup!).toBeGreaterThanOrEqual(factor * (1 - 1e-9))
          if (paramsCap !== undefined) expect(r.success.child.params).toBeLessThanOrEqual(paramsCap * (1 + 1e-9))
          const m = r.success.minitron!
          expect(r.success.child.metrics.kl_div).toBeCloseTo(m.widthLoss.kl_div! + m.depthLoss.kl_div!, 12)
          if (m.widths.hidden < 256 || (m.widths.ffn ?? 768) < 768 || (m.widths.mamba?.headsPerGroup ?? 4) < 4 || (m.widths.mamba?.groups ?? 2) < 2) seen.prunedWidths++
          if (m.droppedLayers.length > 0) seen.droppedLayers++
          if (m.settings.skipped > 0) seen.skippedByBound++
        },
      ),
      { numRuns: 25 },
    )
    // The cases exercise every outcome: no child, width pruning, depth pruning, and settings settled by their bound.
    expect(Object.values(seen).every((n) => n > 0), JSON.stringify(seen)).toBe(true)
  })

  it('prunes Nemotron-H-8B to a named width setting that meets the speedup against the real parent', async () => {
    const nh8b = Result.getOrThrow(presetArchitecture('nemotron-h-8b'))
    const space = Result.getOrThrow(minitronSpace(nh8b, undefined))
    const widths = priorWidthQuality(nh8b, space.minitron!)
    const req: SearchRequest = {
      parent: nh8b,
      deployment: h100,
      scenarios: [{ input: 4096, output: 1024, batch: 32 }],
      target: { kind: 'speedup', factor: 1.5 },
      maxParams: 5e9,
      space,
      quality: { ...depthQuality(widths), minitron: widths },
    }
    const r = await run(runSearch(req))
    if (r._tag !== 'Success') throw new Error(r.failure.message)
    const res = r.success
    expect(res.parent.name).toBe('Nemotron-H-8B')
    expect(res.parent.params).toBeCloseTo(8.101e9, -7) // param_count_computed, ../shared/reference/models/nemotron_h_8b.json
    const cost = architectureCost(res.child.architecture, { input: 4096, output: 1024, batch: 32 }, h100)
    const parentCost = architectureCost(nh8b, { input: 4096, output: 1024, batch: 32 }, h100)
    expect(cost.metrics.outputTokensPerSecondPerGpu / parentCost.metrics.outputTokensPerSecondPerGpu).toBeGreaterThanOrEqual(1.5 * (1 - 1e-9))
    expect(res.child.params).toBeLessThanOrEqual(5e9)
    const m = res.minitron!
    expect(res.child.architecture.hidden).toBe(m.widths.hidden)
    expect(res.child.layers.filter((l) => l.variant.includes('drop')).map((l) => l.layer)).toEqual(m.droppedLayers)
    expect(m.settings.total).toBe(300)
    expect(m.settings.solved + m.settings.infeasible + m.settings.skipped + m.settings.overLimit + m.settings.invalid).toBe(300)
    expect(res.notes[0]).toMatch(/^width setting: hidden \d+, FFN \d+, Mamba \d+ groups × \d+ heads/)
  })

  it('keeps the parent config’s settings in the exported child (norm epsilon, token ids, dtype, unknown keys)', async () => {
    const config = { ...presets.find((p) => p.id === 'nemotron-h-8b')!.config, layer_norm_epsilon: 1e-5, bos_token_id: 1, eos_token_id: 2, torch_dtype: 'bfloat16', rescale_prenorm_residual: true, vendor_note: 'kept' }
    const parent = Result.getOrThrow(importHfConfig(config))
    const space = Result.getOrThrow(minitronSpace(parent, undefined))
    const widths = priorWidthQuality(parent, space.minitron!)
    const req: SearchRequest = { parent, deployment: h100, scenarios: [{ input: 4096, output: 1024, batch: 32 }], target: { kind: 'speedup', factor: 1.3 }, maxParams: 6e9, space, quality: { ...depthQuality(widths), minitron: widths } }
    const r = await run(runSearch(req))
    if (r._tag !== 'Success') throw new Error(r.failure.message)
    const json = childConfigJson(r.success.child.architecture) as Record<string, unknown>
    expect(json).toMatchObject({ model_type: 'nemotron_h', layer_norm_epsilon: 1e-5, bos_token_id: 1, eos_token_id: 2, torch_dtype: 'bfloat16', rescale_prenorm_residual: true, vendor_note: 'kept' })
    expect(json.hidden_size).toBe(r.success.minitron!.widths.hidden)
  })

  it('refuses --export-problem in one line', async () => {
    const nh8b = Result.getOrThrow(presetArchitecture('nemotron-h-8b'))
    const space = Result.getOrThrow(minitronSpace(nh8b, undefined))
    const widths = priorWidthQuality(nh8b, space.minitron!)
    const req: SearchRequest = { parent: nh8b, deployment: h100, scenarios: [{ input: 128, output: 128, batch: 8 }], target: { kind: 'speedup', factor: 1.2 }, space, quality: { ...depthQuality(widths), minitron: widths } }
    const r = await run(runSearch(req, { onProblem: () => undefined }))
    expect(r._tag === 'Failure' && r.failure.message).toBe('invalid --export-problem: not available with --space minitron, which solves one problem per width setting')
  })
})
