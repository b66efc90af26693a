/**
 * search, pareto and plot through the real binary, on one small case
 * (Llama-3.1-8B on one H100 in fp8, 128/1024 tokens at batch 64) so each
 * spawn stays near a second. The search and the frontier run once; the plot
 * tests draw their files.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { all, axisInverse, numberAttr, one, parseSvg } from './fixtures/viz/svg-reading.ts'
import { nasSim, type CliResult } from './cli-helpers.ts'

const small = ['--parent', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--scenario', '128/1024@64', '--weights', 'fp8', '--kv', 'fp8']
/** Llama-3.1-8B has 32 layers (../shared/reference/models, llama3.1_8b: num_hidden_layers). */
const llama8bLayers = 32
/** The eight bytes every PNG starts with (PNG specification, section 5.2). */
const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

interface Serving {
  readonly batch: number
  readonly metrics: { readonly outputTokensPerSecondPerGpu: number }
}
interface ResultDoc {
  readonly kind: string
  readonly speedup: number
  readonly proof: { readonly gap: number; readonly method: string }
  readonly quality: { readonly source: { readonly kind: string } }
  readonly parent: { readonly name: string }
  readonly child: {
    readonly objective: number
    readonly metrics: Readonly<Record<string, number>>
    readonly layers: readonly { readonly mixer: { readonly type: string; readonly heads?: number; readonly kvHeads?: number }; readonly ffn: { readonly type: string; readonly intermediate?: number } }[]
    readonly scenarios: readonly { readonly child: Serving; readonly parent: Serving; readonly speedup: number; readonly requiredTokensPerSecondPerGpu: number }[]
  }
}
interface FrontierDoc {
  readonly kind: string
  readonly points: readonly { readonly tokensPerSecondPerGpu: number; readonly objective: number; readonly batch: number }[]
}

let dir: string
let search: CliResult
let pareto: CliResult
const path = (...parts: string[]) => join(dir, ...parts)
const readJson = <T>(...parts: string[]): T => JSON.parse(readFileSync(path(...parts), 'utf8')) as T

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nas-sim-cli-'))
  search = nasSim(['--progress', 'search', ...small, '--speedup', '1.5', '--json', '--out', path('search')])
  // The whole frontier, uncut, so that its fastest point is the fastest child there is.
  pareto = nasSim(['pareto', ...small, '--max-speedup', '1e6', '--min-params', '1e-9', '--out', path('pareto')])
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

function expectOneLineError(r: CliResult, message: RegExp): void {
  expect(r.status).toBe(2)
  expect(r.stderr).toMatch(message)
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
  expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/)
}

/** Width and height from the IHDR chunk, which must come first: bytes 16–23, big-endian (PNG specification, 11.2.2). */
function pngSize(png: Buffer): { readonly width: number; readonly height: number } {
  expect([...png.subarray(0, 8)]).toEqual(pngSignature)
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR')
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

describe('nas-sim search', () => {
  it('prints a child that meets the speedup, with a proven optimum and the prior flagged as its quality source', () => {
    expect(search.status).toBe(0)
    const r = JSON.parse(search.stdout) as ResultDoc
    expect(r.kind).toBe('nas-sim/search-result')
    expect(r.speedup).toBeGreaterThanOrEqual(1.5)
    const s = r.child.scenarios[0]!
    // The speedup is the child's tokens/s per GPU over the parent's, each at its batch.
    expect(s.child.metrics.outputTokensPerSecondPerGpu / s.parent.metrics.outputTokensPerSecondPerGpu).toBeCloseTo(r.speedup, 9)
    expect(s.child.metrics.outputTokensPerSecondPerGpu).toBeGreaterThanOrEqual(s.requiredTokensPerSecondPerGpu)
    expect(s.child.batch).toBe(64)
    expect(r.proof.gap).toBe(0)
    expect(r.quality.source.kind).toBe('prior')
    expect(r.child.layers).toHaveLength(llama8bLayers)
    expect(r.child.objective).toBeCloseTo(r.child.metrics.kl_div!, 12)
    expect(r.child.objective).toBeGreaterThan(0)
  })

  it('reports each batch plan on stderr with --progress, leaving stdout to the JSON', () => {
    expect(search.stderr).toMatch(/^nas-sim: batch plan 1\/1 \(batch 64\): solved, objective \d+\.\d{4}$/m)
    expect(() => JSON.parse(search.stdout)).not.toThrow()
  })

  it('writes result.json, inputs.json, the child as a DeciLM config with one block per layer, and the report', () => {
    const printed = JSON.parse(search.stdout) as ResultDoc
    const written = readJson<ResultDoc>('search', 'result.json')
    expect(written).toEqual(printed)
    expect(readJson<Record<string, unknown>>('search', 'inputs.json')).toMatchObject({ parent: 'llama-3.1-8b', gpu: 'h100-sxm', speedup: 1.5, scenarios: [{ input: 128, output: 1024, batch: 64 }] })

    const config = readJson<{
      architectures: string[]
      num_hidden_layers: number
      num_attention_heads: number
      hidden_size: number
      block_configs: { attention: { no_op: boolean; n_heads_in_group: number | null }; ffn: { no_op: boolean; ffn_mult: number | null } }[]
    }>('search', 'child.config.json')
    expect(config.architectures).toEqual(['DeciLMForCausalLM'])
    // The parent's loader settings come along (Llama-3.1-8B's config.json: RoPE theta 500000 with llama3 scaling to 131072 tokens).
    expect(config).toMatchObject({ rope_theta: 500000, rope_scaling: { rope_type: 'llama3', factor: 8 }, max_position_embeddings: 131072, rms_norm_eps: 1e-5, torch_dtype: 'bfloat16' })
    expect(config.num_hidden_layers).toBe(llama8bLayers)
    expect(config.block_configs).toHaveLength(llama8bLayers)
    // DeciLM block_configs (../shared/reference/README.md): KV heads = num_attention_heads / n_heads_in_group;
    // FFN intermediate = round_up(int(2 × ffn_mult × hidden / 3), 256).
    written.child.layers.forEach((layer, i) => {
      const block = config.block_configs[i]!
      expect(block.attention.no_op).toBe(layer.mixer.type === 'noop')
      if (layer.mixer.type === 'attention') expect(config.num_attention_heads / block.attention.n_heads_in_group!).toBe(layer.mixer.kvHeads)
      expect(block.ffn.no_op).toBe(layer.ffn.type === 'noop')
      if (layer.ffn.type === 'ffn') expect(Math.ceil(Math.trunc((2 * block.ffn.ffn_mult! * config.hidden_size) / 3) / 256) * 256).toBe(layer.ffn.intermediate)
    })

    const html = readFileSync(path('search', 'report.html'), 'utf8')
    expect(html.match(/<svg /g)).toHaveLength(3)
    expect(html).toContain('built-in prior')
    expect(html).not.toContain('NaN')
  })
})

describe('nas-sim search: user mistakes', () => {
  it('answers an impossible throughput with one line naming the best achievable one, the frontier’s fastest child', () => {
    const r = nasSim(['search', ...small, '--throughput', '1e12'])
    expectOneLineError(r, /^nas-sim: infeasible budget: throughput ≥ 1,000,000,000,000 tokens\/s per GPU cannot be met; the best achievable is ([\d,]+) tokens\/s per GPU/)
    const best = Number(/the best achievable is ([\d,]+)/.exec(r.stderr)![1]!.replace(/,/g, ''))
    const fastest = readJson<FrontierDoc>('pareto', 'frontier.json').points.at(-1)!
    expect(Math.abs(best - fastest.tokensPerSecondPerGpu)).toBeLessThanOrEqual(0.5)
  })

  it.each([
    ['two budgets', ['--speedup', '1.5', '--latency', '2'], /^nas-sim: invalid --latency: give one budget, not --speedup and --latency$/m],
    ['a garbage scenario', ['--speedup', '1.5', '--scenario', 'lots'], /^nas-sim: invalid --scenario: "lots" \(expected input\/output\[@batch\]/],
    ['a missing scores file', ['--speedup', '1.5', '--scores', 'no-such-scores.csv'], /^nas-sim: no-such-scores\.csv: cannot read the scores \(no such file\)$/m],
  ])('rejects %s with one line and exit code 2', (_, args, message) => {
    expectOneLineError(nasSim(['search', ...small, ...args]), message)
  })
})

describe('nas-sim pareto --out', () => {
  it('writes the frontier as JSON, as a CSV with one row per point, as an SVG without NaN, and a report', () => {
    expect(pareto.status).toBe(0)
    const f = readJson<FrontierDoc>('pareto', 'frontier.json')
    expect(f.kind).toBe('nas-sim/frontier')
    expect(f.points.length).toBeGreaterThan(10)
    // Sorted by throughput; quality loss rises along it (no point dominates another).
    for (let i = 1; i < f.points.length; i++) {
      expect(f.points[i]!.tokensPerSecondPerGpu).toBeGreaterThan(f.points[i - 1]!.tokensPerSecondPerGpu)
      expect(f.points[i]!.objective).toBeGreaterThan(f.points[i - 1]!.objective)
    }

    const [header, ...rows] = readFileSync(path('pareto', 'frontier.csv'), 'utf8').trimEnd().split('\n')
    expect(header).toBe('tokens_per_s_per_gpu,speedup,objective,kl_div,batch,params,variants')
    expect(rows).toHaveLength(f.points.length)
    expect(Number(rows[0]!.split(',')[0])).toBe(f.points[0]!.tokensPerSecondPerGpu)
    expect(rows.at(-1)!.split(',')[4]).toBe('64')

    const svg = readFileSync(path('pareto', 'frontier.svg'), 'utf8')
    expect(svg).not.toContain('NaN')
    const root = parseSvg(svg)
    expect(one(root, '.axis-x .axis-label').textContent).toContain('tokens/s per GPU')
    expect(all(root, 'g.series')).toHaveLength(1)
    expect(readFileSync(path('pareto', 'report.html'), 'utf8')).toContain('<svg ')
  })
})

describe('nas-sim plot', () => {
  it('draws a search over its frontier: both series, the chosen child ringed where its speedup and quality are, the budget line at 1.5×', () => {
    const out = path('plots', 'frontier.svg')
    const r = nasSim(['plot', path('search', 'result.json'), path('pareto', 'frontier.json'), '--out', out, '--title', 'Llama-3.1-8B on H100'])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain(`wrote ${out}`)
    const svg = readFileSync(out, 'utf8')
    expect(svg).not.toContain('NaN')
    const root = parseSvg(svg)
    expect(one(root, 'text.title').textContent).toBe('Llama-3.1-8B on H100')
    expect(all(root, 'g.series').map((g) => g.getAttribute('data-name'))).toEqual(['h100-sxm, fp8, 128/1024@64, ≥ 1.5× parent', 'h100-sxm, fp8, 128/1024@64, frontier'])
    // One parent that fits: the x axis is the speedup over it.
    expect(one(root, '.axis-x .axis-label').textContent).toContain('Speedup')
    const x = axisInverse(root, '.axis-x', 'x')
    const y = axisInverse(root, '.axis-y', 'y')
    const result = readJson<ResultDoc>('search', 'result.json')
    const ring = one(root, 'circle.chosen')
    expect(x(numberAttr(ring, 'cx'))).toBeCloseTo(result.speedup, 2)
    expect(y(numberAttr(ring, 'cy'))).toBeCloseTo(result.child.objective, 2)
    const budget = all(root, 'line.budget')
    expect(budget).toHaveLength(1)
    expect(x(numberAttr(budget[0]!, 'x1'))).toBeCloseTo(1.5, 2)
    expect(all(root, '.caption text').map((t) => t.textContent).join(' ')).toContain('built-in prior')
  })

  it('draws the architecture map as a PNG twice the SVG’s default 960 px width', () => {
    const out = path('plots', 'map.png')
    const r = nasSim(['plot', path('search', 'result.json'), '--kind', 'map', '--out', out])
    expect(r.status).toBe(0)
    expect(pngSize(readFileSync(out)).width).toBe(1920)
  })

  it('draws the cost breakdown rebuilt from the request: the 1.5× child’s decode step is shorter than the parent’s', () => {
    const out = path('plots', 'breakdown.svg')
    const r = nasSim(['plot', path('search', 'result.json'), '--kind', 'breakdown', '--out', out])
    expect(r.status).toBe(0)
    expect(r.stderr).toBe('')
    const root = parseSvg(readFileSync(out, 'utf8'))
    const bars = all(root, '.panel-time-decode g.bar')
    expect(bars.map((b) => b.getAttribute('data-model'))).toEqual(['Llama-3.1-8B', 'child'])
    const width = (bar: (typeof bars)[number]) => all(bar, 'rect.segment').reduce((w, s) => w + numberAttr(s, 'width'), 0)
    // Decode dominates the 128/1024 scenario, so the step time carries most of the speedup.
    expect(width(bars[1]!)).toBeLessThan(width(bars[0]!) / 1.3)
  })

  it('writes one self-contained HTML report with the frontier, the map, the breakdown and the tables of both files', () => {
    const out = path('plots', 'report.html')
    expect(nasSim(['plot', path('search', 'result.json'), path('pareto', 'frontier.json'), '--out', out]).status).toBe(0)
    const html = readFileSync(out, 'utf8')
    for (const plot of ['nas-frontier', 'nas-architecture-map', 'nas-breakdown']) expect(html).toContain(`class="${plot}"`)
    expect(html).toContain('Child and parent: h100-sxm, fp8, 128/1024@64, ≥ 1.5× parent')
    expect(html).toContain('Frontier: h100-sxm, fp8, 128/1024@64, frontier')
    expect(html).not.toContain('NaN')
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/)
  })

  it.each([
    ['that is not JSON', () => 'this is not json', (file: string) => `^nas-sim: ${file}: not valid JSON`],
    ['of another kind', () => JSON.stringify({ kind: 'nas-sim/batch', version: 1 }), (file: string) => `^nas-sim: invalid ${file}: kind: "nas-sim/batch" \\(expected nas-sim/search-result`],
    [
      'that lacks a field',
      () => {
        const doc = readJson<{ child: { scenarios: { child: { metrics: Record<string, unknown> } }[] } }>('search', 'result.json')
        delete doc.child.scenarios[0]!.child.metrics.outputTokensPerSecondPerGpu
        return JSON.stringify(doc)
      },
      (file: string) => `^nas-sim: invalid ${file}: child\\.scenarios\\[0\\]\\.child\\.metrics\\.outputTokensPerSecondPerGpu: Missing key`,
    ],
    ['that does not exist', undefined, (file: string) => `^nas-sim: ${file}: no such file$`],
  ])('rejects a file %s with one line naming the file and the field', (what, content, message) => {
    const file = path(`${what.replace(/\W+/g, '-')}.json`)
    if (content !== undefined) writeFileSync(file, content())
    expectOneLineError(nasSim(['plot', file, '--out', path('plots', 'x.svg')]), new RegExp(message(file), 'm'))
  })
})
