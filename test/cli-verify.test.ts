import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadHighs } from '../src/search/highs.ts'
import { nasSim } from './cli-helpers.ts'

describe('search --export-problem and verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nas-sim-verify-'))
  const problem = join(dir, 'problem.json')
  const out = join(dir, 'out')
  let result: { child: { layers: { variant: string }[]; objective: number } }

  beforeAll(() => {
    const r = nasSim(['search', '--parent', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--scenario', '128/1024@16', '--speedup', '1.5', '--export-problem', problem, '--out', out])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))
  })

  /** A copy of result.json with its child changed by `edit`. */
  const tampered = (name: string, edit: (r: typeof result) => void) => {
    const copy = structuredClone(result)
    edit(copy)
    const path = join(dir, name)
    writeFileSync(path, JSON.stringify(copy))
    return path
  }

  it('writes the JSON problem and one MPS for the one batch plan', () => {
    const exported = JSON.parse(readFileSync(problem, 'utf8'))
    expect(exported.kind).toBe('nas-sim/problem')
    expect(exported.plans.map((p: { batches: number[] }) => p.batches)).toEqual([[16]])
    expect(exported.plans[0].problem.layers).toHaveLength(32)
    expect(readFileSync(join(dir, 'problem.mps'), 'utf8')).toMatch(/^ROWS$/m)
    expect(existsSync(join(dir, 'problem.batch-16.mps'))).toBe(false)
  })

  it('solved by HiGHS from the MPS file, gives the objective the search reports', async () => {
    const highs = await loadHighs()
    const objective = highs.withModel({ format: 'mps', data: readFileSync(join(dir, 'problem.mps'), 'utf8') }, (m) => {
      m.options.set({ output_flag: false, mip_rel_gap: 1e-9, mip_abs_gap: 1e-12, primal_feasibility_tolerance: 1e-9, mip_feasibility_tolerance: 1e-9 })
      expect(m.run().modelStatus).toBe(7)
      return m.getObjectiveValue()
    })
    expect(Math.abs(objective - result.child.objective)).toBeLessThanOrEqual(1e-9 * result.child.objective)
  })

  it('passes the real child (result.json or its folder)', () => {
    for (const target of [join(out, 'result.json'), out]) {
      const r = nasSim(['verify', problem, target])
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
      expect(r.stdout).toMatch(/budget runtime@0: .* ≤ /)
      expect(r.stdout).toMatch(/^ok: /m)
    }
  })

  it('fails a child with a changed variant, in one line with exit 2', () => {
    const unknown = tampered('unknown.json', (c) => (c.child.layers[5]!.variant = 'attn:kv3|ffn:77%'))
    const r = nasSim(['verify', problem, unknown])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^nas-sim: verify failed: layer 5: variant attn:kv3\|ffn:77% is not one of the problem's \d+ variants/)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    // A real variant, but not the one the search chose: the claimed objective no longer holds (or a budget breaks).
    const swapped = tampered('swapped.json', (c) => (c.child.layers[5]!.variant = c.child.layers[5]!.variant === 'attn:noop|ffn:noop' ? 'attn:linear|ffn:linear' : 'attn:noop|ffn:noop'))
    const s = nasSim(['verify', problem, swapped])
    expect(s.status).toBe(2)
    expect(s.stderr).toMatch(/^nas-sim: verify failed: (objective mismatch|budget)/)
  })

  it('fails a child over budget: the parent in every layer', () => {
    const parent = tampered('parent.json', (c) => {
      for (const l of c.child.layers) l.variant = 'attn:kv8|ffn:100%'
    })
    const r = nasSim(['verify', problem, parent])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^nas-sim: verify failed: budget runtime@0 exceeded/)
  })

  it('refuses a result that is not a search result, naming the file', () => {
    const r = nasSim(['verify', problem, problem])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^nas-sim: invalid .*problem\.json/)
  })

  it('checks every point of a pareto frontier against its export, and names a tampered point', () => {
    const frontierProblem = join(dir, 'frontier-problem.json')
    const frontierOut = join(dir, 'frontier')
    const p = nasSim(['pareto', '--parent', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--scenario', '128/1024@16', '--export-problem', frontierProblem, '--out', frontierOut])
    expect(p.status).toBe(0)
    const ok = nasSim(['verify', frontierProblem, frontierOut])
    expect(ok.status).toBe(0)
    expect(ok.stdout).toMatch(/^ok: all \d+ points of .*frontier\.json are feasible children/)
    const frontier = JSON.parse(readFileSync(join(frontierOut, 'frontier.json'), 'utf8'))
    frontier.points[2].objective *= 0.9
    writeFileSync(join(dir, 'tampered-frontier.json'), JSON.stringify(frontier))
    const bad = nasSim(['verify', frontierProblem, join(dir, 'tampered-frontier.json')])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/^nas-sim: verify failed: point 3 \(batch 16\): objective mismatch/)
  })
})
