import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { parseMeasurements } from './measurements.ts'

const good = {
  id: 'linear-decode-1',
  gpu: 'h200',
  dtype: 'bf16',
  block: { type: 'linear', hidden: 4096 },
  phase: 'decode',
  batch: 8,
  contextLen: 4096,
  measuredUs: 21.5,
  gpuName: 'NVIDIA H200',
  torch: '2.11.0+cu130',
  date: '2026-11-28',
  impl: 'cuBLAS',
  reps: 64,
}

function errorOf(lines: readonly string[]): string {
  const r = parseMeasurements(lines.join('\n'), 'rows.jsonl')
  if (Result.isSuccess(r)) throw new Error('expected a failure')
  return r.failure.message
}

const line = (patch: Record<string, unknown>) => JSON.stringify({ ...good, ...patch })

describe('parseMeasurements', () => {
  it('decodes profiler rows, skipping blank lines and extra fields', () => {
    const r = parseMeasurements(`${line({})}\n\n${line({ id: 2, dtype: 'fp8' })}\n`, 'rows.jsonl')
    expect(Result.isSuccess(r) && r.success.map((m) => [m.dtype, m.measuredUs, m.gpu])).toEqual([
      ['bf16', 21.5, 'h200'],
      ['fp8', 21.5, 'h200'],
    ])
  })

  it('names the line and the field of the first bad row, in one line', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ measuredUs: -3 }, 'invalid rows.jsonl line 2: measuredUs: Expected a value greater than 0'],
      [{ measuredUs: undefined }, 'invalid rows.jsonl line 2: measuredUs: Missing key'],
      [{ phase: 'train' }, 'invalid rows.jsonl line 2: phase: "train" (expected "prefill" or "decode")'],
      [{ gpu: undefined }, 'invalid rows.jsonl line 2: gpu: missing (a measurement must name the GPU it ran on)'],
      [{ gpu: 'h300' }, 'invalid rows.jsonl line 2: gpu: unknown GPU or system "h300"'],
      [{ gpu: 'a100', dtype: 'fp8' }, 'invalid rows.jsonl line 2: dtype: fp8 (NVIDIA A100 SXM 80GB has no fp8 tensor cores)'],
      [{ block: { type: 'noop', hidden: 8 } }, 'invalid rows.jsonl line 2: block.type: noop'],
      [{ block: { type: 'attention', hidden: 4096, heads: 32, kvHeads: 7, headDim: 128 } }, 'invalid rows.jsonl line 2: block.kvHeads: 7 (must divide heads = 32)'],
    ]
    for (const [patch, message] of cases) {
      const text = errorOf([line({}), line(patch)])
      expect(text.startsWith(message)).toBe(true)
      expect(text).not.toContain('\n')
    }
    expect(errorOf([line({}), '{"id": 3,'])).toBe('invalid rows.jsonl line 2: not valid JSON')
  })

  it('refuses a file without rows', () => {
    expect(errorOf(['', '  '])).toMatch(/^invalid rows.jsonl: no measurement rows/)
  })
})
