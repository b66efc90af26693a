/**
 * Minitron-space searches (`--space minitron`): the README's worked example
 * (Nemotron-H-8B toward 4B at 65,536/1,024 on one H100, `@auto`, the example
 * grid of 360 width settings), the same at the 8B's own best concurrency, and
 * the README's frontier over the default grid.
 * The note says how the grid was settled: settings solved exactly, infeasible,
 * and settled by their width-loss bound.
 */
import * as Effect from 'effect/Effect'
import { fileURLToPath } from 'node:url'
import { requestFromOptions, type SearchOptions } from '../src/search/pipeline/options.ts'
import { runFrontier } from '../src/search/pipeline/run-frontier.ts'
import { runSearch } from '../src/search/pipeline/run-search.ts'
import type { BenchRow } from './types.ts'

const grid = fileURLToPath(new URL('../examples/minitron-grid-nemotron-h-8b.json', import.meta.url))
const example = { parent: 'nemotron-h-8b', gpu: 'h100-sxm', space: grid, speedup: 1.37, params: 4.49 } as const

const cases: readonly { readonly name: string; readonly options: SearchOptions }[] = [
  { name: 'Minitron: README example, Nemotron-H-8B toward 4B, @auto', options: { ...example, scenarios: [{ input: 65536, output: 1024, batch: 'auto' }] } },
  { name: 'Minitron: the same at a fixed concurrency (59)', options: { ...example, speedup: undefined, throughput: 486, scenarios: [{ input: 65536, output: 1024, batch: 59 }] } },
]

export async function runMinitronBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  for (const c of cases) {
    const req = await Effect.runPromise(requestFromOptions(c.options))
    const started = performance.now()
    const r = await Effect.runPromise(runSearch(req))
    const s = r.minitron!.settings
    rows.push({
      name: c.name,
      value: (performance.now() - started) / 1000,
      unit: 's',
      note: `${s.total} width settings: ${s.solved} solved, ${s.infeasible} infeasible, ${s.skipped} settled by bound; child ${r.minitron!.description}, ${r.minitron!.droppedLayers.length} layers dropped`,
    })
  }
  // The README's frontier: every one of the default grid's 300 settings traced at @auto and merged.
  const req = await Effect.runPromise(
    requestFromOptions({ parent: 'nemotron-h-8b', gpu: 'h100-sxm', space: 'minitron', scenarios: [{ input: 65536, output: 1024, batch: 'auto' }], budgetRequired: false }),
  )
  const started = performance.now()
  const f = await Effect.runPromise(runFrontier(req))
  rows.push({ name: 'Minitron: pareto, Nemotron-H-8B at 65,536/1,024, @auto', value: (performance.now() - started) / 1000, unit: 's', note: `${f.points.length} points, ${f.states.toLocaleString('en-US')} DP states; ${f.note ?? ''}` })
  return rows
}
