import fc from 'fast-check'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { deployment, systems } from '../../cost-model/index.ts'
import { servingDeployment } from '../../serving/serving-deployment.ts'
import { totalsOf, violationsOf } from '../evaluate.ts'
import { depthQuality, priorWidthQuality } from '../quality/minitron-quality.ts'
import { minitronSpace, settingProblem, widthSettings } from '../space/minitron.ts'
import { buildProblem } from './build-problem.ts'
import { runtimeDim, scoreSpace } from './candidates.ts'
import type { SearchRequest } from './request.ts'
import { runFrontier } from './run-frontier.ts'
import { depthRequest } from './run-minitron.ts'
import { parentServing } from './run-search.ts'
import { tinyGrid, tinyHybrid } from './testing/tiny-hybrid.ts'

const bf16 = { weights: 'bf16', activations: 'bf16', kv: 'bf16' } as const
const h100 = servingDeployment(deployment(systems['h100-sxm'], bf16))

/** Every child of the grid (width setting × dropped layers) that fits, as (tokens/s per GPU, objective), and their frontier. */
function bruteForceFrontier(req: SearchRequest): { throughput: number; objective: number }[] {
  const plan = req.space.minitron!
  const quality = req.quality.minitron!
  const s = req.scenarios[0]!
  const batch = s.batch as number
  const parents = [parentServing(req, s)]
  const all: { throughput: number; objective: number }[] = []
  for (const w of widthSettings(plan.grid, plan.parent)) {
    if (settingProblem(req.parent, w, req.deployment.tp) !== undefined) continue
    const widthLoss = quality.widthLoss(w)
    const sub = depthRequest(req, w, quality, widthLoss, parents)
    const problem = buildProblem({ ...sub, target: { kind: 'none' } }, scoreSpace(sub.parent, sub.space, sub.quality), [{ input: s.input, output: s.output, batch }], [undefined])
    const sizes = problem.layers.map((l) => l.variants.length)
    const count = sizes.reduce((a, b) => a * b, 1)
    for (let n = 0; n < count; n++) {
      let rest = n
      const choice = sizes.map((size) => {
        const c = rest % size
        rest = Math.floor(rest / size)
        return c
      })
      if (violationsOf(problem, choice).length > 0) continue
      const t = totalsOf(problem, choice)
      all.push({ throughput: (batch * s.output) / (t.costs[runtimeDim(0)]! * req.deployment.tp), objective: t.objective + widthLoss.kl_div! })
    }
  }
  const sorted = all.sort((a, b) => a.objective - b.objective || b.throughput - a.throughput)
  const frontier: { throughput: number; objective: number }[] = []
  for (const p of sorted) if (frontier.length === 0 || p.throughput > frontier[frontier.length - 1]!.throughput) frontier.push(p)
  return frontier
}

describe('the Minitron frontier', () => {
  it('is the frontier of every child of the grid, each point naming its widths (brute force)', async () => {
    const sizes: number[] = []
    const settingsOnFrontier: number[] = []
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[M*-]{2,4}$/), fc.constantFrom(4, 16), async (pattern, batch) => {
        const parent = tinyHybrid(pattern)
        const space = Result.getOrThrow(minitronSpace(parent, tinyGrid(parent), 'tiny.json'))
        const widths = priorWidthQuality(parent, space.minitron!)
        const req: SearchRequest = {
          parent,
          deployment: h100,
          scenarios: [{ input: 128, output: 64, batch }],
          target: { kind: 'none' },
          space,
          quality: { ...depthQuality(widths), minitron: widths },
        }
        const f = await Effect.runPromise(runFrontier(req, { maxSpeedup: 1e9, minParams: 0 }))
        const expected = bruteForceFrontier(req)
        expect(f.completeness).toBe('exact')
        expect(f.points.map((p) => [p.tokensPerSecondPerGpu, p.objective])).toEqual(expected.map((e) => [expect.closeTo(e.throughput, 6), expect.closeTo(e.objective, 10)]))
        for (const p of f.points) expect(p.widths).toMatch(/^hidden \d+/)
        sizes.push(f.points.length)
        settingsOnFrontier.push(new Set(f.points.map((p) => p.widths)).size)
      }),
      { numRuns: 12 },
    )
    // Frontiers of many points, whose widths differ along them: the merge has work to do.
    expect(Math.max(...sizes)).toBeGreaterThan(10)
    expect(Math.max(...settingsOnFrontier)).toBeGreaterThan(2)
  })
})
