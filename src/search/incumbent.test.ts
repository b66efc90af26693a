import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CompiledProblem } from './compile.ts'
import { dpInputOf, type DpInput } from './dp-input.ts'
import { findIncumbent } from './incumbent.ts'

/** Small problems with integer costs and rows of mixed sign (budgets, and counts as top-k's diversity rows build them), plus starting choices. */
const smallProblem = fc
  .record({
    layers: fc.integer({ min: 1, max: 6 }),
    options: fc.integer({ min: 1, max: 4 }),
    rows: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ layers, options, rows }) =>
    fc.record({
      q: fc.array(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: options, maxLength: options }), { minLength: layers, maxLength: layers }),
      a: fc.array(
        fc.record({
          values: fc.array(fc.array(fc.integer({ min: -3, max: 5 }), { minLength: options, maxLength: options }), { minLength: layers, maxLength: layers }),
          bound: fc.integer({ min: -5, max: 3 * layers }),
        }),
        { minLength: rows, maxLength: rows },
      ),
      starts: fc.array(fc.array(fc.integer({ min: 0, max: options - 1 }), { minLength: layers, maxLength: layers }), { minLength: 1, maxLength: 3 }),
    }),
  )

function inputOf(q: readonly (readonly number[])[], a: readonly { values: readonly (readonly number[])[]; bound: number }[]): DpInput {
  const problem: CompiledProblem = {
    layers: q.map((values, l) => ({
      options: Int32Array.from(values, (_, i) => i),
      q: Float64Array.from(values),
      a: a.map((row) => Float64Array.from(row.values[l]!)),
    })),
    rows: a.map((row, r) => ({ source: { label: `row-${r}`, bound: row.bound, coefficient: () => 0 }, bound: row.bound })),
  }
  return dpInputOf(problem, a.map((_, r) => r))
}

/** The least objective over every choice that keeps each row within its bound (Infinity when none does). */
function bruteForceOptimum(input: DpInput): number {
  let best = Infinity
  const walk = (l: number, sums: Float64Array, cost: number): void => {
    if (l === input.layers.length) {
      if (sums.every((s, d) => s <= input.bounds[d]!)) best = Math.min(best, cost)
      return
    }
    const layer = input.layers[l]!
    for (let k = 0; k < layer.q.length; k++) walk(l + 1, sums.map((s, d) => s + layer.a[d]![k]!), cost + layer.q[k]!)
  }
  walk(0, new Float64Array(input.bounds.length), 0)
  return best
}

describe('the incumbent', () => {
  it('with pair swaps stays feasible, reports its own objective, is no worse than single swaps alone and no better than the optimum', () => {
    fc.assert(
      fc.property(smallProblem, ({ q, a, starts }) => {
        const input = inputOf(q, a)
        const starting = starts.map((s) => Int32Array.from(s))
        const single = findIncumbent(input, starting)
        // Pairs for the best start only, and for every start from the second on (as top-k's hints get them).
        for (const paired of [findIncumbent(input, starting, true), findIncumbent(input, starting, true, 1)]) {
          expect(paired === undefined).toBe(single === undefined)
          if (paired === undefined || single === undefined) return
          input.bounds.forEach((bound, d) => {
            const sum = input.layers.reduce((total, layer, l) => total + layer.a[d]![paired.choice[l]!]!, 0)
            expect(sum).toBeLessThanOrEqual(bound)
          })
          expect(paired.objective).toBe(input.layers.reduce((total, layer, l) => total + layer.q[paired.choice[l]!]!, 0))
          expect(paired.objective).toBeLessThanOrEqual(single.objective)
          expect(paired.objective).toBeGreaterThanOrEqual(bruteForceOptimum(input))
        }
      }),
      { numRuns: 300 },
    )
  })

  it('with pair swaps leaves a row at its bound by giving back in one layer what another takes', () => {
    // Two layers and a count row allowing one "1" in all: from options (0, 0), objective 5 + 0 with the row at its
    // bound, layer 0's cheaper option breaks the row and layer 1's costs more, so no single swap helps; the pair of
    // both does (1 + 3, the row still at 1), and that is the optimum.
    const input = inputOf(
      [
        [5, 1],
        [0, 3],
      ],
      [
        {
          values: [
            [0, 1],
            [1, 0],
          ],
          bound: 1,
        },
      ],
    )
    expect(findIncumbent(input, [Int32Array.of(0, 0)])?.objective).toBe(5)
    expect(findIncumbent(input, [Int32Array.of(0, 0)], true)).toEqual({ choice: Int32Array.of(1, 1), objective: 4 })
  })
})
