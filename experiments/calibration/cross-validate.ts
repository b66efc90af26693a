/**
 * How accurate is the cost model? Cross-validates the calibration on the H200
 * measurements: the block rows (every block shape held out of one of five
 * fits) and the whole-model steps (every architecture held out of one of five
 * fits, block and whole-model rows fitted together). Prints three markdown
 * tables — blocks, whole-model steps, and the serving metrics (TTFT, TPOT,
 * end-to-end time, child/parent speedup) — and writes them to
 * experiments/calibration/accuracy.md.
 *
 *   npx tsx experiments/calibration/cross-validate.ts [blocks.jsonl [steps.jsonl cases.json]]
 */
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as Result from 'effect/Result'
import { bf16Everywhere } from '../../src/blocks/precision.ts'
import { calibratedEfficiency } from '../../src/cost-model/calibration/calibrated-efficiency.ts'
import { absolutePercentageError, quantileSorted, summarizeErrors } from '../../src/cost-model/calibration/error-stats.ts'
import { defaultFolds, runCalibration, type RowPredictions, type StepPredictions } from '../../src/cost-model/calibration/fit-calibration.ts'
import type { GroupError } from '../../src/cost-model/calibration/format.ts'
import { parseMeasurements } from '../../src/cost-model/calibration/measurements.ts'
import { parseModelCases, parseModelSteps, prepareStepRows, type ModelCase, type ModelStepRow } from '../../src/cost-model/calibration/model-steps.ts'
import { deployment, type Deployment } from '../../src/cost-model/deployment.ts'
import { datasheetEfficiency, type EfficiencyModel } from '../../src/cost-model/efficiency.ts'
import { findSystem } from '../../src/cost-model/hardware/lookup.ts'
import { datasheetStepOverhead } from '../../src/cost-model/step-overhead.ts'
import { architectureCost, defaultEngine, servingDeployment, type ScenarioMetrics, type ServingDeployment } from '../../src/serving/index.ts'

const defaultMeasurements = 'experiments/data/h200-blocks.jsonl'
const defaultSteps = 'experiments/data/h200-model-steps.jsonl'
const defaultCases = 'experiments/data/h200-model-cases.json'
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

/** Median of predicted / measured − 1, percent: the sign says under- or over-prediction. */
function medianBias(pairs: readonly (readonly [number, number])[]): number {
  return 100 * (quantileSorted(pairs.map(([p, m]) => p / m - 1).sort((a, b) => a - b), 0.5))
}

/** A table row of |error| summaries for datasheet and held-out predictions, with the held-out median bias. */
function errorRow(label: string, pairs: readonly { readonly measured: number; readonly datasheet: number; readonly heldOut: number }[]): string {
  const sheet = summarizeErrors(pairs.map((p) => absolutePercentageError(p.datasheet, p.measured)))
  const held = summarizeErrors(pairs.map((p) => absolutePercentageError(p.heldOut, p.measured)))
  const bias = medianBias(pairs.map((p) => [p.heldOut, p.measured] as const))
  return `| ${label} | ${held.rows} | ${pct(sheet.medianApe)} | ${pct(sheet.p90Ape)} | ${pct(held.medianApe)} | ${pct(held.p90Ape)} | ${bias >= 0 ? '+' : ''}${bias.toFixed(1)}% |`
}

/** Measured serving metrics of one model in one scenario, from its step rows (the host-visible times, without the GPU sleep). */
interface MeasuredMetrics {
  readonly ttft: number
  readonly tpot: number
  readonly e2e: number
}

/**
 * TTFT is the prefill step; TPOT the mean decode step over contexts input + 1 …
 * input + output − 1, by Simpson's rule over the three timed contexts (the step
 * time is close to linear in context); end-to-end is TTFT + (output − 1) · TPOT.
 */
function measuredMetrics(rows: readonly ModelStepRow[], output: number): MeasuredMetrics | undefined {
  const prefill = rows.find((r) => r.phase === 'prefill')
  const decode = rows.filter((r) => r.phase === 'decode').sort((a, b) => a.contextLen! - b.contextLen!)
  if (prefill === undefined || decode.length !== 3) return undefined
  const ttft = prefill.noSleepUs * 1e-6
  const tpot = ((decode[0]!.noSleepUs + 4 * decode[1]!.noSleepUs + decode[2]!.noSleepUs) / 6) * 1e-6
  return { ttft, tpot, e2e: ttft + (output - 1) * tpot }
}

/**
 * The serving setting the profiler ran: one static batch, every step a CUDA graph launched by a host that waits for
 * its tokens. Its per-step host time is the graph launch, from the efficiency model's step launch costs (fitted on
 * the training folds' steps); the memory policy is the default engine's, which the metrics do not depend on.
 */
function profiled(d: Deployment): ServingDeployment {
  const launch = (d.efficiency.step ?? datasheetStepOverhead).graphLaunchUs * 1e-6
  return servingDeployment(d, { batching: 'static', engine: { ...defaultEngine, id: defaultEngine.id, name: 'PyTorch, CUDA graphs (profile_model.py)', stepOverheadSeconds: launch } })
}

interface ScenarioResult {
  readonly model: ModelCase
  readonly scenario: string
  readonly measured: MeasuredMetrics
  readonly datasheet: ScenarioMetrics
  readonly heldOut: ScenarioMetrics
}

function main(): void {
  const [blocksPath = defaultMeasurements, stepsPath = defaultSteps, casesPath = defaultCases] = process.argv.slice(2)
  const bytes = readFileSync(blocksPath)
  const parsed = parseMeasurements(bytes.toString('utf8'), blocksPath)
  if (Result.isFailure(parsed)) throw parsed.failure
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const stepBytes = readFileSync(stepsPath)
  const stepSha = createHash('sha256').update(stepBytes).digest('hex')
  const models = parseModelCases(readFileSync(casesPath, 'utf8'), casesPath)
  const stepRows = prepareStepRows(parseModelSteps(stepBytes.toString('utf8'), stepsPath), models)
  const { calibration, rows, steps, foldCalibrations } = runCalibration(parsed.success, {
    name: 'cross-validation',
    source: { file: blocksPath, sha256 },
    folds: defaultFolds,
    modelSteps: { rows: stepRows, file: stepsPath, cases: casesPath, sha256: stepSha },
  })
  const { heldOut } = calibration.fit
  const core = rows.filter((r) => r.measurement.block.type !== 'mamba2')
  const blockLines = [
    `Absolute percentage error of predicted block times against ${rows.length} measurements on one ${calibration.gpu.toUpperCase()} (\`${blocksPath}\`, torch ${calibration.software.torch}).`,
    `"Held out" means the block's shape was left out of the fit that predicted it: ${heldOut.folds}-fold cross-validation over whole block shapes.`,
    `The fits also hold the whole-model steps below (their own architectures held out by the same folds).`,
    '',
    '| block | phase | dtype | rows | datasheet median | datasheet p90 | calibrated median (held out) | calibrated p90 (held out) |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...heldOut.byBlockPhase.map(groupRow),
    pooledRow('attention, linear, FFN', core),
    pooledRow('attention, linear, FFN: prefill', core.filter((r) => r.measurement.phase === 'prefill')),
    pooledRow('attention, linear, FFN: decode', core.filter((r) => r.measurement.phase === 'decode')),
    pooledRow('all rows', rows),
  ]

  // Whole-model steps: GPU time of one step, held out by architecture.
  const stepPairs = (sel: readonly StepPredictions[]) =>
    sel.map((s) => ({ measured: s.row.measuredSeconds, datasheet: s.datasheetSeconds, heldOut: s.heldOutSeconds }))
  const byOrigin = (origin: string) => steps.filter((s) => s.row.model.origin === origin)
  const stepLines = [
    `GPU time of whole-model serving steps (${steps.length} steps of ${new Set(steps.map((s) => s.row.model.id)).size} models, \`${stepsPath}\`): each architecture held out of the fit that predicted it.`,
    '',
    '| steps | rows | datasheet median | datasheet p90 | calibrated median (held out) | calibrated p90 (held out) | held-out median bias |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    errorRow('prefill', stepPairs(steps.filter((s) => s.row.step.phase === 'prefill'))),
    errorRow('decode', stepPairs(steps.filter((s) => s.row.step.phase === 'decode'))),
    errorRow('presets', stepPairs(byOrigin('preset'))),
    errorRow('search children', stepPairs(byOrigin('search'))),
    errorRow('random children', stepPairs(byOrigin('random'))),
    errorRow('Mamba-2 hybrids (Nemotron-H)', stepPairs(steps.filter((s) => s.row.model.architecture.layers.some((l) => l.mixer.type === 'mamba2')))),
    errorRow('**all steps**', stepPairs(steps)),
  ]

  // Serving metrics per model and scenario, each model predicted by the fold that held it out.
  const system = Result.getOrThrow(findSystem(calibration.gpu))
  const foldOfModel = new Map(steps.map((s) => [s.row.model.id, s.fold]))
  const efficiencies = foldCalibrations.map(
    (c, fold): EfficiencyModel => calibratedEfficiency({ name: `fold-${fold + 1}`, parameters: c.parameters, ...(c.step === undefined ? {} : { step: c.step }) }),
  )
  const results: ScenarioResult[] = []
  for (const model of models) {
    const fold = foldOfModel.get(model.id)
    if (fold === undefined) continue
    for (const sc of model.scenarios) {
      const measured = measuredMetrics(
        stepRows.filter((r) => r.model.id === model.id && r.step.scenario === sc.id).map((r) => r.step),
        sc.output,
      )
      if (measured === undefined) continue
      const cost = (efficiency: EfficiencyModel) => architectureCost(model.architecture, sc, profiled(deployment(system, bf16Everywhere, { efficiency }))).metrics
      results.push({ model, scenario: sc.id, measured, datasheet: cost(datasheetEfficiency), heldOut: cost(efficiencies[fold]!) })
    }
  }
  const metric = (sel: readonly ScenarioResult[], pick: (m: MeasuredMetrics | ScenarioMetrics) => number) =>
    sel.map((r) => ({ measured: pick(r.measured), datasheet: pick(r.datasheet), heldOut: pick(r.heldOut) }))
  const ttft = (m: MeasuredMetrics | ScenarioMetrics) => ('ttft' in m ? m.ttft : m.ttftSeconds)
  const tpot = (m: MeasuredMetrics | ScenarioMetrics) => ('tpot' in m ? m.tpot : m.tpotSeconds!)
  const e2e = (m: MeasuredMetrics | ScenarioMetrics) => ('e2e' in m ? m.e2e : m.e2eSeconds)
  // Child/parent speedup of end-to-end time in the same scenario.
  const parentOf = new Map(results.filter((r) => r.model.origin === 'preset').map((r) => [`${r.model.id}|${r.scenario}`, r]))
  const speedups = results.flatMap((r) => {
    const parent = r.model.origin === 'preset' ? undefined : parentOf.get(`${r.model.parent}|${r.scenario}`)
    if (parent === undefined) return []
    return [{ measured: parent.measured.e2e / r.measured.e2e, datasheet: parent.datasheet.e2eSeconds / r.datasheet.e2eSeconds, heldOut: parent.heldOut.e2eSeconds / r.heldOut.e2eSeconds }]
  })
  const scenarioLines = [
    `Serving metrics of ${new Set(results.map((r) => r.model.id)).size} models in ${results.length} model-scenarios (static batch, CUDA graphs; 3 scenarios a model: 1×2048+256, 4×1024+256, 32×128+384 tokens).`,
    'Predicted by `cost` (architectureCost) with the parameters of the fold that held the model out; measured as the host sees each step (graph launch included).',
    'Speedup is the parent’s end-to-end time over the child’s, in the same scenario, for the search and random children of the profiled parents.',
    '',
    '| metric | rows | datasheet median | datasheet p90 | calibrated median (held out) | calibrated p90 (held out) | held-out median bias |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    errorRow('TTFT', metric(results, ttft)),
    errorRow('TPOT', metric(results, tpot)),
    errorRow('end-to-end', metric(results, e2e)),
    errorRow('end-to-end: presets', metric(results.filter((r) => r.model.origin === 'preset'), e2e)),
    errorRow('end-to-end: children', metric(results.filter((r) => r.model.origin !== 'preset'), e2e)),
    errorRow('child/parent speedup', speedups),
  ]
  const lines = [
    '## Blocks',
    '',
    ...blockLines,
    '',
    '## Whole-model steps',
    '',
    ...stepLines,
    '',
    '## Serving metrics',
    '',
    ...scenarioLines,
    '',
    `Fit error on all block rows (the shipped parameters): median ${pct(calibration.fit.train.medianApe)}, p90 ${pct(calibration.fit.train.p90Ape)}.`,
    `Step launch costs fitted to all steps: CUDA graph launch ${calibration.step?.graphLaunchUs} µs a step; eager launch ${calibration.step?.eagerLaunchUsPerKernel} µs a kernel.`,
    '',
    `Reproduce: \`npx tsx experiments/calibration/cross-validate.ts\` (blocks SHA-256 ${sha256.slice(0, 12)}…, steps SHA-256 ${stepSha.slice(0, 12)}…).`,
  ]
  const table = lines.join('\n')
  process.stdout.write(`${table}\n`)
  writeFileSync(outFile, `# How accurate is the cost model?\n\n${table}\n`)
}

main()
