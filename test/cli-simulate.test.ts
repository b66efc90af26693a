import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nasSim } from './cli-helpers.ts'

const base = ['simulate', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--weights', 'fp8', '--kv', 'fp8']

describe('nas-sim simulate', () => {
  it('reports throughput, latency percentiles, KV use and SLA outcomes; a missed SLA still exits 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-sim-simulate-'))
    const plot = join(dir, 'timeline.svg')
    const r = nasSim([...base, '--users', '16', '--input', '512', '--output', '64', '--requests', '200', '--ttft-p99', '10', '--tpot-p90', '0.000001', '--plot', plot])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/served 200 requests/)
    expect(r.stdout).toMatch(/throughput: [\d,]+ tok\/s per GPU over the run/)
    expect(r.stdout).toMatch(/TTFT +[\d.]+ ms/)
    expect(r.stdout).toMatch(/SLA: NOT met/)
    expect(r.stdout).toMatch(/TTFT p99 ≤ 10.00 s: pass/)
    expect(r.stdout).toMatch(/TPOT p90 ≤ 1.0 µs: FAIL/)
    expect(readFileSync(plot, 'utf8')).toMatch(/^<svg[^>]*class="nas-timeline"/)
  })

  it('prints one JSON document with --json, the same for the same seed', () => {
    const args = [...base, '--rate', '30', '--input', '256', '--output', '32', '--requests', '100', '--seed', '5', '--e2e-p50', '100', '--json']
    const a = nasSim(args)
    expect(a.status).toBe(0)
    const doc = JSON.parse(a.stdout)
    expect(doc.requests).toBe(100)
    expect(doc.workload).toEqual({ kind: 'poisson', rate: 30, count: 100, input: 256, output: 32, seed: 5 })
    expect(doc.latency.ttft.p99).toBeGreaterThan(0)
    expect(doc.sla).toEqual([expect.objectContaining({ metric: 'e2e', percentile: 50, limitSeconds: 100, pass: true })])
    expect(doc.slaPass).toBe(true)
    expect(nasSim(args).stdout).toBe(a.stdout)
  })

  it('replays a trace CSV, and names the line and column of a bad value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-sim-trace-'))
    const good = join(dir, 'good.csv')
    writeFileSync(good, 'arrival,input,output\n0,512,16\n0.1,"2048",8\n0.05,100,4\n')
    const r = nasSim([...base, '--trace', good, '--json'])
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).requests).toBe(3)
    const bad = join(dir, 'bad.csv')
    writeFileSync(bad, 'arrival,input,output\n0,512,16\n0.1,two,8\n')
    const e = nasSim([...base, '--trace', bad])
    expect(e.status).toBe(2)
    expect(e.stderr).toBe(`nas-sim: invalid ${bad}: line 3: input: "two" (Expected a finite number)\n`)
  })

  it('rejects a bad plot name in one line, exit 2, before simulating', () => {
    const r = nasSim([...base, '--users', '2', '--input', '1', '--output', '1', '--plot', 'x.pdf'])
    expect(r.status).toBe(2)
    expect(r.stderr).toBe('nas-sim: invalid --plot: x.pdf (expected a .svg, .png or .html file name)\n')
  })
})
