/**
 * batch and demo (what `npm start` runs) through the real binary: the files
 * a user opens afterwards, and the exit codes a script checks.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { all, parseSvg } from './fixtures/viz/svg-reading.ts'
import { nasSim } from './cli-helpers.ts'

/** The eight bytes every PNG starts with (PNG specification, section 5.2). */
const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

interface JobLine {
  readonly id: string
  readonly status: 'ok' | 'failed'
  readonly error?: string
  readonly job: Readonly<Record<string, unknown>>
  readonly result?: { readonly speedup: number; readonly tokensPerSecondPerGpu: number }
}

let dir: string
const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '')

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nas-sim-cli-'))
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('nas-sim batch', () => {
  it('runs examples/batch-smoke.json: one result line per job, the summary CSV and a plot per group', () => {
    const out = join(dir, 'smoke')
    const r = nasSim(['batch', 'examples/batch-smoke.json', '--out', out, '--workers', '1'])
    expect(r.status).toBe(0)
    // The smoke spec: speedup axis [1.5, 2] over the defaults, plus one explicit job on an H200.
    const jobs = lines(join(out, 'jobs.jsonl')).map((l) => JSON.parse(l) as JobLine)
    expect(jobs).toHaveLength(3)
    const results = lines(join(out, 'results.jsonl')).map((l) => JSON.parse(l) as JobLine)
    expect(results.map((l) => l.id).sort()).toEqual(jobs.map((j) => j.id).sort())
    expect(results.every((l) => l.status === 'ok')).toBe(true)
    for (const l of results) if (typeof l.job.speedup === 'number') expect(l.result!.speedup).toBeGreaterThanOrEqual(l.job.speedup)

    const [header, ...rows] = lines(join(out, 'summary.csv'))
    expect(header!.split(',')).toEqual(expect.arrayContaining(['id', 'status', 'tokens_per_s_per_gpu', 'child_speedup', 'quality_source']))
    expect(rows).toHaveLength(jobs.length)

    const plots = readdirSync(join(out, 'plots')).filter((f) => f.endsWith('.svg'))
    // Two groups: the H100 jobs and the H200 job.
    expect(plots).toHaveLength(2)
    const points = plots.map((p) => readFileSync(join(out, 'plots', p), 'utf8')).flatMap((svg) => {
      expect(svg).not.toContain('NaN')
      // A human title (model on GPU · engine · tokens · batch), not the group's raw key.
      const title = all(parseSvg(svg), 'text.title tspan').map((t) => t.textContent).join(' ')
      expect(title).toMatch(/^Llama-3\.1-8B on 1× NVIDIA H[12]00 .* · vLLM \(V1 engine\), in-flight batching · 128 → 1024 tokens · /)
      expect(title).not.toContain('tp=')
      return all(parseSvg(svg), 'path.point')
    })
    expect(points).toHaveLength(jobs.length)
  })

  it('records an infeasible job as failed with its reason, finishes the others and exits 3', () => {
    const spec = join(dir, 'one-infeasible.json')
    writeFileSync(
      spec,
      JSON.stringify({
        name: 'one-infeasible',
        defaults: { parent: 'llama-3.1-8b', gpu: 'h100-sxm', input: 128, output: 1024, batch: 64, weights: 'fp8', kv: 'fp8' },
        jobs: [{ speedup: 1.5, top: 2 }, { throughput: 1e12 }],
      }),
    )
    const out = join(dir, 'infeasible')
    const r = nasSim(['batch', spec, '--out', out, '--workers', '1', '--json'])
    expect(r.status).toBe(3)
    // stdout holds only the summary; the per-job log went to stderr.
    expect(JSON.parse(r.stdout)).toMatchObject({ total: 2, ok: 1, failed: 1, pending: 0 })
    const results = lines(join(out, 'results.jsonl')).map((l) => JSON.parse(l) as JobLine)
    expect(results).toHaveLength(2)
    const failed = results.find((l) => l.job.throughput === 1e12)!
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatch(/^infeasible budget: throughput ≥ 1,000,000,000,000 tokens\/s per GPU cannot be met; the best achievable is [\d,]+ tokens\/s per GPU/)
    const solved = results.find((l) => l.job.speedup === 1.5)!
    expect(solved.status).toBe('ok')
    // What search reports beside the child is kept: top 2 gives one diverse alternative, no worse-placed than the best.
    const extra = solved.result as unknown as { objective: number; alternatives: { objective: number; variants: string[] }[]; notes: string[]; unsolved: unknown[] }
    expect(extra.alternatives).toHaveLength(1)
    expect(extra.alternatives[0]!.objective).toBeGreaterThanOrEqual(extra.objective)
    expect(extra.alternatives[0]!.variants).toHaveLength(32)
    expect(extra.notes).toEqual([])
    expect(extra.unsolved).toEqual([])
    expect(lines(join(out, 'summary.csv'))[0]!.split(',')).toEqual(expect.arrayContaining(['alternatives', 'unsolved_batches', 'notes']))
    expect(lines(join(out, 'summary.csv')).find((row) => row.startsWith(`${failed.id},`))).toContain(',failed,')
  })
})

/**
 * The demo traces an exact frontier over a dozen concurrencies (about 15 s of CPU here); on a busy 2-core CI machine
 * it gets room well past the default test timeout.
 */
const demoTimeout = 300_000

describe('nas-sim demo (npm start)', () => {
  it('writes the search, the frontier, the report and the architecture map, and says where', () => {
    const out = join(dir, 'demo')
    const r = nasSim(['demo', '--out', out], undefined, demoTimeout)
    expect(r.status).toBe(0)
    const result = JSON.parse(readFileSync(join(out, 'search', 'result.json'), 'utf8')) as { kind: string; speedup: number; parent: { name: string } }
    expect(result.kind).toBe('nas-sim/search-result')
    expect(result.parent.name).toBe('Llama-3.3-70B')
    // The demo asks for about twice the parent's throughput.
    expect(result.speedup).toBeGreaterThanOrEqual(2)
    const frontier = JSON.parse(readFileSync(join(out, 'frontier', 'frontier.json'), 'utf8')) as { kind: string; points: readonly { tokensPerSecondPerGpu: number }[] }
    expect(frontier.kind).toBe('nas-sim/frontier')
    expect(frontier.points.length).toBeGreaterThan(1)
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    for (const plot of ['nas-frontier', 'nas-architecture-map', 'nas-breakdown']) expect(html).toContain(`class="${plot}"`)
    expect(html).not.toContain('NaN')
    const png = readFileSync(join(out, 'architecture-map.png'))
    expect([...png.subarray(0, 8)]).toEqual(pngSignature)
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR')
    expect(r.stdout).toContain(join(out, 'report.html'))
  }, demoTimeout)
})
