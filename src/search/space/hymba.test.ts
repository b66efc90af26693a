import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Architecture } from '../../blocks/architecture.ts'
import { deployment, systems } from '../../cost-model/index.ts'
import { presetArchitecture } from '../../io/presets.ts'
import { servingDeployment } from '../../serving/serving-deployment.ts'
import { totalsOf, violationsOf } from '../evaluate.ts'
import { buildProblem } from '../pipeline/build-problem.ts'
import { scoreSpace } from '../pipeline/candidates.ts'
import type { SearchRequest } from '../pipeline/request.ts'
import { requestFromOptions } from '../pipeline/options.ts'
import { runSearch } from '../pipeline/run-search.ts'
import { runFrontier } from '../pipeline/run-frontier.ts'
import { runtimeDim } from '../pipeline/candidates.ts'
import { objectiveOf } from '../problem.ts'
import { priorQuality } from '../quality/prior.ts'
import { measuredQuality, parseScores } from '../quality/scores-file.ts'
import { admitsSharing, hybridShapes, defaultHymbaOptions, hymbaSpace, sharingGroups } from './hymba.ts'
import type { SearchSpace } from './types.ts'

const llama3b = Result.getOrThrow(presetArchitecture('llama-3.2-3b'))
const hymba = Result.getOrThrow(presetArchitecture('hymba-1.5b'))

function space(parent: Architecture): SearchSpace {
  const s = hymbaSpace(parent)
  if (typeof s === 'string') throw new Error(s)
  return s
}

describe('the hymba space', () => {
  it('pairs Llama-3.2-3B’s 28 layers (0, 1) … (26, 27) and lets only the second of a pair reuse the first’s cache', () => {
    const s = space(llama3b)
    expect(sharingGroups(llama3b)).toEqual(Array.from({ length: 14 }, (_, k) => [2 * k, 2 * k + 1]))
    const first = s.layers[0]!.mixers.map((m) => m.id)
    const second = s.layers[1]!.mixers.map((m) => m.id)
    expect(first).toEqual(['hybrid:h24kv8e1:global', 'hybrid:h24kv8e1:w1024'])
    expect(second).toEqual(['hybrid:h24kv8e1:global', 'hybrid:h24kv8e1:global:shared-kv', 'hybrid:h24kv8e1:w1024', 'hybrid:h24kv8e1:w1024:shared-kv'])
    expect(s.layers[0]!.parent).toEqual({ mixer: 'hybrid:h24kv8e1:global', ffn: 'ffn:100%' })
  })

  it('tries head layouts HymbaConfig can express: heads dividing hidden, KV heads dividing heads', () => {
    // Llama-3.2-3B: hidden 3072, 24 heads, 8 KV heads (../shared/reference/models). 12 heads cannot keep 8 KV heads.
    expect(hybridShapes(llama3b, defaultHymbaOptions)).toEqual([
      { heads: 24, kvHeads: 8, expand: 1 },
      { heads: 24, kvHeads: 8, expand: 2 },
      { heads: 24, kvHeads: 4, expand: 1 },
      { heads: 24, kvHeads: 4, expand: 2 },
      { heads: 12, kvHeads: 4, expand: 1 },
      { heads: 12, kvHeads: 4, expand: 2 },
    ])
    // Each layout with window 1024 and 0 or 128 meta tokens.
    expect(space(llama3b).settings).toHaveLength(12)
  })

  it('follows Hymba-1.5B’s own kv_reuse_group, triple included, and keeps its global layers alone', () => {
    const groups = sharingGroups(hymba)
    expect(groups[0]).toEqual([1, 2])
    expect(groups).toContainEqual([16, 17, 18])
    expect(groups.flat()).not.toContain(0)
    expect(groups.flat()).not.toContain(15)
    expect(groups.flat()).not.toContain(31)
  })

  it('holds Hymba-1.5B itself: in its own setting every layer’s parent option is its own block, at zero prior loss', () => {
    const s = space(hymba)
    const own = s.settings!.find((x) => x.label === 'heads 25/5 KV, Mamba 2× hidden, window 1024, 128 meta tokens')!
    expect(own.metrics.kl_div).toBe(0)
    own.space.layers.forEach((menu, l) => {
      const mixer = menu.mixers.find((m) => m.id === menu.parent.mixer)!
      expect(mixer.spec).toEqual(hymba.layers[l]!.mixer)
      const score = priorQuality.score(l, hymba.layers[l]!, mixer, menu.ffns[0]!, hymba.layers.length)
      expect(score.metrics.kl_div).toBe(0)
    })
  })

  it('refuses a parent with layers that have no attention, in one line naming the layer', async () => {
    const outcome = await Effect.runPromise(
      Effect.result(requestFromOptions({ parent: 'nemotron-h-8b', gpu: 'h200', space: 'hymba', scenarios: [{ input: 128, output: 1024, batch: 'auto' }], speedup: 2 })),
    )
    expect(Result.isFailure(outcome) && outcome.failure.message).toBe(
      "invalid --space hymba: the hymba space turns every attention layer into hybrid heads, so it needs a parent whose every layer has attention or hybrid heads; Nemotron-H-8B's layer 0 has mamba2",
    )
  })

  it('admits a shared cache only from a first layer that makes one with the same window', () => {
    const s = space(llama3b).layers
    const m = (l: number, id: string) => ({ mixer: s[l]!.mixers.find((o) => o.id === id)!, ffn: s[l]!.ffns[0]! })
    expect(admitsSharing([m(0, 'hybrid:h24kv8e1:w1024'), m(1, 'hybrid:h24kv8e1:w1024:shared-kv')])).toBe(true)
    expect(admitsSharing([m(0, 'hybrid:h24kv8e1:global'), m(1, 'hybrid:h24kv8e1:w1024:shared-kv')])).toBe(false)
    expect(admitsSharing([m(0, 'hybrid:h24kv8e1:global'), m(1, 'hybrid:h24kv8e1:w1024')])).toBe(true)
  })
})

/** Llama-3.2-3B cut to its first four layers: small enough to enumerate every child of every setting. */
const small: Architecture = { ...llama3b, name: 'Llama-3.2-3B-4L', layers: llama3b.layers.slice(0, 4) }
const h200 = servingDeployment(deployment(systems.h200, { weights: 'bf16', activations: 'bf16', kv: 'bf16' }))
const scenario = { input: 4096, output: 1024, batch: 64 }

function request(tokensPerSecondPerGpu: number): SearchRequest {
  return { parent: small, deployment: h200, scenarios: [scenario], target: { kind: 'throughput', tokensPerSecondPerGpu }, space: space(small), quality: priorQuality }
}

/** The best objective over every setting and every per-layer child its groups admit, by enumeration. */
function bruteForce(req: SearchRequest): number | undefined {
  let best: number | undefined
  for (const setting of req.space.settings!) {
    const scored = scoreSpace(small, setting.space, priorQuality)
    const problem = buildProblem({ ...req, space: setting.space }, scored, [scenario], [(req.target as { tokensPerSecondPerGpu: number }).tokensPerSecondPerGpu])
    const sizes = problem.layers.map((l) => l.variants.length)
    const total = sizes.reduce((a, b) => a * b, 1)
    for (let n = 0; n < total; n++) {
      let rest = n
      const choice = sizes.map((size) => {
        const v = rest % size
        rest = Math.floor(rest / size)
        return v
      })
      const admitted = (setting.space.groups ?? []).every((g) => g.admits(g.layers.map((l) => scored[l]!.options[choice[l]!]!)))
      if (!admitted || violationsOf(problem, choice).length > 0) continue
      const objective = totalsOf(problem, choice).objective + objectiveOf(problem.objective, setting.metrics)
      if (best === undefined || objective < best) best = objective
    }
  }
  return best
}

describe('searching the hymba space', () => {
  it('finds the optimum that enumerating every setting and every admitted child finds', async () => {
    // Throughput targets from below the parent's to past what any child reaches, in tokens/s per GPU at batch 64.
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2_000, max: 40_000 }), async (target) => {
        const req = request(target)
        const reference = bruteForce(req)
        const outcome = await Effect.runPromise(Effect.result(runSearch(req)))
        if (Result.isFailure(outcome)) {
          expect(reference).toBeUndefined()
          return
        }
        expect(reference).toBeDefined()
        expect(outcome.success.child.objective).toBeCloseTo(reference!, 9)
        expect(outcome.success.child.scenarios[0]!.child.metrics.outputTokensPerSecondPerGpu).toBeGreaterThanOrEqual(target * (1 - 1e-9))
      }),
      { numRuns: 8 },
    )
  })
})

describe('searching the hymba space from Hymba-1.5B', () => {
  it('gives back Hymba-1.5B itself, at zero loss, when every layer is kept', async () => {
    // Its own windows, shared caches and 128 meta tokens: the parent is a child of its own space, in its own setting.
    const req: SearchRequest = {
      parent: hymba,
      deployment: h200,
      scenarios: [{ input: 1024, output: 1024, batch: 64 }],
      target: { kind: 'throughput', tokensPerSecondPerGpu: 1 },
      space: space(hymba),
      quality: priorQuality,
      structure: { keepFirst: 32 },
    }
    const outcome = await Effect.runPromise(Effect.result(runSearch(req)))
    if (Result.isFailure(outcome)) throw new Error(outcome.failure.message)
    expect(outcome.success.child.objective).toBe(0)
    expect(outcome.success.child.architecture.layers).toEqual(hymba.layers)
  })
})

describe('measured scores in the hymba space', () => {
  it('take rows by mixer option id, add the parent FFN’s 0, and name only rows no setting offers as unused', async () => {
    // Windows cost nothing in layers 0–3 and sharing a lot, so a child that must shrink its cache takes windows.
    const csv = [
      'layer,variant,kl_div',
      ...[0, 1, 2, 3].flatMap((l) => [`${l},hybrid:h24kv8e1:w1024,0`, `${l},hybrid:h24kv8e1:global,0.001`]),
      ...[1, 3].flatMap((l) => [`${l},hybrid:h24kv8e1:w1024:shared-kv,1`, `${l},hybrid:h24kv8e1:global:shared-kv,1`]),
      '2,hybrid:h99kv1e1:global,0.5',
    ].join('\n')
    const quality = measuredQuality(Result.getOrThrow(parseScores(csv, 'scores.csv')))
    const q = quality.score(1, small.layers[1]!, space(small).layers[1]!.mixers.find((m) => m.id === 'hybrid:h24kv8e1:w1024:shared-kv')!, space(small).layers[1]!.ffns[0]!, 4)
    expect(q).toEqual({ metrics: { kl_div: 1 }, fromPrior: false })
    const outcome = await Effect.runPromise(Effect.result(runSearch({ ...request(30_000), quality })))
    if (Result.isFailure(outcome)) throw new Error(outcome.failure.message)
    const r = outcome.success
    expect(r.child.layers.some((l) => l.variant.includes('shared-kv'))).toBe(false)
    expect(r.quality.source.kind).toBe('mixed')
    expect(r.notes.filter((n) => n.includes('score row'))).toEqual([
      '1 score row of scores.csv match no layer or variant of the parent\'s search space and was ignored (layer 2 variant hybrid:h99kv1e1:global)',
    ])
  })
})

describe('the frontier of the hymba space', () => {
  it('is the nondominated set of every setting’s every admitted child, by enumeration', async () => {
    const req: SearchRequest = { ...request(1), target: { kind: 'none' } }
    const outcome = await Effect.runPromise(Effect.result(runFrontier(req, { maxSpeedup: 1e6, minParams: 0 })))
    if (Result.isFailure(outcome)) throw new Error(outcome.failure.message)
    const all: { throughput: number; objective: number }[] = []
    for (const setting of req.space.settings!) {
      const scored = scoreSpace(small, setting.space, priorQuality)
      const problem = buildProblem({ ...req, space: setting.space }, scored, [scenario], [undefined])
      const sizes = problem.layers.map((l) => l.variants.length)
      for (let n = 0; n < sizes.reduce((a, b) => a * b, 1); n++) {
        let rest = n
        const choice = sizes.map((size) => {
          const v = rest % size
          rest = Math.floor(rest / size)
          return v
        })
        if (!(setting.space.groups ?? []).every((g) => g.admits(g.layers.map((l) => scored[l]!.options[choice[l]!]!)))) continue
        if (violationsOf(problem, choice).length > 0) continue
        const t = totalsOf(problem, choice)
        all.push({ throughput: (scenario.batch * scenario.output) / t.costs[runtimeDim(0)]!, objective: t.objective + objectiveOf(problem.objective, setting.metrics) })
      }
    }
    const byLoss = all.sort((a, b) => a.objective - b.objective || b.throughput - a.throughput)
    const reference: typeof all = []
    for (const p of byLoss) if (reference.length === 0 || p.throughput > reference[reference.length - 1]!.throughput * (1 + 1e-12)) reference.push(p)
    const points = outcome.success.points
    expect(points.length).toBe(reference.length)
    points.forEach((p, i) => {
      expect(p.tokensPerSecondPerGpu).toBeCloseTo(reference[i]!.throughput, 6)
      expect(p.objective).toBeCloseTo(reference[i]!.objective, 12)
    })
    // Points come from several settings: with and without meta tokens, for one.
    expect(new Set(points.map((p) => p.variants[0]!.split(':')[1])).size).toBeGreaterThan(1)
  })
})
