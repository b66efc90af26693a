import { extname } from 'node:path'
import type { Command } from 'commander'
import type { Architecture } from '../../blocks/architecture.ts'
import { InvalidInput } from '../../errors.ts'
import { checkSla, type SlaOutcome } from '../../serving/simulator/sla.ts'
import { simulate, type SimulationResult } from '../../serving/simulator/simulate.ts'
import type { Percentiles } from '../../serving/simulator/percentiles.ts'
import type { Workload } from '../../serving/simulator/workload.ts'
import type { ServingDeployment } from '../../serving/serving-deployment.ts'
import { reportHtml, timelineSvg } from '../../../viz/index.ts'
import type { TimelinePlotInput } from '../../../viz/index.ts'
import { addCalibrationOption, efficiencyFrom, efficiencyNote } from '../calibration-option.ts'
import { addDeploymentOptions, deploymentFrom, type DeploymentFlags } from '../deployment-options.ts'
import * as fmt from '../format.ts'
import { loadModelOrThrow } from '../model-option.ts'
import { writeFileAtomic, writePlot } from '../outputs.ts'
import { action } from '../run-action.ts'
import { addSlaOptions, addWorkloadOptions, describeWorkload, slaFrom, workloadFrom, type WorkloadFlags } from '../simulate-flags.ts'
import { simulationProgress } from '../simulate-progress.ts'

interface SimulateFlags extends DeploymentFlags, WorkloadFlags {
  readonly model: string
  readonly calibration?: string
  readonly json?: boolean
  readonly plot?: string
}

const plotExtensions = ['.svg', '.png', '.html']
/** Points of the timeline plot: the run split into this many spans of equal time. */
const timelineSpans = 400

function checkPlot(path: string | undefined): void {
  if (path !== undefined && !plotExtensions.includes(extname(path).toLowerCase()))
    throw new InvalidInput({ field: '--plot', problem: `${path} (expected a .svg, .png or .html file name)` })
}

/** The `simulate --json` document (documented in the README); the timeline is left to `--plot`. */
export function simulationDocument(arch: Architecture, d: ServingDeployment, w: Workload, r: SimulationResult, sla: readonly SlaOutcome[]) {
  const limits = d.engine.limits(d.system.gpu)
  const { requests: _requests, timeline: _timeline, ...summary } = r
  return {
    model: arch.name,
    system: d.system.id,
    gpu: d.system.gpu.name,
    tp: d.tp,
    precision: d.precision,
    engine: { id: d.engine.id, kvBlockTokens: d.engine.kvBlockTokens, ...limits, stepOverheadSeconds: d.engine.stepOverheadSeconds },
    workload: w.kind === 'trace' ? { kind: 'trace', requests: w.requests.length } : w,
    efficiency: { name: d.efficiency.name, source: d.efficiency.source },
    requests: r.requests.length,
    ...summary,
    sla: sla.map((o) => ({ ...o, valueSeconds: Number.isNaN(o.valueSeconds) ? null : o.valueSeconds })),
    slaPass: sla.every((o) => o.pass),
  }
}

function latencyRow(name: string, p: Percentiles): string[] {
  const s = (v: number) => (Number.isNaN(v) ? '–' : fmt.seconds(v))
  return [name, s(p.mean), s(p.p50), s(p.p90), s(p.p99), s(p.max)]
}

const slaNames = { ttft: 'TTFT', tpot: 'TPOT', e2e: 'end-to-end' } as const

function slaLine(o: SlaOutcome): string {
  const value = Number.isNaN(o.valueSeconds) ? 'no value' : fmt.seconds(o.valueSeconds)
  return `  ${slaNames[o.metric]} p${o.percentile} ≤ ${fmt.seconds(o.limitSeconds)}: ${o.pass ? 'pass' : 'FAIL'} (${value})`
}

export function renderSimulation(arch: Architecture, d: ServingDeployment, w: Workload, r: SimulationResult, sla: readonly SlaOutcome[]): string {
  const limits = d.engine.limits(d.system.gpu)
  const t = r.throughput
  return [
    `${arch.name} on ${d.tp > 1 ? `${d.system.name}, TP ${d.tp}` : d.system.name}; weights ${d.precision.weights}, activations ${d.precision.activations}, KV ${d.precision.kv}`,
    `engine: ${d.engine.name}: ${d.engine.kvBlockTokens}-token KV blocks, at most ${limits.maxSequences} sequences and ${limits.stepTokens} tokens per step, ${fmt.seconds(d.engine.stepOverheadSeconds)} host time per step`,
    `workload: ${describeWorkload(w)}`,
    `KV pool: ${fmt.bytes(r.kv.poolBytes)} per GPU`,
    '',
    `served ${r.requests.length.toLocaleString('en-US')} requests in ${fmt.seconds(r.endSeconds - r.startSeconds)} of simulated time, ${r.steps.toLocaleString('en-US')} engine steps of ${fmt.seconds(r.meanStepSeconds)} on average`,
    `throughput: ${fmt.rate(t.outputTokensPerSecondPerGpu)} per GPU over the run; ${fmt.rate(t.steadyOutputTokensPerSecondPerGpu)} per GPU in steady state (${fmt.seconds(t.steadyWindow.start)} to ${fmt.seconds(t.steadyWindow.end)}, 10th to 90th percentile of completions); ${t.requestsPerSecond.toFixed(3)} requests/s`,
    `sequences running: ${r.running.mean.toFixed(1)} on average, ${r.running.max} at most; KV cache in use: ${(100 * r.kv.meanUse).toFixed(1)}% of the pool on average, ${(100 * r.kv.peakUse).toFixed(1)}% at peak; ${r.preemptions.toLocaleString('en-US')} preemptions`,
    '',
    fmt.table(['latency', 'mean', 'p50', 'p90', 'p99', 'max'], [latencyRow('TTFT', r.latency.ttft), latencyRow('TPOT', r.latency.tpot), latencyRow('end to end', r.latency.e2e)]),
    ...(sla.length === 0 ? [] : ['', `SLA: ${sla.every((o) => o.pass) ? 'met' : 'NOT met'}`, ...sla.map(slaLine)]),
    '',
    efficiencyNote(d.efficiency),
  ].join('\n')
}

function timelineInput(arch: Architecture, d: ServingDeployment, w: Workload, r: SimulationResult): TimelinePlotInput {
  return {
    spans: r.timeline,
    title: `${arch.name} on ${d.system.gpu.name}${d.tp > 1 ? ` ×${d.tp}` : ''}, ${d.engine.name}`,
    caption: `${describeWorkload(w)}; KV pool ${fmt.bytes(r.kv.poolBytes)} per GPU; ${r.preemptions} preemptions. Each point is a time-weighted mean over 1/${timelineSpans} of the run.`,
  }
}

function writeTimeline(path: string, arch: Architecture, d: ServingDeployment, w: Workload, r: SimulationResult, sla: readonly SlaOutcome[]): void {
  const input = timelineInput(arch, d, w, r)
  if (extname(path).toLowerCase() !== '.html') return writePlot(path, timelineSvg(input))
  const lines = renderSimulation(arch, d, w, r, sla).split('\n')
  writeFileAtomic(
    path,
    reportHtml({
      title: `nas-sim simulate: ${arch.name}`,
      subtitle: `${lines[0]}; ${describeWorkload(w)}`,
      timeline: input,
      tables: [
        {
          title: 'Latency',
          columns: ['', 'mean', 'p50', 'p90', 'p99', 'max'],
          rows: (['ttft', 'tpot', 'e2e'] as const).map((m) => {
            const [label, ...values] = latencyRow(slaNames[m], r.latency[m])
            return { label: label!, values }
          }),
        },
        {
          title: 'Run',
          rows: [
            { label: 'throughput per GPU (run, steady state)', values: [fmt.rate(r.throughput.outputTokensPerSecondPerGpu), fmt.rate(r.throughput.steadyOutputTokensPerSecondPerGpu)] },
            { label: 'engine steps, mean step', values: [r.steps.toLocaleString('en-US'), fmt.seconds(r.meanStepSeconds)] },
            { label: 'KV cache in use (mean, peak)', values: [`${(100 * r.kv.meanUse).toFixed(1)}%`, `${(100 * r.kv.peakUse).toFixed(1)}%`] },
            { label: 'preemptions', values: [String(r.preemptions)] },
            ...sla.map((o) => ({ label: `SLA ${slaNames[o.metric]} p${o.percentile} ≤ ${fmt.seconds(o.limitSeconds)}`, values: [o.pass ? 'pass' : 'FAIL', Number.isNaN(o.valueSeconds) ? '–' : fmt.seconds(o.valueSeconds)] })),
          ],
          note: efficiencyNote(d.efficiency),
        },
      ],
    }),
  )
}

export function registerSimulate(program: Command): void {
  const cmd = program
    .command('simulate')
    .description('simulate one engine replica request by request: continuous batching, chunked prefill, paged KV cache, preemption')
    .requiredOption('--model <preset|config.json>', 'a preset id (see `nas-sim models`) or a Hugging Face config.json')
  addDeploymentOptions(cmd)
  addCalibrationOption(cmd)
  addWorkloadOptions(cmd)
  addSlaOptions(cmd)
    .option('--json', 'print one JSON document instead of text')
    .option('--plot <file>', 'write the timeline: running and waiting sequences, KV use and step times (.svg, .png or .html)')
    .action(
      action(async (flags: SimulateFlags) => {
        checkPlot(flags.plot)
        if (flags.batching !== undefined && flags.batching !== 'inflight')
          throw new InvalidInput({ field: '--batching', problem: `${flags.batching} (simulate models in-flight batching only)` })
        const sla = slaFrom(flags as unknown as Record<string, unknown>)
        const d = deploymentFrom(flags, await efficiencyFrom(flags.calibration, flags.gpu))
        const arch = await loadModelOrThrow(flags.model, d)
        const workload = workloadFrom(flags, arch, d)
        const progress = simulationProgress(process.stderr)
        const result = simulate(arch, d, workload, { onProgress: progress.update, progressEvery: 4096, timelineSpans })
        progress.close()
        const outcomes = checkSla(result, sla)
        if (flags.plot !== undefined) writeTimeline(flags.plot, arch, d, workload, result, outcomes)
        process.stdout.write(flags.json ? `${JSON.stringify(simulationDocument(arch, d, workload, result, outcomes), null, 2)}\n` : `${renderSimulation(arch, d, workload, result, outcomes)}\n`)
        if (flags.plot !== undefined && !flags.json) process.stdout.write(`timeline: ${flags.plot}\n`)
      }),
    )
}
