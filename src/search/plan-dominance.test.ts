import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CompiledProblem } from './compile.ts'
import { breakingBound, comparePlans } from './plan-dominance.ts'

/** Every choice (an option position per layer) of a compiled problem. */
function* choices(p: CompiledProblem): Generator<number[]> {
  const pick = p.layers.map(() => 0)
  for (;;) {
    yield [...pick]
    let l = 0
    while (l < pick.length && ++pick[l]! === p.layers[l]!.q.length) pick[l++] = 0
    if (l === pick.length) return
  }
}

const sum = (p: CompiledProblem, r: number, choice: readonly number[]) => choice.reduce((s, k, l) => s + p.layers[l]!.a[r]![k]!, 0)
const meets = (p: CompiledProblem, r: number, choice: readonly number[]) => sum(p, r, choice) <= p.rows[r]!.bound
const feasible = (p: CompiledProblem, choice: readonly number[]) => p.rows.every((_, r) => meets(p, r, choice))
const objective = (p: CompiledProblem, choice: readonly number[]) => choice.reduce((s, k, l) => s + p.layers[l]!.q[k]!, 0)

/**
 * Two batch plans of one search: the same menus and objective values; the
 * solved plan's rows are the candidate's scaled by a factor (a larger batch's
 * runtime budget) with some coefficients raised or lowered (costs that do or
 * do not grow in proportion), so that containment holds in some draws only.
 */
const planPair = fc
  .record({
    layers: fc.array(fc.record({ q: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 4 }),
    rows: fc.integer({ min: 1, max: 3 }),
    seed: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 40, maxLength: 40 }),
    shifts: fc.array(fc.integer({ min: -2, max: 3 }), { minLength: 40, maxLength: 40 }),
    scale: fc.constantFrom(1, 1.5, 2),
    bounds: fc.array(fc.integer({ min: 2, max: 30 }), { minLength: 3, maxLength: 3 }),
  })
  .map(({ layers, rows, seed, shifts, scale, bounds }) => {
    let i = 0
    const next = () => seed[i++ % seed.length]!
    let j = 0
    const shift = () => shifts[j++ % shifts.length]!
    const candidateA = layers.map((layer) => Array.from({ length: rows }, () => layer.q.map(() => next())))
    const make = (a: number[][][], b: number[]): CompiledProblem => ({
      layers: layers.map((layer, l) => ({ options: Int32Array.from(layer.q, (_, k) => k), q: Float64Array.from(layer.q), a: a[l]!.map((row) => Float64Array.from(row)) })),
      rows: b.slice(0, rows).map((bound, r) => ({ source: { label: `row ${r}`, bound, coefficient: () => 0 }, bound })),
    })
    const candidate = make(candidateA, bounds)
    const solved = make(
      candidateA.map((rowsOf) => rowsOf.map((row, r) => row.map((v) => Math.max(0, v * scale + (r === 0 ? Math.min(0, shift()) : shift()))))),
      bounds.map((b) => b * scale),
    )
    return { candidate, solved }
  })

describe('comparePlans', () => {
  it('says a plan is contained only when every child it allows is allowed in the solved plan', () => {
    fc.assert(
      fc.property(planPair, ({ candidate, solved }) => {
        const verdict = comparePlans(candidate, solved)
        for (const choice of choices(candidate)) {
          if (!feasible(candidate, choice)) continue
          if (verdict._tag === 'Contained') expect(feasible(solved, choice)).toBe(true)
          if (verdict._tag === 'ContainedUnlessBreaking' && meets(solved, verdict.row, choice)) expect(feasible(solved, choice)).toBe(true)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('finds containment when the solved plan scales every row up by its bound (a larger batch with no other row)', () => {
    const layer = { options: Int32Array.of(0, 1), q: Float64Array.of(1, 0), a: [Float64Array.of(1, 3)] }
    const row = (bound: number) => ({ source: { label: 'runtime', bound, coefficient: () => 0 }, bound })
    const candidate: CompiledProblem = { layers: [layer, layer], rows: [row(4)] }
    const solved: CompiledProblem = { layers: [layer, layer].map((l) => ({ ...l, a: [Float64Array.of(1.5, 4.5)] })), rows: [row(6)] }
    expect(comparePlans(candidate, solved)).toEqual({ _tag: 'Contained' })
    const tighter: CompiledProblem = { layers: solved.layers.map((l) => ({ ...l, a: [Float64Array.of(1.5, 5)] })), rows: [row(6)] }
    expect(comparePlans(candidate, tighter)).toEqual({ _tag: 'ContainedUnlessBreaking', row: 0 })
  })
})

describe('breakingBound', () => {
  it('never exceeds the best child of the candidate that reaches the solved plan\'s row, and is infinite only when none does', () => {
    fc.assert(
      fc.property(planPair, ({ candidate, solved }) => {
        for (let r = 0; r < solved.rows.length; r++) {
          const bound = breakingBound(candidate, solved, r)
          let best = Infinity
          for (const choice of choices(candidate)) if (feasible(candidate, choice) && sum(solved, r, choice) >= solved.rows[r]!.bound) best = Math.min(best, objective(candidate, choice))
          if (Number.isFinite(best)) expect(bound).toBeLessThanOrEqual(best + 1e-9)
          // Stopping at the first bound past a target gives a bound too, and passes the target only if the full one does.
          for (const target of [best - 1, best - 0.1, best + 1]) {
            const early = breakingBound(candidate, solved, r, target)
            if (Number.isFinite(best)) expect(early).toBeLessThanOrEqual(best + 1e-9)
            if (early > target) expect(bound).toBeGreaterThan(target - 1e-9)
          }
        }
      }),
      { numRuns: 300 },
    )
  })
})
