/**
 * How accurate is the cost model? Cross-validates the calibration on the H200
 * block measurements: every block shape is held out of one of five fits and
 * predicted by it; the table compares those held-out errors with the datasheet
 * roofline's, per block type, phase and dtype. Prints the markdown table and
 * writes it to experiments/calibration/accuracy.md.
 *
 *   npx tsx experiments/calibration/cross-validate.ts [measurements.jsonl]
 */
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Result } from 'effect'
import { absolutePercentageError, summarizeErrors } from '../../src/cost-model/calibration/error-stats.ts'
import { defaultFolds, runCalibration, type RowPredictions } from '../../src/cost-model/calibration/fit-calibration.ts'
import type { GroupError } from '../../src/cost-model/calibration/format.ts'
import { parseMeasurements } from '../../src/cost-model/calibration/measurements.ts'

const defaultMeasurements = 'experiments/data/h200-blocks.jsonl'
const outFile = fileURLToPath(new URL('./accuracy.md', import.meta.url))

const pct = (v: number) => `${v.toFixed(1)}%`

function groupRow(g: GroupError): string {
  return `| ${g.block} | ${g.phase} | ${g.dtype} | ${g.rows} | ${pct(g.datasheet.medianApe)} | ${pct(g.datasheet.p90Ape)} | ${pct(g.medianApe)} | ${pct(g.p90Ape)} |`
}

/** One summary line over several groups' rows, e.g. attention, linear and FFN together. */
function pooledRow(label: string, rows: readonly RowPredictions[]): string {
  const sheet = summarizeErrors(rows.map((r) => absolutePercentageError(r.datasheetUs, r.measurement.measuredUs)))
  const held = summarizeErrors(rows.map((r) => absolutePercentageError(r.heldOutUs, r.measurement.measuredUs)))
  return `| **${label}** | | | ${held.rows} | ${pct(sheet.medianApe)} | ${pct(sheet.p90Ape)} | ${pct(held.medianApe)} | ${pct(held.p90Ape)} |`
}

function main(): void {
  const path = process.argv[2] ?? defaultMeasurements
  const bytes = readFileSync(path)
  const parsed = parseMeasurements(bytes.toString('utf8'), path)
  if (Result.isFailure(parsed)) throw parsed.failure
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const { calibration, rows } = runCalibration(parsed.success, { name: 'cross-validation', source: { file: path, sha256 }, folds: defaultFolds })
  const { heldOut } = calibration.fit
  const core = rows.filter((r) => r.measurement.block.type !== 'mamba2')
  const lines = [
    `Absolute percentage error of predicted block times against ${rows.length} measurements on one ${calibration.gpu.toUpperCase()} (\`${path}\`, torch ${calibration.software.torch}).`,
    `"Held out" means the block's shape was left out of the fit that predicted it: ${heldOut.folds}-fold cross-validation over whole block shapes.`,
    '',
    '| block | phase | dtype | rows | datasheet median | datasheet p90 | calibrated median (held out) | calibrated p90 (held out) |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...heldOut.byBlockPhase.map(groupRow),
    pooledRow('attention, linear, FFN', core),
    pooledRow('attention, linear, FFN: prefill', core.filter((r) => r.measurement.phase === 'prefill')),
    pooledRow('attention, linear, FFN: decode', core.filter((r) => r.measurement.phase === 'decode')),
    pooledRow('all rows', rows),
    '',
    `Fit error on all rows (the shipped parameters): median ${pct(calibration.fit.train.medianApe)}, p90 ${pct(calibration.fit.train.p90Ape)}.`,
    '',
    `Reproduce: \`npx tsx experiments/calibration/cross-validate.ts\` (measurements SHA-256 ${sha256.slice(0, 12)}…).`,
  ]
  const table = lines.join('\n')
  process.stdout.write(`${table}\n`)
  writeFileSync(outFile, `# How accurate is the cost model?\n\n${table}\n`)
}

main()
