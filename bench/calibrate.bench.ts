/**
 * How long `nas-sim calibrate` takes: fitting the calibration (with its
 * cross-validation) to the committed H200 block measurements.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as Result from 'effect/Result'
import { defaultFolds, fitCalibration } from '../src/cost-model/calibration/fit-calibration.ts'
import { fitParameters, prepareRow } from '../src/cost-model/calibration/fit.ts'
import { parseMeasurements } from '../src/cost-model/calibration/measurements.ts'
import { systems } from '../src/cost-model/hardware/system.ts'
import type { BenchRow } from './types.ts'

const measurements = 'experiments/data/h200-blocks.jsonl'

export async function runCalibrateBench(): Promise<BenchRow[]> {
  const text = readFileSync(fileURLToPath(new URL(`../${measurements}`, import.meta.url)), 'utf8')
  const rows = parseMeasurements(text, measurements)
  if (Result.isFailure(rows)) throw rows.failure
  const options = { name: 'bench', source: { file: measurements }, created: '2026-01-01', folds: defaultFolds }
  const seconds = (fn: () => void) => {
    const start = performance.now()
    fn()
    return (performance.now() - start) / 1000
  }
  const system = systems.h200
  const note = `${rows.success.length} H200 rows (${measurements}), bf16 and fp8`
  return [
    { name: `calibrate: fit plus ${defaultFolds}-fold cross-validation`, value: seconds(() => fitCalibration(rows.success, options)), unit: 's', note },
    { name: 'calibrate: one fit to all rows', value: seconds(() => fitParameters(rows.success.map(prepareRow), system)), unit: 's', note },
  ]
}
