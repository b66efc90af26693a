/**
 * Llama-3.3-Nemotron-Super-49B (the shipped preset, its published DeciLM
 * config) against its parent Llama-3.3-70B on one H100 and one H200.
 *
 * No throughput ratio for this pair on one GPU was found in a citable source
 * (the model card says only that the 49B fits on one H200 at high workloads),
 * so these rows carry nas-sim's prediction and no paper figure.
 *
 * The scenario: FP8 weights, activations and KV cache, because it is the only
 * precision in which Llama-3.3-70B (70.6 B parameters, 141 GB in BF16) fits on
 * either GPU at all; Puzzle's two published lengths, 128/1024 (text
 * generation) and 2048/128 (summarization/RAG), so the figures sit beside the
 * Nemotron-51B reproduction; each model at its best concurrency on one GPU with
 * in-flight batching, under TensorRT-LLM (the engine of the Puzzle paper) and
 * vLLM (nas-sim's default); on the H200 also with the calibrated H200 model
 * when it is available.
 */
import type { Architecture } from '../../src/blocks/architecture.ts'
import { systems, type SystemSpec } from '../../src/cost-model/hardware/system.ts'
import type { ServingEstimate } from '../../src/serving/best-setting.ts'
import { engines, type EngineProfile } from '../../src/serving/engine.ts'
import { calibratedH200, datasheet, type LabelledEfficiency } from './efficiency-models.ts'
import { preset } from './models.ts'
import { fp8Everywhere } from './precisions.ts'
import { reproductionRow, type Reproduction, type ReproductionRow } from './row.ts'
import { serve, settingLabel } from './serve.ts'

const experiment = 'Llama-3.3-Nemotron-Super-49B vs Llama-3.3-70B on one GPU (FP8)'

const scenarios = [
  { name: 'text generation', input: 128, output: 1024 },
  { name: 'summarization/RAG', input: 2048, output: 128 },
] as const

function best(arch: Architecture, system: SystemSpec, input: number, output: number, engine: EngineProfile, efficiency: LabelledEfficiency): ServingEstimate | undefined {
  return serve(arch, { system, precision: fp8Everywhere, input, output, efficiency: efficiency.model, engine, batching: 'inflight', tp: 1 }).best
}

/** The efficiency models to run on a GPU: the datasheet everywhere, the calibrated model on the H200 when it loads. */
async function efficienciesFor(system: SystemSpec): Promise<readonly LabelledEfficiency[]> {
  if (system.gpu.id !== 'h200') return [datasheet]
  const calibrated = await calibratedH200()
  return calibrated.available ? [datasheet, calibrated.efficiency] : [datasheet]
}

/** The Puzzle paper's engine, then nas-sim's default. */
const servingEngines: readonly EngineProfile[] = [engines.trtllm, engines.vllm]

function describe(name: string, e: ServingEstimate | undefined): string {
  return e === undefined ? `${name} does not fit` : `${name} ${settingLabel(e)}, ${e.tokensPerSecondPerGpu.toFixed(0)} tok/s`
}

function ratioRow(child: Architecture, parent: Architecture, system: SystemSpec, efficiency: LabelledEfficiency, s: (typeof scenarios)[number], engine: EngineProfile): ReproductionRow {
  const c = best(child, system, s.input, s.output, engine, efficiency)
  const p = best(parent, system, s.input, s.output, engine, efficiency)
  const model = efficiency === datasheet ? '' : `, ${efficiency.label}`
  return reproductionRow({
    experiment,
    quantity: `${s.name} on one ${system.gpu.name.replace('NVIDIA ', '')}, ${engine.name}${model}: throughput ratio 49B / 70B`,
    paper: null,
    nasSim: c === undefined || p === undefined ? null : c.tokensPerSecondPerGpu / p.tokensPerSecondPerGpu,
    unit: '×',
    setup: `${system.id}; FP8; ${s.input}/${s.output}; ${engine.name}, in-flight batching; ${describe('49B', c)}; ${describe('70B', p)}; ${efficiency.label}`,
    note: 'no published single-GPU ratio found for this pair; prediction only',
  })
}

export async function super49bRows(): Promise<readonly ReproductionRow[]> {
  const child = preset('llama-3.3-nemotron-super-49b')
  const parent = preset('llama-3.3-70b')
  const rows: ReproductionRow[] = []
  for (const system of [systems['h100-sxm'], systems.h200])
    for (const efficiency of await efficienciesFor(system))
      for (const s of scenarios) for (const engine of servingEngines) rows.push(ratioRow(child, parent, system, efficiency, s, engine))
  return rows
}

export const super49b: Reproduction = {
  id: 'super-49b',
  title: experiment,
  sources: [
    'Llama-3.3-Nemotron-Super-49B-v1 config.json (../shared/reference/models/llama3.3_nemotron_super_49b.config.json, via NVIDIA NeMo)',
    'Model card, huggingface.co/nvidia/Llama-3_3-Nemotron-Super-49B-v1: fits on one H200 at high workloads (no throughput figure)',
  ],
  rows: super49bRows,
  explainGap: () => 'No published figure to compare with.',
}
