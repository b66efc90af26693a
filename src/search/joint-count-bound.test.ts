import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CompiledProblem } from './compile.ts'
import { dpInputOf } from './dp-input.ts'
import { buildJointCountTable, jointCountExtra } from './joint-count-bound.ts'

/** Counting rows as top-k and --min-attention build them: "at most M matches" (+1 per match) or "at least n tagged" (−1 per tagged). */
const countingProblem = fc
  .record({
    layers: fc.integer({ min: 1, max: 5 }),
    options: fc.integer({ min: 1, max: 3 }),
    rows: fc.integer({ min: 2, max: 3 }),
  })
  .chain(({ layers, options, rows }) =>
    fc.record({
      q: fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: options, maxLength: options }), { minLength: layers, maxLength: layers }),
      a: fc.array(
        fc.record({
          sign: fc.constantFrom(1, -1),
          pattern: fc.array(fc.array(fc.boolean(), { minLength: options, maxLength: options }), { minLength: layers, maxLength: layers }),
          bound: fc.integer({ min: -layers, max: layers }),
        }),
        { minLength: rows, maxLength: rows },
      ),
      prefix: fc.integer({ min: 0, max: layers }),
    }),
  )

describe('the joint count bound', () => {
  it('equals, for every prefix, the least reduced-cost completion meeting all counting rows together (by enumeration)', () => {
    fc.assert(
      fc.property(countingProblem, ({ q, a, prefix }) => {
        const problem: CompiledProblem = {
          layers: q.map((values, l) => ({
            options: Int32Array.from(values, (_, i) => i),
            q: Float64Array.from(values),
            a: a.map((row) => Float64Array.from(row.pattern[l]!, (on) => (on ? row.sign : 0))),
          })),
          rows: a.map((row, r) => ({ source: { label: `count-${r}`, bound: row.bound, coefficient: () => 0 }, bound: row.bound })),
        }
        const input = dpInputOf(problem, a.map((_, r) => r))
        const D = input.bounds.length
        if (D < 2 || !Number.isFinite(input.bounds[0]!)) return
        const reduced = input.layers.map((layer) => {
          const least = Math.min(...Array.from(layer.menu, (k) => layer.q[k]!))
          return Float64Array.from(layer.menu, (k) => layer.q[k]! - least)
        })
        const dims = Array.from({ length: D }, (_, d) => d)
        const table = buildJointCountTable(input, dims, reduced)
        // Every path to `prefix`: its sums, and the least reduced-cost completion that keeps every row within its bound.
        let paths = [{ sums: new Float64Array(D) }]
        for (let l = 0; l < prefix; l++)
          paths = paths.flatMap((p) => Array.from(input.layers[l]!.menu, (k) => ({ sums: p.sums.map((s, d) => s + input.layers[l]!.a[d]![k]!) })))
        for (const path of paths) {
          let best = Infinity
          const walk = (l: number, sums: Float64Array, cost: number): void => {
            if (l === input.layers.length) {
              if (sums.every((s, d) => s <= input.bounds[d]! + 1e-9)) best = Math.min(best, cost)
              return
            }
            input.layers[l]!.menu.forEach((k, i) => walk(l + 1, sums.map((s, d) => s + input.layers[l]!.a[d]![k]!), cost + reduced[l]![i]!))
          }
          walk(prefix, path.sums, 0)
          // No table means no row needs anything at the root: then every completion of the root meets them at cost 0.
          const bound = table === undefined ? 0 : jointCountExtra(table, input.bounds, prefix, path.sums)
          expect(bound).toBeLessThanOrEqual(best)
          // Exact where the state's needs stay within what the root needs (always, on a path from the root).
          if (table !== undefined) expect(bound).toBe(best)
        }
      }),
      { numRuns: 300 },
    )
  })
})
