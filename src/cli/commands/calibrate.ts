/** `nas-sim calibrate`: fit efficiency parameters to measured block times and write a calibration file. */
import { ensureDir } from '../../io/ensure-dir.ts'
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import type { Command } from 'commander'
import { runCalibration } from '../../cost-model/calibration/fit-calibration.ts'
import type { ErrorSummary } from '../../cost-model/calibration/format.ts'
import { parseMeasurements } from '../../cost-model/calibration/measurements.ts'
import { FileError, InvalidInput } from '../../errors.ts'
import { orThrow, positiveNumber } from '../parse.ts'
import { action } from '../run-action.ts'
import { progressWriter } from '../progress.ts'

/** Holding out less than a twentieth of the shapes means 20+ fits; more than half leaves too little to fit on. */
const holdoutRange = { min: 0.05, max: 0.5 }

/** Cross-validation folds for a held-out share: each fold holds out about that share of the shapes. */
export function foldsForHoldout(raw: string): number {
  const share = positiveNumber('--holdout', raw)
  if (share < holdoutRange.min || share > holdoutRange.max)
    throw new InvalidInput({ field: '--holdout', problem: `${raw} (expected a share of shapes from ${holdoutRange.min} to ${holdoutRange.max})` })
  return Math.round(1 / share)
}

async function readText(path: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : String(e)
    throw new FileError({ path, problem: code === 'ENOENT' ? 'no such file' : `cannot read (${code})` })
  }
}

/** `--model-steps` and `--model-cases` together, read and prepared; undefined when neither is given. */
async function readModelSteps(stepsPath: string | undefined, casesPath: string | undefined) {
  if (stepsPath === undefined && casesPath === undefined) return undefined
  if (stepsPath === undefined) throw new InvalidInput({ field: '--model-steps', problem: 'missing (--model-cases needs the step timings too)' })
  if (casesPath === undefined) throw new InvalidInput({ field: '--model-cases', problem: 'missing (--model-steps needs the models they ran)' })
  const steps = await readText(stepsPath)
  const cases = await readText(casesPath)
  const { parseModelCases, parseModelSteps, prepareStepRows } = await import('../../cost-model/calibration/model-steps.ts')
  let models
  try {
    models = parseModelCases(cases.toString('utf8'), casesPath)
  } catch (e) {
    if (e instanceof SyntaxError) throw new FileError({ path: casesPath, problem: 'not valid JSON' })
    throw e
  }
  let rows
  try {
    rows = parseModelSteps(steps.toString('utf8'), stepsPath)
  } catch (e) {
    if (e instanceof SyntaxError) throw new FileError({ path: stepsPath, problem: 'a line is not valid JSON' })
    throw e
  }
  return { rows: prepareStepRows(rows, models), file: stepsPath, cases: casesPath, sha256: createHash('sha256').update(steps).digest('hex') }
}

const percent = (s: ErrorSummary) => `median ${s.medianApe.toFixed(1)}%, p90 ${s.p90Ape.toFixed(1)}% over ${s.rows} rows`

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description('fit the cost model’s efficiency parameters to measured block times (JSON lines from experiments/profiling) and write a calibration file')
    .argument('<measurements>', 'JSON-lines file of predict queries with measuredUs, gpuName, torch, date, impl')
    .requiredOption('--out <file>', 'calibration JSON to write')
    .option('--name <name>', 'name the calibration is shown and chosen by (default: the --out file name)')
    .option('--holdout <share>', 'share of block shapes each cross-validation fold holds out; every shape is held out once', '0.2')
    .option('--model-steps <file>', 'also fit whole-model step timings (JSON lines from experiments/profiling/profile_model.py); needs --model-cases')
    .option('--model-cases <file>', 'the models those steps ran (JSON from experiments/profiling/model_cases.ts)')
    .option('--json', 'print the fit (name, GPU, rows, errors, file written) as JSON')
    .action(
      action(async (measurementsPath: string, flags: { out: string; name?: string; holdout: string; modelSteps?: string; modelCases?: string; json?: boolean }) => {
        const folds = foldsForHoldout(flags.holdout)
        const bytes = await readText(measurementsPath)
        const rows = orThrow(parseMeasurements(bytes.toString('utf8'), measurementsPath))
        const name = flags.name ?? basename(flags.out).replace(/\.json$/i, '')
        const modelSteps = await readModelSteps(flags.modelSteps, flags.modelCases)
        const started = performance.now()
        const progress = progressWriter()
        const { calibration } = runCalibration(rows, {
          name,
          folds,
          ...(progress === undefined
            ? {}
            : { onFit: (f) => progress(`fit ${f.index}/${f.count}${f.heldOutFold === undefined ? ' on every row' : `, shapes of fold ${f.heldOutFold} held out`}`) }),
          source: { file: measurementsPath, sha256: createHash('sha256').update(bytes).digest('hex') },
          ...(modelSteps === undefined ? {} : { modelSteps }),
        })
        const seconds = (performance.now() - started) / 1000
        try {
          ensureDir(dirname(flags.out))
          await writeFile(flags.out, `${JSON.stringify(calibration, null, 2)}\n`)
        } catch (e) {
          throw new FileError({ path: flags.out, problem: `cannot write (${e instanceof Error && 'code' in e ? String(e.code) : String(e)})` })
        }
        const { fit } = calibration
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ wrote: flags.out, name, gpu: calibration.gpu, rows: rows.length, seconds, fit }, null, 2)}\n`)
          return
        }
        process.stdout.write(
          [
            `calibrated "${name}" for ${calibration.gpu} (torch ${calibration.software.torch}) on ${rows.length} rows in ${seconds.toFixed(1)} s`,
            `  fit error, all rows:             ${percent(fit.train)}`,
            `  held-out error, ${fit.heldOut.folds}-fold by shape: ${percent(fit.heldOut)}`,
            ...(calibration.modelSteps === undefined
              ? []
              : [`  with ${calibration.modelSteps.rows} whole-model steps of ${calibration.modelSteps.models} models; step launch: graph ${calibration.step?.graphLaunchUs} µs, eager ${calibration.step?.eagerLaunchUsPerKernel} µs a kernel`]),
            ...(fit.unconstrained.length === 0 ? [] : [`  not constrained by any row (datasheet values kept): ${fit.unconstrained.join(', ')}`]),
            `wrote ${flags.out}`,
          ].join('\n') + '\n',
        )
      }),
    )
}
