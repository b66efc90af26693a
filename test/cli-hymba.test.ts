/**
 * The hymba space through the real binary: a search writes its child as a
 * HymbaConfig config.json, which `cost` then loads like any Hugging Face config
 * and costs the same as the search reported; pareto traces the space.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { nasSim } from './cli-helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'nas-sim-hymba-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('nas-sim search and pareto --space hymba', () => {
  it('writes a HymbaConfig child that nas-sim cost loads and costs as the search did', () => {
    const out = join(dir, 'child')
    const search = nasSim(['search', '--parent', 'llama-3.2-3b', '--gpu', 'h200', '--space', 'hymba', '--scenario', '1024/7168@256', '--memory', '40', '--out', out, '--json'])
    expect(search.stderr).toBe('')
    expect(search.status).toBe(0)
    const result = JSON.parse(search.stdout) as { child: { params: number; scenarios: { child: { memory: { total: number } } }[] } }
    const config = JSON.parse(readFileSync(join(out, 'child.config.json'), 'utf8')) as Record<string, unknown>
    expect(config).toMatchObject({ architectures: ['HymbaForCausalLM'], model_type: 'hymba', num_attention_heads: 24 })
    const cost = nasSim(['cost', '--model', join(out, 'child.config.json'), '--gpu', 'h200', '--batch', '256', '--input', '1024', '--output', '7168', '--json'])
    expect(cost.status).toBe(0)
    const costed = JSON.parse(cost.stdout) as { params: number; memory: { total: number } }
    expect(costed.params).toBe(result.child.params)
    expect(costed.memory.total).toBeCloseTo(result.child.scenarios[0]!.child.memory.total, -3)
  })

  it('traces the frontier of the hymba space, and refuses --export-problem for it in one line', () => {
    const r = nasSim(['pareto', '--parent', 'llama-3.2-3b', '--gpu', 'h200', '--space', 'hymba', '--scenario', '1024/7168@256', '--json'])
    expect(r.status).toBe(0)
    const f = JSON.parse(r.stdout) as { points: { tokensPerSecondPerGpu: number; objective: number; variants: string[] }[] }
    expect(f.points.length).toBeGreaterThan(1)
    for (let i = 1; i < f.points.length; i++) {
      expect(f.points[i]!.tokensPerSecondPerGpu).toBeGreaterThan(f.points[i - 1]!.tokensPerSecondPerGpu)
      expect(f.points[i]!.objective).toBeGreaterThan(f.points[i - 1]!.objective)
    }
    expect(f.points.every((p) => p.variants.length === 28 && p.variants.every((v) => v.startsWith('hybrid:')))).toBe(true)
    const refused = nasSim(['pareto', '--parent', 'llama-3.2-3b', '--gpu', 'h200', '--space', 'hymba', '--scenario', '1024/7168', '--export-problem', join(dir, 'p.json')])
    expect(refused.status).toBe(2)
    expect(refused.stderr).toBe('nas-sim: invalid --export-problem: not available with --space hymba: each whole-model setting has problems of its own, over groups of layers\n')
  })
})
