import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import { describe, expect, it } from 'vitest'
import { blockModel } from '../../src/blocks/registry.ts'
import { findSystem } from '../../src/cost-model/hardware/lookup.ts'
import { PredictQuerySchema } from '../../src/cost-model/predict.ts'
import { parseModelCases, parseModelSteps } from '../../src/cost-model/calibration/model-steps.ts'

const here = dirname(fileURLToPath(import.meta.url))
const dataDir = join(here, '..', 'data')

/** What a measurement row adds to the predict query it answers. */
const MeasurementFields = Schema.Struct({
  id: Schema.String,
  gpu: Schema.String,
  dtype: Schema.Literals(['bf16', 'fp8']),
  measuredUs: Schema.Number,
  gpuName: Schema.String,
  torch: Schema.String,
  date: Schema.String,
  impl: Schema.String,
  reps: Schema.Int,
  copies: Schema.Int,
  replays: Schema.Int,
  iqrUs: Schema.Number,
})

const decodeQuery = Schema.decodeUnknownResult(PredictQuerySchema)
const decodeMeasurement = Schema.decodeUnknownResult(MeasurementFields)

function readRows(file: string): readonly unknown[] {
  return readFileSync(join(dataDir, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line): unknown => JSON.parse(line))
}

/** Every problem with one row, as short messages; empty when the row is a valid measurement. */
function rowProblems(row: unknown): string[] {
  const query = decodeQuery(row)
  const measurement = decodeMeasurement(row)
  if (Result.isFailure(query)) return [`not a predict query: ${String(query.failure)}`]
  if (Result.isFailure(measurement)) return [`measurement fields: ${String(measurement.failure)}`]
  const q = query.success
  const m = measurement.success
  const problems: string[] = []
  const invalid = blockModel(q.block).validate(q.block, 1)
  if (invalid !== undefined) problems.push(invalid)
  if (Result.isFailure(findSystem(m.gpu))) problems.push(`unknown gpu ${m.gpu}`)
  if (!Number.isFinite(m.measuredUs) || m.measuredUs <= 0) problems.push(`measuredUs ${m.measuredUs}`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(m.date)) problems.push(`date ${m.date}`)
  if (!m.id.startsWith(`${q.block.type}-${q.phase}-`) || !m.id.endsWith(`-${m.dtype}`)) problems.push(`id ${m.id}`)
  if (m.reps < 1 || m.copies < 1 || m.replays < 1) problems.push('reps, copies and replays must be at least 1')
  return problems
}

describe('the profilers’ Python unittest', () => {
  it('passes under plain python3, without torch', () => {
    const run = spawnSync('python3', [join(here, 'test_profiling.py')], { encoding: 'utf8' })
    expect(run.error).toBeUndefined()
    expect(run.stderr).toMatch(/\nOK\s*$/)
    expect(run.status).toBe(0)
  })
})

describe.each(['h200-blocks.jsonl', 'h200-blocks-repeat.jsonl'])('the committed measurements in %s', (file) => {
  const rows = readRows(file)

  it('are each a valid predict query with a positive, finite time and where it was measured', () => {
    const bad = rows.flatMap((row, i) => rowProblems(row).map((p) => `line ${i + 1}: ${p}`))
    expect(bad).toEqual([])
  })

  it('have unique ids', () => {
    const ids = rows.flatMap((row) => {
      const m = decodeMeasurement(row)
      return Result.isSuccess(m) ? [m.success.id] : []
    })
    expect(ids).toHaveLength(rows.length)
    expect(new Set(ids).size).toBe(rows.length)
  })
})

describe('the H200 sweep', () => {
  const rows = readRows('h200-blocks.jsonl').map((row) => {
    const q = decodeQuery(row)
    const m = decodeMeasurement(row)
    if (Result.isFailure(q) || Result.isFailure(m)) throw new Error('invalid row (see the test above)')
    return { ...q.success, ...m.success }
  })

  it('covers attention, linear and FFN in both phases and both dtypes with hundreds of rows, and Mamba-2', () => {
    const count = (type: string, phase: string, dtype: string) =>
      rows.filter((r) => r.block.type === type && r.phase === phase && r.dtype === dtype).length
    for (const type of ['attention', 'linear', 'ffn']) {
      for (const phase of ['prefill', 'decode']) {
        for (const dtype of ['bf16', 'fp8']) expect(count(type, phase, dtype)).toBeGreaterThanOrEqual(50)
      }
    }
    const dense = rows.filter((r) => r.block.type !== 'mamba2').length
    expect(dense).toBeGreaterThanOrEqual(600)
    expect(dense).toBeLessThanOrEqual(1500)
    expect(rows.length - dense).toBeGreaterThanOrEqual(50)
  })

  it('times every case in both dtypes', () => {
    const shapes = (dtype: string) => new Set(rows.filter((r) => r.dtype === dtype).map((r) => r.id.slice(0, -dtype.length - 1)))
    expect(shapes('fp8')).toEqual(shapes('bf16'))
  })
})

describe('the H200 whole-model sweep', () => {
  const models = parseModelCases(readFileSync(join(dataDir, 'h200-model-cases.json'), 'utf8'), 'cases')
  const steps = parseModelSteps(readFileSync(join(dataDir, 'h200-model-steps.jsonl'), 'utf8'), 'steps')

  it('times every model of the cases file in all its scenarios: a prefill step and three decode contexts each', () => {
    for (const m of models)
      for (const sc of m.scenarios) {
        const rows = steps.filter((r) => r.model === m.id && r.scenario === sc.id)
        expect(rows.filter((r) => r.phase === 'prefill').map((r) => r.seqLen)).toEqual([sc.input])
        expect(rows.filter((r) => r.phase === 'decode').map((r) => r.contextLen)).toEqual([sc.input + 1, sc.input + sc.output / 2, sc.input + sc.output - 1])
      }
    expect(steps).toHaveLength(models.reduce((n, m) => n + 4 * m.scenarios.length, 0))
  })

  it('holds the presets, search children and at least 30 random children, 3 scenarios each', () => {
    expect(models.filter((m) => m.origin === 'random').length).toBeGreaterThanOrEqual(30)
    expect(models.filter((m) => m.origin === 'search').length).toBeGreaterThanOrEqual(5)
    expect(models.filter((m) => m.origin === 'preset').map((m) => m.id)).toContain('nemotron-h-8b')
    for (const m of models) expect(m.scenarios.length).toBeGreaterThanOrEqual(3)
  })

  it('sees the launch latency only without the GPU sleep, and a host-bound eager step slower than its graph', () => {
    // The two medians come from separate replays, so single rows differ by run-to-run noise (up to 5% seen); the median difference is the launch.
    for (const r of steps) expect(r.noSleepUs).toBeGreaterThan(r.measuredUs * 0.9)
    const launch = steps.filter((r) => r.phase === 'decode').map((r) => r.noSleepUs - r.measuredUs).sort((a, b) => a - b)[Math.floor(steps.length * 0.375)]!
    expect(launch).toBeGreaterThan(5)
    expect(launch).toBeLessThan(100)
    for (const r of steps.filter((s) => s.eagerUs !== undefined)) expect(r.eagerUs!).toBeGreaterThan(r.measuredUs)
  })
})
