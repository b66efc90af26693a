/**
 * `--space minitron` through the real binary: one search of Nemotron-H-8B on
 * one H100 at a fixed batch (about a second), its Nemotron-H child config read
 * back by `cost`, a grid file with per-axis scores, a batch job, the frontier,
 * and the one-line errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nasSim, type CliResult } from './cli-helpers.ts'

const where = ['--parent', 'nemotron-h-8b', '--gpu', 'h100-sxm', '--scenario', '4096/1024@32']
let dir: string
let search: CliResult
const path = (...parts: string[]) => join(dir, ...parts)

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nas-sim-minitron-'))
  search = nasSim(['search', ...where, '--space', 'minitron', '--speedup', '1.5', '--params', '5', '--json', '--out', path('search')])
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('nas-sim search --space minitron', () => {
  it('names the width setting and the dropped layers, and writes a Nemotron-H child config that cost reads back', () => {
    expect(search.status, search.stderr).toBe(0)
    const r = JSON.parse(search.stdout) as { request: { space: string }; minitron: { description: string; droppedLayers: number[]; keptLayers: number }; child: { params: number } }
    expect(r.request.space).toBe('minitron')
    expect(r.minitron.description).toMatch(/^hidden \d+, FFN \d+, Mamba \d+ groups × \d+ heads \(\d+\) × 64 channels$/)
    expect(r.child.params).toBeLessThanOrEqual(5e9)
    const config = JSON.parse(readFileSync(path('search', 'child.config.json'), 'utf8')) as Record<string, unknown>
    expect(config.model_type).toBe('nemotron_h')
    expect(config.num_hidden_layers).toBe(r.minitron.keptLayers)
    expect((config.hybrid_override_pattern as string).length).toBe(r.minitron.keptLayers)
    const cost = nasSim(['cost', '--model', path('search', 'child.config.json'), '--gpu', 'h100-sxm', '--batch', '32', '--input', '4096', '--output', '1024', '--json'])
    expect(cost.status, cost.stderr).toBe(0)
    expect((JSON.parse(cost.stdout) as { params: number }).params).toBeCloseTo(r.child.params, -3)
  })

  it('finds the published Nemotron-H-4B widths with depth off (the README example), settling the settings over --params without a search', () => {
    // Nemotron-H-4B: hidden 3072, FFN 12288, 8 groups × 14 Mamba heads of 64, 52 layers, 4.49 B parameters (model card;
    // ../shared/reference/models/nemotron_h_4b.json), the budgets the README gives (--speedup 1.37 --params 4.49).
    const widthsOnly = nasSim(['search', '--parent', 'nemotron-h-8b', '--gpu', 'h100-sxm', '--space', 'examples/minitron-grid-nemotron-h-8b-widths.json', '--scenario', '65536/1024', '--speedup', '1.37', '--params', '4.49', '--json'])
    expect(widthsOnly.status, widthsOnly.stderr).toBe(0)
    const r = JSON.parse(widthsOnly.stdout) as { minitron: { description: string; droppedLayers: number[]; settings: { infeasible: number } }; child: { params: number }; notes: string[] }
    expect(r.minitron.description).toBe('hidden 3072, FFN 12288, Mamba 8 groups × 14 heads (112) × 64 channels')
    expect(r.minitron.droppedLayers).toEqual([])
    expect(r.child.params / 1e9).toBeCloseTo(4.49, 2)
    const overParams = /\((\d+) by their parameters alone, without a search\)/.exec(r.notes.join('\n'))
    expect(Number(overParams?.[1])).toBeGreaterThan(0)
    expect(Number(overParams?.[1])).toBeLessThanOrEqual(r.minitron.settings.infeasible)
  })

  it('takes a grid file and per-axis scores, and names a missing score row in one line', () => {
    writeFileSync(path('grid.json'), JSON.stringify({ minitron: { hidden: [4096, 3072], ffn: [21504, 12288], mambaGroups: [8], mambaHeadsPerGroup: [16, 14], depth: false } }))
    writeFileSync(path('scores.csv'), 'axis,value,kl_div\nhidden,3072,0.2\nffn,12288,0.1\nmamba,8x14,0.02\n')
    const ok = nasSim(['search', ...where, '--space', path('grid.json'), '--scores', path('scores.csv'), '--speedup', '1.2', '--json'])
    expect(ok.status, ok.stderr).toBe(0)
    const r = JSON.parse(ok.stdout) as { quality: { source: { kind: string } }; minitron: { droppedLayers: number[]; settings: { total: number } } }
    expect(r.quality.source.kind).toBe('measured')
    expect(r.minitron.droppedLayers).toEqual([])
    expect(r.minitron.settings.total).toBe(8)
    writeFileSync(path('partial.csv'), 'axis,value,kl_div\nhidden,3072,0.2\n')
    const bad = nasSim(['search', ...where, '--space', path('grid.json'), '--scores', path('partial.csv'), '--speedup', '1.2'])
    expect(bad.status).toBe(2)
    expect(bad.stderr.trim()).toBe(`nas-sim: invalid ${path('partial.csv')}: no row for ffn value 12288 (the grid offers it; add a row, or leave the value out of the grid)`)
  })

  it('runs as a batch job (space: minitron), the summary naming the width setting', () => {
    writeFileSync(path('spec.json'), JSON.stringify({ name: 'm', defaults: { parent: 'nemotron-h-8b', gpu: 'h100-sxm', input: 4096, output: 1024, batch: 32, space: 'minitron', params: 5 }, jobs: [{ speedup: 1.3 }] }))
    const r = nasSim(['batch', path('spec.json'), '--out', path('batch'), '--workers', '1'])
    expect(r.status, r.stderr).toBe(0)
    expect(readFileSync(path('batch', 'summary.csv'), 'utf8')).toMatch(/,minitron,.*width setting: hidden \d+, FFN \d+, Mamba/)
  })

  it('traces the frontier with each point’s widths, and refuses --export-problem in one line', () => {
    const r = nasSim(['pareto', ...where, '--space', 'minitron', '--json', '--out', path('pareto')])
    expect(r.status, r.stderr).toBe(0)
    const f = JSON.parse(r.stdout) as { completeness: string; points: { widths: string; speedup: number }[] }
    expect(f.completeness).toBe('exact')
    expect(f.points.length).toBeGreaterThan(3)
    for (const p of f.points) expect(p.widths).toMatch(/^hidden \d+, FFN \d+, Mamba/)
    expect(readFileSync(path('pareto', 'frontier.csv'), 'utf8').split('\n')[0]).toMatch(/,params,widths,variants$/)
    const bad = nasSim(['pareto', ...where, '--space', 'minitron', '--export-problem', path('p.json')])
    expect(bad.status).toBe(2)
    expect(bad.stderr.trim()).toBe('nas-sim: invalid --export-problem: not available with --space minitron, which solves one problem per width setting')
  })
})
