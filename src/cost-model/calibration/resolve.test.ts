import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { isUserError } from '../../errors.ts'
import { predict } from '../predict.ts'
import { absolutePercentageError, summarizeErrors } from './error-stats.ts'
import { parseMeasurements } from './measurements.ts'
import { loadCalibration, resolveCalibration } from './resolve.ts'
import { shippedCalibrations, shippedCalibrationUrl } from './shipped.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (e) {
    expect(isUserError(e)).toBe(true)
    expect((e as Error).message).not.toContain('\n')
    return e as Error
  }
  throw new Error('expected a rejection')
}

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'nas-sim-calibration-')), name)
  writeFileSync(path, text)
  return path
}

describe('the shipped h200-pytorch calibration', () => {
  it('decodes, names itself and the H200, and comes from the committed measurements (same SHA-256)', async () => {
    const cal = await loadCalibration('h200-pytorch')
    expect(cal.name).toBe('h200-pytorch')
    expect(cal.gpu).toBe('h200')
    const bytes = readFileSync(join(repoRoot, cal.measurements.file))
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(cal.measurements.sha256)
    // Every GEMM, element-wise and prefill-attention parameter is determined by the rows.
    expect(cal.fit.unconstrained.filter((name) => /^\w+\.(gemm|elementwise|attentionPrefill)\./.test(name))).toEqual([])
    expect(cal.fit.heldOut.byBlockPhase.reduce((n, g) => n + g.rows, 0)).toBe(cal.measurements.rows)
  })

  it('predicts the committed measurements through `predict` with the fit error it states', async () => {
    const cal = await loadCalibration('h200-pytorch')
    const rows = parseMeasurements(readFileSync(join(repoRoot, cal.measurements.file), 'utf8'), cal.measurements.file)
    if (Result.isFailure(rows)) throw rows.failure
    const model = await resolveCalibration('h200-pytorch', 'h200')
    const apes = rows.success.map((row) => {
      const p = predict(row, model, undefined)
      if (Result.isFailure(p)) throw new Error(p.failure)
      return absolutePercentageError(p.success.latencyUs, row.measuredUs)
    })
    const recomputed = summarizeErrors(apes)
    expect(recomputed.rows).toBe(cal.fit.train.rows)
    // The file states errors to 0.01 percentage points.
    expect(Math.abs(recomputed.medianApe - cal.fit.train.medianApe)).toBeLessThanOrEqual(0.01)
    expect(Math.abs(recomputed.p90Ape - cal.fit.train.p90Ape)).toBeLessThanOrEqual(0.01)
  })

  it('has a file for every shipped name', () => {
    for (const name of shippedCalibrations) expect(() => readFileSync(shippedCalibrationUrl(name))).not.toThrow()
  })
})

describe('resolveCalibration', () => {
  it('returns a calibrated efficiency model named after the calibration, by name or by path', async () => {
    const byName = await resolveCalibration('h200-pytorch', undefined)
    expect(byName.name).toBe('h200-pytorch')
    expect(byName.source).toBe('calibrated')
    const byPath = await resolveCalibration(fileURLToPath(shippedCalibrationUrl('h200-pytorch')), 'dgx-h200')
    expect(byPath.name).toBe('h200-pytorch')
  })

  it('refuses a calibration fitted on another GPU', async () => {
    expect((await rejection(resolveCalibration('h200-pytorch', 'h100-sxm'))).message).toBe('invalid --calibration: h200-pytorch was fitted on h200, not h100-sxm')
  })

  it('lists the shipped names for an unknown one', async () => {
    expect((await rejection(resolveCalibration('h100-trtllm', undefined))).message).toBe('unknown calibration "h100-trtllm"; known: h200-pytorch, h100-sxm-derived')
  })

  it('rejects missing, non-JSON and malformed files with one line naming the file and the field', async () => {
    expect((await rejection(resolveCalibration('no/such/calibration.json', undefined))).message).toBe('no/such/calibration.json: no such file')
    const notJson = tempFile('bad.json', '{ "format": ')
    expect((await rejection(resolveCalibration(notJson, undefined))).message).toMatch(/^.*bad\.json: not valid JSON/)
    const good = JSON.parse(readFileSync(shippedCalibrationUrl('h200-pytorch'), 'utf8')) as Record<string, unknown>
    const cases: [unknown, string][] = [
      [{ ...good, format: 'other' }, 'format: Expected "nas-sim-calibration"'],
      [{ ...good, version: 2 }, 'version: Expected 1'],
      [{ ...good, gpu: undefined }, 'gpu: Missing key'],
      [JSON.parse(JSON.stringify(good).replace('"computeFraction":', '"computeFraction":1.5,"x":')), 'parameters.bf16.gemm.computeFraction: Expected a value between 0 (excluded) and 1'],
      [[], 'Expected object'],
    ]
    for (const [value, problem] of cases) {
      const path = tempFile('cal.json', JSON.stringify(value))
      const message = (await rejection(resolveCalibration(path, undefined))).message
      expect(message.startsWith(`invalid ${path}`)).toBe(true)
      expect(message).toContain(problem)
    }
  })
})
