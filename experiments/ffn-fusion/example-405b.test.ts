/** Reproduces examples/ffn-fusion-405b: the same search gives the committed DeciLM config and the figures its README quotes. */
import { readFileSync } from 'node:fs'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { exportDeciLm } from '../../src/io/decilm-export.ts'
import { requestFromOptions } from '../../src/search/pipeline/options.ts'
import { runSearch } from '../../src/search/pipeline/run-search.ts'

describe('examples/ffn-fusion-405b', () => {
  it('is what the search gives: the committed child config, 1.53× unfused, 1.75× fused, eight runs of eight FFNs', async () => {
    const req = await Effect.runPromise(
      requestFromOptions({
        parent: 'llama-3.1-405b', gpu: 'dgx-h100', tp: 8, weights: 'fp8', speedup: 1.53, params: 253,
        scenarios: [{ input: 1024, output: 1024, batch: 32 }], fuseFfn: 9,
      }),
    )
    const r = await Effect.runPromise(runSearch(req))
    const committed: unknown = JSON.parse(readFileSync(new URL('../../examples/ffn-fusion-405b/child.config.json', import.meta.url), 'utf8'))
    expect(JSON.parse(JSON.stringify(Result.getOrThrow(exportDeciLm(r.child.architecture))))).toEqual(committed)
    const f = r.child.fusion!
    expect(f.runs.map((run) => run.ffns)).toEqual([8, 8, 8, 8, 8, 8, 8, 8])
    expect(f.unfused.scenarios[0]!.speedup).toBeCloseTo(1.53, 2)
    expect(r.child.scenarios[0]!.speedup).toBeCloseTo(1.75, 2)
  })
})
