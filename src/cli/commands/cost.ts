import type { Command } from 'commander'
import type { Architecture, LayerChoice } from '../../blocks/architecture.ts'
import { architectureCost, type ArchitectureCost, type LayerCost } from '../../serving/architecture-cost.ts'
import type { ServingDeployment } from '../../serving/serving-deployment.ts'
import type { Scenario } from '../../serving/scenario.ts'
import { action, exitCodes } from '../run-action.ts'
import { addDeploymentOptions, deploymentFrom, type DeploymentFlags } from '../deployment-options.ts'
import { addCalibrationOption, efficiencyFrom, efficiencyNote } from '../calibration-option.ts'
import { describeBlock } from '../describe.ts'
import * as fmt from '../format.ts'
import { loadModelOrThrow } from '../model-option.ts'
import { batchSize, tokenCount } from '../parse.ts'

interface CostFlags extends DeploymentFlags {
  readonly model: string
  readonly batch: string
  readonly input: string
  readonly output: string
  readonly calibration?: string
  readonly json?: boolean
}

/**
 * The `cost --json` document (documented in the README). When the model does
 * not fit, `fits` is false and `metrics` is null: times computed for memory the
 * GPU does not have would read as a real throughput.
 */
export function costDocument(arch: Architecture, d: ServingDeployment, cost: ArchitectureCost) {
  return {
    fits: cost.memory.fits,
    model: arch.name,
    system: d.system.id,
    gpu: d.system.gpu.name,
    tp: d.tp,
    precision: d.precision,
    engine: d.engine.id,
    batching: d.batching,
    scenario: cost.scenario,
    efficiency: cost.efficiency,
    params: cost.params,
    metrics: cost.memory.fits ? cost.metrics : null,
    memory: cost.memory,
    breakdown: cost.breakdown,
    layers: arch.layers.map((layer, i) => layerDocument(i, layer, cost.layers[i]!)),
  }
}

function layerDocument(index: number, layer: LayerChoice, c: LayerCost) {
  const slot = (spec: LayerChoice['mixer'] | LayerChoice['ffn'], s: LayerCost['mixer']) => ({
    block: spec,
    runSeconds: s.runSeconds,
    ttftSeconds: s.ttftSeconds,
    prefillSeconds: s.prefillSeconds,
    decodeSeconds: s.decodeSeconds,
    weightBytes: s.weightBytes,
    kvBytesPerSequence: s.kvBytesPerSequence,
    stateBytesPerSequence: s.stateBytesPerSequence,
  })
  return { index, mixer: slot(layer.mixer, c.mixer), ffn: slot(layer.ffn, c.ffn) }
}

interface LayerGroup {
  readonly indices: number[]
  readonly layer: LayerChoice
}

/**
 * Layers with identical blocks, printed as one row: consecutive runs when that
 * keeps the table short, otherwise every occurrence of a distinct layer together
 * (hybrids such as Nemotron-H alternate blocks layer by layer).
 */
function layerGroups(arch: Architecture): LayerGroup[] {
  const key = (l: LayerChoice) => JSON.stringify(l)
  const runs: LayerGroup[] = []
  arch.layers.forEach((layer, i) => {
    const last = runs.at(-1)
    if (last && key(last.layer) === key(layer)) last.indices.push(i)
    else runs.push({ indices: [i], layer })
  })
  if (runs.length <= maxRows) return runs
  const distinct = new Map<string, LayerGroup>()
  arch.layers.forEach((layer, i) => {
    const group = distinct.get(key(layer))
    if (group) group.indices.push(i)
    else distinct.set(key(layer), { indices: [i], layer })
  })
  return [...distinct.values()]
}

const maxRows = 30

/** `0`, `3–7`, or `0, 2, 4, … (24 layers)`. */
function indexLabel(indices: readonly number[]): string {
  const first = indices[0]!
  const last = indices.at(-1)!
  if (indices.length === 1) return `${first}`
  if (last - first + 1 === indices.length) return `${first}–${last}`
  return indices.length <= 4 ? indices.join(', ') : `${indices.slice(0, 3).join(', ')}, …, ${last}`
}

export function renderCost(arch: Architecture, d: ServingDeployment, cost: ArchitectureCost): string {
  const inflight = d.batching === 'inflight'
  const steps = cost.metrics.steps?.perCycle ?? Math.max(cost.scenario.output - 1, 1)
  const rows = layerGroups(arch).map(({ indices, layer }) => {
    const c = cost.layers[indices[0]!]!
    return [
      indexLabel(indices),
      describeBlock(layer.mixer),
      describeBlock(layer.ffn),
      fmt.seconds(inflight ? c.mixer.ttftSeconds + c.ffn.ttftSeconds : c.mixer.prefillSeconds + c.ffn.prefillSeconds),
      fmt.seconds((inflight ? c.mixer.runSeconds + c.ffn.runSeconds : c.mixer.decodeSeconds + c.ffn.decodeSeconds) / steps),
      fmt.bytes(c.mixer.weightBytes + c.ffn.weightBytes),
      fmt.bytes((c.mixer.kvBytesPerSequence + c.ffn.kvBytesPerSequence + c.mixer.stateBytesPerSequence + c.ffn.stateBytesPerSequence) * cost.scenario.batch),
      `×${indices.length}`,
    ]
  })
  const m = cost.metrics
  const mem = cost.memory
  const s: Scenario = cost.scenario
  return [
    `${arch.name} on ${d.tp > 1 ? `${d.system.name}, TP ${d.tp}` : d.system.name}; weights ${d.precision.weights}, activations ${d.precision.activations}, KV ${d.precision.kv}`,
    inflight
      ? `scenario: ${d.engine.name}, in-flight batching at concurrency ${s.batch}, ${s.input} input → ${s.output} output tokens; ${fmt.count(cost.params)} parameters`
      : `scenario: ${d.engine.name} memory policy, static batch ${s.batch}, ${s.input} input → ${s.output} output tokens; ${fmt.count(cost.params)} parameters`,
    inflight && cost.metrics.steps !== undefined
      ? `engine steps: ${fmt.count(cost.metrics.steps.perCycle)} per cycle of ${s.batch} requests, ${fmt.seconds(cost.metrics.steps.seconds)} each`
      : `steps: one prefill of the batch, then ${Math.max(s.output - 1, 0)} decode steps`,
    '',
    fmt.table(['layers', 'mixer', 'ffn', inflight ? 'TTFT share (each)' : 'prefill (each)', inflight ? 'engine step (each)' : 'decode step (each)', 'weights/GPU', 'cache/GPU', 'count'], rows),
    '',
    ...(mem.fits
      ? [
          `time to first token   ${fmt.seconds(m.ttftSeconds)}`,
          `time per output token ${m.tpotSeconds === undefined ? '– (one output token)' : fmt.seconds(m.tpotSeconds)}`,
          `end-to-end latency    ${fmt.seconds(m.e2eSeconds)}`,
          `throughput            ${fmt.rate(m.outputTokensPerSecond)} in total, ${fmt.rate(m.outputTokensPerSecondPerGpu)} per GPU, ${fmt.rate(m.tokensPerSecondPerUser)} per user`,
        ]
      : []),
    `memory per GPU        ${fmt.bytes(mem.total)} of ${fmt.bytes(mem.capacity)} the engine holds (${mem.policy}; weights ${fmt.bytes(mem.weights)}, KV ${fmt.bytes(mem.kvCache)} of a ${fmt.bytes(Math.max(0, mem.kvPool))} pool, state ${fmt.bytes(mem.ssmState)}, activations ${fmt.bytes(mem.activations)}): ${mem.fits ? 'fits' : 'DOES NOT FIT'}; largest ${inflight ? 'concurrency' : 'batch'} that fits: ${mem.maxBatch}`,
    ...(mem.fits ? [] : [unfitAdvice(d, cost)]),
    efficiencyNote(cost.efficiency),
  ].join('\n')
}

/** What to change when the model does not fit: a smaller batch if one fits, else more GPUs or fewer bytes per weight. */
function unfitAdvice(d: ServingDeployment, cost: ArchitectureCost): string {
  const unit = d.batching === 'inflight' ? 'concurrency' : 'batch'
  return cost.memory.maxBatch > 0
    ? `no times or throughput: the model does not fit at ${unit} ${cost.scenario.batch}; try --batch ${cost.memory.maxBatch} (exit code 4)`
    : `no times or throughput: the weights alone do not fit; use more GPUs (--tp, a DGX system) or lower precision (--weights fp8) (exit code 4)`
}

export function registerCost(program: Command): void {
  const cmd = program
    .command('cost')
    .description('predict latency, throughput and memory of a model in a serving scenario, block by block')
    .requiredOption('--model <preset|config.json>', 'a preset id (see `nas-sim models`) or a Hugging Face config.json')
  addDeploymentOptions(cmd)
  addCalibrationOption(cmd)
    .requiredOption('--batch <n>', 'sequences served together: the engine’s concurrency (in flight) or the static batch')
    .requiredOption('--input <tokens>', 'prompt tokens per sequence')
    .requiredOption('--output <tokens>', 'generated tokens per sequence')
    .option('--json', 'print one JSON document instead of tables')
    .action(
      action(async (flags: CostFlags) => {
        const scenario: Scenario = {
          batch: batchSize('--batch', flags.batch),
          input: tokenCount('--input', flags.input),
          output: tokenCount('--output', flags.output),
        }
        const d = deploymentFrom(flags, await efficiencyFrom(flags.calibration, flags.gpu))
        const arch = await loadModelOrThrow(flags.model, d)
        const cost = architectureCost(arch, scenario, d)
        process.stdout.write(flags.json ? `${JSON.stringify(costDocument(arch, d, cost), null, 2)}\n` : `${renderCost(arch, d, cost)}\n`)
        return cost.memory.fits ? exitCodes.ok : exitCodes.doesNotFit
      }),
    )
}
