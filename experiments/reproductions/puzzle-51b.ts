/**
 * Puzzle (Bercovich et al., 2024, arXiv:2411.19146): Nemotron-51B against its
 * parent Llama-3.1-70B on H100 SXM in FP8 (weights, activations, KV cache),
 * TensorRT-LLM, output tokens/s per GPU, each model at its best tensor-parallel
 * degree and batch, and both on one GPU.
 */
import type { Architecture } from '../../src/blocks/architecture.ts'
import type { ServingEstimate } from '../../src/cost-model/serving.ts'
import { systems, type SystemSpec } from '../../src/cost-model/hardware/system.ts'
import { datasheet } from './efficiency-models.ts'
import { bestWithTrtLlmMemory } from './engine-memory.ts'
import { fromConfig, preset } from './models.ts'
import { nemotron51bConfig } from './nemotron-51b.ts'
import { fp8Everywhere } from './precisions.ts'
import { reproductionRow, type Reproduction, type ReproductionRow } from './row.ts'
import { gb, serve, settingLabel } from './serve.ts'

const experiment = 'Puzzle: Nemotron-51B vs Llama-3.1-70B (H100, FP8)'

/** Puzzle paper, throughput table (and ../shared/reference/README.md, "Published results"): 128 in / 1024 out. */
const paperRatioBest = 2.17
const paperRatioOneGpu = 5.08
/** The paper's settings: 51B on TP1 at batch 256, 70B at its best, TP4 at batch 384 (reference README). */
const paperSetting51b = { tp: 1, batch: 256 }
const paperSetting70b = { tp: 4, batch: 384 }

/**
 * Absolute tokens/s per GPU from NVIDIA's Technical Blog "Advancing the
 * Accuracy-Efficiency Frontier with Llama-3.1-Nemotron-51B" (Sept 2024; read in
 * the copy at graphimax.xyz/?p=865): 8× H100 SXM, FP8, TensorRT-LLM, each model
 * on its optimal number of GPUs unless stated. 6472 / 2975 = 2.17 and
 * 6472 / 1274 = 5.08 are the paper's two ratios.
 */
const blog = {
  textGeneration: { input: 128, output: 1024, nemotron51b: 6472, llama70b: 2975, llama70bOneGpu: 1274 },
  summarization: { input: 2048, output: 128, nemotron51b: 653, llama70b: 339, llama70bOneGpu: 301 },
} as const

const blogSource = 'NVIDIA Technical Blog, "Advancing the Accuracy-Efficiency Frontier with Llama-3.1-Nemotron-51B" (2024)'

interface Scenario {
  readonly name: string
  readonly input: number
  readonly output: number
  readonly nemotron51b: number
  readonly llama70b: number
  readonly llama70bOneGpu: number
}

function setup(system: SystemSpec, e: ServingEstimate | undefined, scenario: Scenario, extra = ''): string {
  const where = e === undefined ? system.id : `${system.id}, ${settingLabel(e)}, ${gb(e.cost.memory.total)}/GPU`
  return `${where}; FP8; ${scenario.input}/${scenario.output}; ${datasheet.label}${extra}`
}

function throughputRows(scenario: Scenario, nemotron: Architecture, llama: Architecture): ReproductionRow[] {
  const query = { precision: fp8Everywhere, input: scenario.input, output: scenario.output, efficiency: datasheet.model }
  const node = systems['dgx-h100']
  const one = systems['h100-sxm']
  const n51 = serve(nemotron, { ...query, system: node })
  const n51One = serve(nemotron, { ...query, system: one })
  const l70 = serve(llama, { ...query, system: node })
  const l70One = serve(llama, { ...query, system: one })
  const rate = (s: { best?: ServingEstimate }) => s.best?.tokensPerSecondPerGpu ?? null
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? null : a / b)
  const derived = scenario.input === 128 ? '' : ' (ratio derived from the blog’s figures)'
  return [
    reproductionRow({
      experiment,
      quantity: `${scenario.name}: Nemotron-51B tokens/s/GPU, best setting on a DGX H100`,
      paper: scenario.nemotron51b,
      nasSim: rate(n51),
      unit: 'tokens/s/GPU',
      setup: setup(node, n51.best, scenario),
      note: `${blogSource}; the paper's setting is TP1, batch 256${n51.why ? `; ${n51.why}` : ''}`,
    }),
    reproductionRow({
      experiment,
      quantity: `${scenario.name}: Llama-3.1-70B tokens/s/GPU, best setting on a DGX H100`,
      paper: scenario.llama70b,
      nasSim: rate(l70),
      unit: 'tokens/s/GPU',
      setup: setup(node, l70.best, scenario),
      note: `${blogSource}; the paper's setting is TP4, batch 384`,
    }),
    reproductionRow({
      experiment,
      quantity: `${scenario.name}: Llama-3.1-70B tokens/s/GPU on one H100`,
      paper: scenario.llama70bOneGpu,
      nasSim: rate(l70One),
      unit: 'tokens/s/GPU',
      setup: setup(one, l70One.best, scenario),
      note: `${blogSource}${l70One.why ? `; ${l70One.why}` : ''}`,
    }),
    reproductionRow({
      experiment,
      quantity: `${scenario.name}: throughput ratio 51B / 70B, each at its best setting`,
      paper: scenario.input === 128 ? paperRatioBest : scenario.nemotron51b / scenario.llama70b,
      nasSim: ratio(rate(n51), rate(l70)),
      unit: '×',
      setup: `dgx-h100; FP8; ${scenario.input}/${scenario.output}; ${datasheet.label}`,
      note: `Puzzle paper${derived}`,
    }),
    reproductionRow({
      experiment,
      quantity: `${scenario.name}: throughput ratio 51B / 70B, both on one H100`,
      paper: scenario.input === 128 ? paperRatioOneGpu : scenario.nemotron51b / scenario.llama70bOneGpu,
      nasSim: ratio(rate(n51One), rate(l70One)),
      unit: '×',
      setup: `h100-sxm; FP8; ${scenario.input}/${scenario.output}; 51B ${n51One.best ? settingLabel(n51One.best) : '–'}, 70B ${l70One.best ? settingLabel(l70One.best) : '–'}; ${datasheet.label}`,
      note: `Puzzle paper${derived}; the published 51B figure is its best setting, which is one GPU (TP1)`,
    }),
  ]
}

/** Both models at the exact settings the paper names. */
function paperSettingRows(nemotron: Architecture, llama: Architecture): ReproductionRow[] {
  const s = blog.textGeneration
  const query = { precision: fp8Everywhere, input: s.input, output: s.output, efficiency: datasheet.model, system: systems['dgx-h100'] }
  const n51 = serve(nemotron, { ...query, ...paperSetting51b })
  const l70 = serve(llama, { ...query, ...paperSetting70b })
  const n = n51.best?.tokensPerSecondPerGpu ?? null
  const l = l70.best?.tokensPerSecondPerGpu ?? null
  return [
    reproductionRow({
      experiment,
      quantity: 'text generation: Nemotron-51B tokens/s/GPU at the paper’s TP1, batch 256',
      paper: s.nemotron51b,
      nasSim: n,
      unit: 'tokens/s/GPU',
      setup: `h100-sxm ×1 (TP1), batch 256; FP8; 128/1024; ${datasheet.label}`,
      note: n51.why ? `does not fit in nas-sim's memory model: ${n51.why}` : blogSource,
    }),
    reproductionRow({
      experiment,
      quantity: 'text generation: Llama-3.1-70B tokens/s/GPU at the paper’s TP4, batch 384',
      paper: s.llama70b,
      nasSim: l,
      unit: 'tokens/s/GPU',
      setup: `dgx-h100 (TP4), batch 384; FP8; 128/1024; ${datasheet.label}`,
      note: l70.why ? `does not fit in nas-sim's memory model: ${l70.why}` : blogSource,
    }),
  ]
}

/**
 * The best settings again, with TensorRT-LLM's KV memory policy (see
 * engine-memory.ts) instead of nas-sim's default: a sensitivity check of how
 * much of the gap the engine's memory policy explains.
 */
function trtLlmMemoryRows(scenario: Scenario, nemotron: Architecture, llama: Architecture): ReproductionRow[] {
  const query = { precision: fp8Everywhere, input: scenario.input, output: scenario.output, efficiency: datasheet.model }
  const node = systems['dgx-h100']
  const one = systems['h100-sxm']
  const n51 = bestWithTrtLlmMemory(nemotron, { ...query, system: node })
  const n51One = bestWithTrtLlmMemory(nemotron, { ...query, system: one })
  const l70 = bestWithTrtLlmMemory(llama, { ...query, system: node })
  const l70One = bestWithTrtLlmMemory(llama, { ...query, system: one })
  const policy = '; KV memory as TensorRT-LLM (90% of free memory)'
  const lengths = `FP8; ${scenario.input}/${scenario.output}; ${datasheet.label}${policy}`
  const label = (e: ServingEstimate | undefined) => (e === undefined ? 'does not fit' : settingLabel(e))
  const rate = (e: ServingEstimate | undefined) => e?.tokensPerSecondPerGpu ?? null
  const ratio = (a: ServingEstimate | undefined, b: ServingEstimate | undefined) => (a === undefined || b === undefined ? null : a.tokensPerSecondPerGpu / b.tokensPerSecondPerGpu)
  const note = 'sensitivity, not a separate published result: same cost model, with the memory policy of the paper’s engine'
  const name = `${scenario.name}, TRT-LLM memory`
  return [
    reproductionRow({ experiment, quantity: `${name}: Nemotron-51B tokens/s/GPU, best setting on a DGX H100`, paper: scenario.nemotron51b, nasSim: rate(n51), unit: 'tokens/s/GPU', setup: `dgx-h100, ${label(n51)}; ${lengths}`, note }),
    reproductionRow({ experiment, quantity: `${name}: Llama-3.1-70B tokens/s/GPU, best setting on a DGX H100`, paper: scenario.llama70b, nasSim: rate(l70), unit: 'tokens/s/GPU', setup: `dgx-h100, ${label(l70)}; ${lengths}`, note }),
    reproductionRow({ experiment, quantity: `${name}: Llama-3.1-70B tokens/s/GPU on one H100`, paper: scenario.llama70bOneGpu, nasSim: rate(l70One), unit: 'tokens/s/GPU', setup: `h100-sxm, ${label(l70One)}; ${lengths}`, note }),
    reproductionRow({
      experiment,
      quantity: `${name}: throughput ratio 51B / 70B, each at its best setting`,
      paper: scenario.input === 128 ? paperRatioBest : scenario.nemotron51b / scenario.llama70b,
      nasSim: ratio(n51, l70),
      unit: '×',
      setup: `dgx-h100; ${lengths}`,
      note,
    }),
    reproductionRow({
      experiment,
      quantity: `${name}: throughput ratio 51B / 70B, both on one H100`,
      paper: scenario.input === 128 ? paperRatioOneGpu : scenario.nemotron51b / scenario.llama70bOneGpu,
      nasSim: ratio(n51One, l70One),
      unit: '×',
      setup: `h100-sxm; 51B ${label(n51One)}, 70B ${label(l70One)}; ${lengths}`,
      note,
    }),
  ]
}

export async function puzzle51bRows(): Promise<readonly ReproductionRow[]> {
  const nemotron = fromConfig(nemotron51bConfig, 'Nemotron-51B')
  const llama = preset('llama-3.1-70b')
  const textGeneration = { name: 'text generation', ...blog.textGeneration }
  const summarization = { name: 'summarization/RAG', ...blog.summarization }
  return [
    ...throughputRows(textGeneration, nemotron, llama),
    ...paperSettingRows(nemotron, llama),
    ...throughputRows(summarization, nemotron, llama),
    ...trtLlmMemoryRows(textGeneration, nemotron, llama),
    ...trtLlmMemoryRows(summarization, nemotron, llama),
  ]
}

export const puzzle51b: Reproduction = {
  id: 'puzzle-51b',
  title: experiment,
  sources: [
    'Puzzle: Bercovich et al., "Puzzle: Distillation-Based NAS for Inference-Optimized LLMs", arXiv:2411.19146 (2.17× and 5.08×; settings TP1/256 and TP4/384)',
    blogSource + ' (absolute tokens/s/GPU; read in the copy at graphimax.xyz/?p=865)',
    'Nemotron-51B blocks: third-party transcription of its config.json, see experiments/reproductions/nemotron-51b.ts',
  ],
  rows: puzzle51bRows,
  explainGap: () => '',
}
