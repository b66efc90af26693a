import * as Effect from 'effect/Effect'
import { describe, expect, it } from 'vitest'
import type { SearchProblem } from '../problem.ts'
import { solve } from '../solve.ts'
import { syntheticPuzzleProblem } from '../synthetic.ts'
import { problemExport } from './problem-json.ts'
import { verifyChild, type Verification } from './verify.ts'

const reason = (v: Verification) => (v._tag === 'Failed' ? v.reason : 'passed')

describe('verifyChild', async () => {
  const problem: SearchProblem = { ...syntheticPuzzleProblem({ layers: 8, seed: 4, runtimeShare: 0.6 }), constraints: [{ type: 'fixed', layer: 0, variant: 'attn:kv8+ffn:100%' }] }
  const exported = problemExport([{ batches: [32], problem }])
  const best = await Effect.runPromise(solve(problem))
  const child = { batches: [32], variants: best.variants, objective: best.objective }

  it('passes the solver’s own child, recomputing its objective', () => {
    const v = verifyChild(exported, child)
    expect(v._tag).toBe('Passed')
    if (v._tag === 'Passed') expect(v.verified.objective).toBeCloseTo(best.objective, 12)
  })

  it('fails a child whose variant is not in the problem, or breaks a fixed layer', () => {
    expect(reason(verifyChild(exported, { ...child, variants: child.variants.map((v, l) => (l === 3 ? 'attn:kv3+ffn:77%' : v)) }))).toMatch(/^layer 3: variant attn:kv3\+ffn:77% is not one of/)
    expect(reason(verifyChild(exported, { ...child, variants: child.variants.map((v, l) => (l === 0 ? 'attn:noop+ffn:noop' : v)) }))).toMatch(/^layer 0 must be attn:kv8\+ffn:100%/)
  })

  it('fails a child over budget: the parent everywhere', () => {
    expect(reason(verifyChild(exported, { ...child, variants: child.variants.map(() => 'attn:kv8+ffn:100%') }))).toMatch(/^budget runtime exceeded/)
  })

  it('fails a child that claims a better objective than its variants score', () => {
    expect(reason(verifyChild(exported, { ...child, objective: child.objective * 0.99 }))).toMatch(/^objective mismatch/)
  })

  it('fails a child at a batch that was not exported', () => {
    expect(reason(verifyChild(exported, { ...child, batches: [64] }))).toMatch(/batch 64 is not among the exported plans \(32\)/)
  })
})
