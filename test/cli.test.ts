import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { bin, nasSim } from './cli-helpers.ts'

describe('nas-sim cost', () => {
  it('prints one JSON document with the parameter count under params', () => {
    // In fp8 the 70.55 GB of weights fit one H200's 141 GB (in bf16 they would not, with vLLM's 90% share).
    const r = nasSim(['cost', '--model', 'llama-3.1-70b', '--gpu', 'h200', '--weights', 'fp8', '--batch', '4', '--input', '512', '--output', '128', '--json'])
    expect(r.status).toBe(0)
    const doc = JSON.parse(r.stdout)
    // Llama-3.1-70B: 70.554 B parameters (../shared/reference/README.md, "Parameter counts").
    expect(doc.params / 1e9).toBeCloseTo(70.554, 2)
    expect(doc.layers).toHaveLength(80)
    expect(doc.metrics.outputTokensPerSecond).toBeGreaterThan(0)
    // The H200 has a shipped calibration, so it is the default.
    expect(doc.efficiency).toEqual({ name: 'h200-pytorch', source: 'calibrated' })
  })

  it('says when the model does not fit, gives no throughput, exits 4, and that the H100’s times are derived from the H200’s calibration', () => {
    // Llama-3.1-70B in bf16 is 141 GB of weights (70.55 B parameters × 2 bytes), more than an H100's 80 GB.
    const r = nasSim(['cost', '--model', 'llama-3.1-70b', '--gpu', 'h100-sxm', '--batch', '1', '--input', '128', '--output', '16'])
    expect(r.status).toBe(4)
    expect(r.stdout).toContain('DOES NOT FIT')
    expect(r.stdout).not.toMatch(/tok\/s|^throughput/m)
    expect(r.stdout).toContain('calibrated efficiencies "h100-sxm-derived" (derived from h200-pytorch, not measured on this GPU)')
    const json = nasSim(['cost', '--model', 'llama-3.1-70b', '--gpu', 'h100-sxm', '--batch', '1', '--input', '128', '--output', '16', '--json'])
    expect(json.status).toBe(4)
    expect(JSON.parse(json.stdout)).toMatchObject({ fits: false, metrics: null, memory: { fits: false, maxBatch: 0 } })
  })

  it('uses the datasheet roofline where no calibration ships, or when asked, and says so', () => {
    const r = nasSim(['cost', '--model', 'llama-3.1-8b', '--gpu', 'a100', '--batch', '1', '--input', '128', '--output', '16'])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('datasheet roofline')
    const asked = nasSim(['cost', '--model', 'llama-3.1-8b', '--gpu', 'h200', '--batch', '1', '--input', '128', '--output', '16', '--calibration', 'datasheet', '--json'])
    expect(JSON.parse(asked.stdout).efficiency.source).toBe('datasheet')
  })

  it.each([
    [['--gpu', 'h100'], /^nas-sim: unknown GPU or system "h100"; known: h100-sxm/],
    [['--batch', '0'], /^nas-sim: invalid --batch: "0" \(expected a positive integer\)/],
    [['--weights', 'fp4'], /^nas-sim: invalid --weights: fp4 \(.*no fp4 tensor cores/],
    [['--tp', '2'], /^nas-sim: invalid --tp: 2 \(system h100-sxm has 1 GPU/],
    [['--model', 'llama-9b'], /^nas-sim: .*llama-9b/],
  ])('rejects %j with one line and exit code 2', (override, message) => {
    const base: Record<string, string> = { '--model': 'llama-3.1-8b', '--gpu': 'h100-sxm', '--batch': '1', '--input': '8', '--output': '8' }
    for (let i = 0; i < override.length; i += 2) base[override[i]!] = override[i + 1]!
    const r = nasSim(['cost', ...Object.entries(base).flat()])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/)
  })
})

describe('nas-sim predict', () => {
  it('answers each JSON line in order, and a bad line with {id, error} while the rest go on', () => {
    const queries = [
      { id: 'q1', gpu: 'h200', dtype: 'bf16', block: { type: 'attention', hidden: 8192, heads: 64, kvHeads: 8, headDim: 128 }, phase: 'prefill', batch: 8, seqLen: 2048 },
      { id: 'bad', gpu: 'h200', block: { type: 'attention', hidden: 8192, heads: 64, kvHeads: 7, headDim: 128 }, phase: 'decode', batch: 1, contextLen: 10 },
      { id: 'q3', block: { type: 'ffn', hidden: 8192, intermediate: 28672, activation: 'swiglu' }, phase: 'decode', batch: 64, contextLen: 4096 },
    ]
    const input = `${queries.map((q) => JSON.stringify(q)).join('\n')}\nnot json\n`
    const r = nasSim(['predict', '--gpu', 'h100-sxm'], input)
    expect(r.status).toBe(0)
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(lines.map((l) => l.id)).toEqual(['q1', 'bad', 'q3', null])
    expect(lines[0].latencyUs).toBeGreaterThan(0)
    expect(lines[0].bound).toBe('compute')
    expect(lines[1].error).toContain('kvHeads: 7 (must divide heads = 64)')
    expect(lines[2].bound).toBe('memory')
    expect(lines[3].error).toMatch(/^line 4: not valid JSON/)
    // Each answer names the calibration of its own GPU: q1 names the H200, q3 takes --gpu's H100 SXM.
    expect(lines[0].efficiency).toBe('h200-pytorch')
    expect([lines[2].efficiency, lines[2].derivedFrom]).toEqual(['h100-sxm-derived', 'derived from h200-pytorch'])
  })
})

describe('nas-sim conventions', () => {
  it('prints its version', () => {
    const r = nasSim(['--version'])
    expect(r.status).toBe(0)
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('stops quietly when the reader of its output goes away (`… --json | head -1`)', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" cost --model llama-3.1-405b --gpu dgx-h200 --tp 8 --batch 8 --input 128 --output 128 --json | head -1`], { encoding: 'utf8' })
    expect(r.stdout).toBe('{\n')
    expect(r.stderr).toBe('')
  })

  it.skipIf(!existsSync(new URL('../dist/src/cli/main.js', import.meta.url)))('runs the compiled CLI (dist/, built by npm ci) when it is there', () => {
    const env = { ...process.env, NAS_SIM_FROM_SOURCE: '0' }
    const r = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8', env })
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
    const cost = spawnSync(process.execPath, [bin, 'cost', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--batch', '8', '--input', '128', '--output', '128', '--json'], { encoding: 'utf8', env })
    expect(cost.status).toBe(0)
    expect(JSON.parse(cost.stdout).fits).toBe(true)
  })

  it('names a missing file in plain words on one line', () => {
    const r = nasSim(['batch', 'no-such-spec.yaml'])
    expect(r.status).toBe(2)
    expect(r.stderr).toBe('nas-sim: no-such-spec.yaml: cannot read: no such file or directory\n')
  })
})

describe('nas-sim models and gpus', () => {
  it('lists every preset id the issue names', () => {
    const r = nasSim(['models', '--json'])
    const ids = JSON.parse(r.stdout).map((m: { id: string }) => m.id)
    for (const id of ['llama-3.1-8b', 'llama-3.1-70b', 'llama-3.3-70b', 'llama-3.1-405b', 'llama-3.2-3b', 'qwen-2.5-7b', 'qwen-2.5-72b', 'nemotron-4-340b', 'nemotron-h-8b', 'nemotron-h-56b', 'nemotron-h-47b', 'nemotron-h-4b', 'hymba-1.5b', 'llama-3.3-nemotron-super-49b'])
      expect(ids).toContain(id)
  })

  it('lists every GPU and system with its sources', () => {
    const r = nasSim(['gpus'])
    for (const id of ['h100-sxm', 'h100-pcie', 'h200', 'a100', 'b200', 'dgx-h100', 'dgx-h200', 'dgx-b200']) expect(r.stdout).toContain(id)
    expect(r.stdout).toContain('datasheet')
  })
})
