/**
 * The hymba space through the real binary: a search writes its child as a
 * HymbaConfig config.json, which `cost` then loads like any Hugging Face config
 * and costs the same as the search reported.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { nasSim } from './cli-helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'nas-sim-hymba-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('nas-sim search --space hymba', () => {
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

  it('refuses pareto over the hymba space in one line', () => {
    const r = nasSim(['pareto', '--parent', 'llama-3.2-3b', '--gpu', 'h200', '--space', 'hymba', '--scenario', '1024/7168'])
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^nas-sim: invalid --space: hymba: pareto does not trace this space yet/)
  })
})
