import { servingDeployment } from '../serving/serving-deployment.ts'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { beforeAll, describe, expect, it } from 'vitest'
import { deployment, systems } from '../cost-model/index.ts'
import { InvalidInput } from '../errors.ts'
import { presetArchitecture } from '../io/presets.ts'
import { priorQuality } from '../search/quality/prior.ts'
import { puzzleSpace } from '../search/space/puzzle.ts'
import type { SearchRequest } from '../search/pipeline/request.ts'
import { runFrontier, type FrontierResult } from '../search/pipeline/run-frontier.ts'
import { runSearch } from '../search/pipeline/run-search.ts'
import type { SearchResult } from '../search/pipeline/result.ts'
import { combinedBreakdown, combinedFrontierPlot, combinedMap, combinedQualitySource, frontierTable, seriesNames } from './plot-data.ts'
import { resultFileFromJson, type ResultFile } from './result-files.ts'

const llama8b = Result.getOrThrow(presetArchitecture('llama-3.1-8b'))
const llama3b = Result.getOrThrow(presetArchitecture('llama-3.2-3b'))
const fp8 = { weights: 'fp8', activations: 'fp8', kv: 'fp8' } as const

function request(overrides: Partial<SearchRequest> = {}): SearchRequest {
  return {
    parent: llama8b,
    deployment: servingDeployment(deployment(systems['h100-sxm'], fp8)),
    scenarios: [{ input: 128, output: 1024, batch: 64 }],
    target: { kind: 'speedup', factor: 1.5 },
    space: puzzleSpace(llama8b),
    quality: priorQuality,
    ...overrides,
  }
}

/** What `plot` reads: the document written as JSON and decoded back. */
function asFile(path: string, doc: SearchResult | FrontierResult): ResultFile {
  return Result.getOrThrow(resultFileFromJson(path, JSON.parse(JSON.stringify(doc))))
}

const search = (path: string, overrides: Partial<SearchRequest> = {}) => Effect.runPromise(runSearch(request(overrides))).then((r) => asFile(path, r))

let h100x15: ResultFile
let h100x25: ResultFile
let h200x15: ResultFile
let small3b: ResultFile
let frontier: ResultFile

beforeAll(async () => {
  h100x15 = await search('a/result.json')
  h100x25 = await search('b/result.json', { target: { kind: 'speedup', factor: 2.5 }, top: { k: 2, minDifference: 0.1 } })
  h200x15 = await search('c/result.json', { deployment: servingDeployment(deployment(systems.h200, fp8)) })
  small3b = await search('d/result.json', { parent: llama3b, space: puzzleSpace(llama3b) })
  frontier = asFile('f/frontier.json', await Effect.runPromise(runFrontier({ ...request(), target: { kind: 'none' } })))
})

describe('result files', () => {
  it('decode a search result written as JSON back to the same document', async () => {
    const doc = await Effect.runPromise(runSearch(request()))
    const file = asFile('r.json', doc)
    expect(file.kind).toBe('search')
    expect(file.doc).toEqual(doc)
  })

  it('name the file and the field a document lacks', () => {
    const r = resultFileFromJson('x.json', { kind: 'nas-sim/frontier', version: 2, points: [] })
    expect(Result.isFailure(r) && r.failure.message).toMatch(/^invalid x\.json: createdAt: Missing key/)
  })
})

describe('seriesNames', () => {
  it('name a series by system, precision and scenario, adding only what tells files of one setup apart', () => {
    expect(seriesNames([h100x15, h100x25, frontier, h200x15])).toEqual([
      'h100-sxm, fp8, 128/1024@64, ≥ 1.5× parent',
      'h100-sxm, fp8, 128/1024@64, ≥ 2.5× parent',
      'h100-sxm, fp8, 128/1024@64, frontier',
      'h200, fp8, 128/1024@64',
    ])
  })

  it('lead with the parent when the files have several', () => {
    expect(seriesNames([h100x15, small3b])).toEqual(['Llama-3.1-8B, h100-sxm, fp8, 128/1024@64', 'Llama-3.2-3B, h100-sxm, fp8, 128/1024@64'])
  })

  it('number files that nothing else tells apart', () => {
    expect(seriesNames([h100x15, h100x15])).toEqual(['h100-sxm, fp8, 128/1024@64 (1)', 'h100-sxm, fp8, 128/1024@64 (2)'])
  })
})

describe('combinedFrontierPlot', () => {
  it('draws searches of one parent on its speedup axis: one parent, each choice labelled, a budget line per target', () => {
    const files = [h100x15, h100x25, frontier]
    const plot = combinedFrontierPlot(files, seriesNames(files))
    expect(plot.x).toBe('speedup')
    expect(plot.series.map((s) => s.points.length)).toEqual([1, 2, expect.any(Number)])
    expect(plot.references?.filter((r) => r.role === 'parent').map((r) => r.label)).toEqual(['Llama-3.1-8B'])
    expect(plot.references?.filter((r) => r.role === 'reference').map((r) => r.label)).toEqual([
      'chosen: h100-sxm, fp8, 128/1024@64, ≥ 1.5× parent',
      'chosen: h100-sxm, fp8, 128/1024@64, ≥ 2.5× parent',
    ])
    expect(plot.chosen).toBeUndefined()
    expect(plot.budgets?.map((b) => b.speedup)).toEqual([expect.closeTo(1.5, 9), expect.closeTo(2.5, 9)])
    expect(plot.qualitySource).toEqual({ kind: 'prior' })
  })

  it('rings a single search’s choice where its frontier passes', () => {
    const plot = combinedFrontierPlot([h100x15, frontier], seriesNames([h100x15, frontier]))
    expect(plot.chosen?.speedup).toBeCloseTo(h100x15.kind === 'search' ? h100x15.doc.speedup! : 0, 12)
  })

  it('puts searches on two GPUs on a throughput axis, each parent labelled with its setup', () => {
    const files = [h100x15, h200x15]
    const plot = combinedFrontierPlot(files, seriesNames(files))
    expect(plot.x).toBe('throughput')
    expect(plot.references?.filter((r) => r.label.startsWith('Llama')).map((r) => [r.role, r.label, r.speedup])).toEqual([
      ['reference', 'Llama-3.1-8B, h100-sxm, fp8, 128/1024@64', 1],
      ['reference', 'Llama-3.1-8B, h200, fp8, 128/1024@64', 1],
    ])
  })

  it('refuses two quality objectives on one axis, naming the file', () => {
    const other: ResultFile = h200x15.kind === 'search' ? { ...h200x15, doc: { ...h200x15.doc, request: { ...h200x15.doc.request, objective: { lm_loss: 1 } } } } : h200x15
    expect(() => combinedFrontierPlot([h100x15, other], ['a', 'b'])).toThrow(new InvalidInput({ field: 'c/result.json: request.objective', problem: "lm_loss differs from a/result.json's kl_div (one quality axis needs one objective; plot them separately)" }))
  })

  it('refuses a speedup axis when a parent does not fit, and says which', () => {
    const unfit: ResultFile = frontier.kind === 'frontier' ? { ...frontier, doc: { ...frontier.doc, parent: { name: 'Llama-3.1-8B', serving: undefined } } } : frontier
    expect(() => combinedFrontierPlot([unfit], ['f'], { x: 'speedup' })).toThrow(/invalid --x: speedup needs the parent's throughput, but Llama-3.1-8B does not fit in f\/frontier\.json/)
  })
})

describe('combinedQualitySource', () => {
  it('says prior only when every file used the prior, and keeps measured descriptions', () => {
    const measured: ResultFile = h100x15.kind === 'search' ? { ...h100x15, doc: { ...h100x15.doc, quality: { metrics: ['kl_div'], source: { kind: 'measured', description: 'replace-1-block scores from s.csv' } } } } : h100x15
    expect(combinedQualitySource([h100x15, frontier])).toEqual({ kind: 'prior' })
    expect(combinedQualitySource([measured])).toEqual({ kind: 'measured', description: 'replace-1-block scores from s.csv' })
    expect(combinedQualitySource([measured, frontier])).toEqual({ kind: 'mixed', description: 'replace-1-block scores from s.csv' })
  })
})

describe('combinedMap and combinedBreakdown', () => {
  const named = (f: ResultFile, name: string) => {
    if (f.kind !== 'search') throw new Error('a search fixture')
    return { doc: f.doc, path: f.path, name }
  }

  it('stack every child and alternative of one parent, named by series', () => {
    const map = combinedMap([named(h100x15, 'x1.5'), named(h100x25, 'x2.5')])
    expect(map.parent.name).toBe('Llama-3.1-8B')
    expect(map.children.map((c) => c.name)).toEqual(['x1.5', 'x2.5', 'x2.5, alternative 1'])
  })

  it('keep a single search’s child name and rank its alternatives', () => {
    expect(combinedMap([named(h100x25, 'x2.5')]).children.map((c) => c.name)).toEqual(['Llama-3.1-8B-child', 'Llama-3.1-8B-child, alternative 1'])
  })

  it('refuse children of two parents on one map', () => {
    expect(() => combinedMap([named(h100x15, 'a'), named(small3b, 'b')])).toThrow(/^invalid d\/result\.json: parent: Llama-3\.2-3B differs from a\/result\.json's Llama-3\.1-8B/)
  })

  it('draw a parent shared by two searches once, before its children', () => {
    const d = servingDeployment(deployment(systems['h100-sxm'], fp8))
    const b = combinedBreakdown([
      { ...named(h100x15, 'x1.5'), deployment: d },
      { ...named(h100x25, 'x2.5'), deployment: d },
    ])
    expect(b.models.map((m) => [m.role, m.name])).toEqual([
      ['parent', 'Llama-3.1-8B'],
      ['child', 'x1.5'],
      ['child', 'x2.5'],
    ])
    // An H100 SXM reports 81,559 MiB (nvidia-smi memory.total; NVIDIA/nccl issue #1264), of which vLLM's default
    // gpu_memory_utilization of 0.9 (vLLM engine arguments docs) may be used: 76.97 GB.
    expect(b.memoryCapacity?.bytes).toBeCloseTo(0.9 * 81_559 * 2 ** 20, -3)
  })
})

describe('frontierTable', () => {
  it('shows at most a dozen points, first and last included, and says how many there are', () => {
    if (frontier.kind !== 'frontier') throw new Error('a frontier fixture')
    const t = frontierTable(frontier.doc, 'f')
    expect(t.rows.length).toBeLessThanOrEqual(12)
    expect(t.rows[0]?.values[0]).toBe('1.00×')
    expect(t.note).toContain(`of ${frontier.doc.points.length} points (the exact frontier)`)
  })
})
