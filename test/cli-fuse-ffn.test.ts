import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { nasSim } from './cli-helpers.ts'

describe('search --fuse-ffn from the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nas-sim-fuse-'))
  const out = join(dir, 'out')
  const problem = join(dir, 'problem.json')
  let stdout = ''

  beforeAll(() => {
    const r = nasSim(['search', '--parent', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--scenario', '128/1024@64', '--speedup', '2', '--fuse-ffn', '4', '--export-problem', problem, '--out', out])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    stdout = r.stdout
  })

  it('prints the fused runs and the fused child against the solver’s, and says the figures are re-evaluated', () => {
    expect(stdout).toMatch(/^fused: \d+ runs? \(fuse:\d+-\d+: [2-4] FFNs → [\d,]+ wide/m)
    expect(stdout).toMatch(/^fusion re-evaluated: [\d,]+ tok\/s per GPU vs [\d,]+ tok\/s unfused \(1\.\d{3}×\)/m)
    expect(stdout).toContain('note: FFN Fusion (--fuse-ffn) by exact re-evaluation')
  })

  it('writes the fused child as a DeciLM config in the Ultra layout: each run empty but for its last slot', () => {
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { child: { fusion: { runs: { first: number; last: number }[] } } }
    const config = JSON.parse(readFileSync(join(out, 'child.config.json'), 'utf8')) as { block_configs: { attention: { no_op: boolean }; ffn: { no_op: boolean } }[] }
    for (const { first, last } of result.child.fusion.runs) {
      for (let l = first; l < last; l++) expect(config.block_configs[l]).toMatchObject({ attention: { no_op: true }, ffn: { no_op: true } })
      expect(config.block_configs[last]).toMatchObject({ attention: { no_op: true }, ffn: { no_op: false } })
    }
  })

  it('passes verify: the exported problem scores the solver’s unfused child, which the result keeps', () => {
    const r = nasSim(['verify', problem, join(out, 'result.json')])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })

  it('refuses a run length below two in one line, exit 2', () => {
    const r = nasSim(['search', '--parent', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--speedup', '2', '--fuse-ffn', '1'])
    expect(r.status).toBe(2)
    expect(r.stderr).toBe('nas-sim: invalid --fuse-ffn: 1 (expected the most FFNs one fused run may join: an integer ≥ 2)\n')
  })

  it('refuses a bad fuseFfn in a batch spec in one line naming the field', () => {
    const spec = join(dir, 'spec.json')
    writeFileSync(spec, JSON.stringify({ jobs: [{ parent: 'llama-3.1-8b', gpu: 'h100-sxm', input: 128, output: 1024, batch: 64, speedup: 2, fuseFfn: 1 }] }))
    const r = nasSim(['batch', spec, '--out', join(dir, 'batch')])
    expect(r.status).toBe(2)
    expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1)
    expect(r.stderr).toContain('fuseFfn')
  })
})
