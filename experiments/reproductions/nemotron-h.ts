/**
 * Nemotron-H (NVIDIA, 2025, arXiv:2504.03624; research.nvidia.com/labs/adlr/nemotronh):
 * output tokens/s per GPU of Nemotron-H-56B and -47B against Llama-3.1-70B and
 * Qwen-2.5-72B at 65,536 input and 1,024 output tokens on H100. The paper
 * publishes the ratios only; batch, TP, precision and engine are not published,
 * so each model runs at its best TP and batch on a DGX H100, in BF16 (the
 * default) and, as a second reading, in FP8.
 */
import type { PrecisionConfig } from '../../src/blocks/precision.ts'
import { systems } from '../../src/cost-model/hardware/system.ts'
import type { ServingEstimate } from '../../src/serving/best-setting.ts'
import type { PresetId } from '../../src/io/presets.ts'
import { datasheet } from './efficiency-models.ts'
import { preset } from './models.ts'
import { bf16All, fp8Everywhere, precisionLabel } from './precisions.ts'
import { reproductionRow, type Reproduction, type ReproductionRow } from './row.ts'
import { gb, serve, settingLabel } from './serve.ts'

const experiment = 'Nemotron-H-56B/47B vs Llama-3.1-70B and Qwen-2.5-72B (65,536/1,024, H100)'

/** Nemotron-H paper and blog: "about 2.4×" (56B) and "about 2.9×" (47B) the output tokens/s per GPU (../shared/reference/README.md). */
const paperSpeedup: Readonly<Record<'nemotron-h-56b' | 'nemotron-h-47b', number>> = { 'nemotron-h-56b': 2.4, 'nemotron-h-47b': 2.9 }
const baselines = ['llama-3.1-70b', 'qwen-2.5-72b'] as const satisfies readonly PresetId[]
const names: Readonly<Record<PresetId, string>> = {
  'nemotron-h-56b': 'Nemotron-H-56B',
  'nemotron-h-47b': 'Nemotron-H-47B',
  'llama-3.1-70b': 'Llama-3.1-70B',
  'qwen-2.5-72b': 'Qwen-2.5-72B',
} as Readonly<Record<PresetId, string>>

const input = 65_536
const output = 1_024

function best(id: PresetId, precision: PrecisionConfig): { readonly best?: ServingEstimate; readonly why: string } {
  return serve(preset(id), { system: systems['dgx-h100'], precision, input, output, efficiency: datasheet.model })
}

function describe(id: PresetId, e: ServingEstimate | undefined): string {
  return e === undefined ? `${names[id]} does not fit` : `${names[id]} ${settingLabel(e)} (${e.tokensPerSecondPerGpu.toFixed(1)} tok/s/GPU, ${gb(e.cost.memory.total)}/GPU)`
}

function rowsFor(precision: PrecisionConfig, reading: string): ReproductionRow[] {
  const served = new Map<PresetId, ServingEstimate | undefined>()
  for (const id of [...Object.keys(paperSpeedup), ...baselines] as PresetId[]) served.set(id, best(id, precision).best)
  const rows: ReproductionRow[] = []
  for (const [hybrid, paper] of Object.entries(paperSpeedup) as [keyof typeof paperSpeedup, number][])
    for (const baseline of baselines) {
      const h = served.get(hybrid)
      const b = served.get(baseline)
      rows.push(
        reproductionRow({
          experiment,
          quantity: `${names[hybrid]} / ${names[baseline]} output tokens/s per GPU, ${reading}`,
          paper,
          nasSim: h === undefined || b === undefined ? null : h.tokensPerSecondPerGpu / b.tokensPerSecondPerGpu,
          unit: '×',
          setup: `dgx-h100; ${precisionLabel(precision)}; ${input}/${output}; ${describe(hybrid, h)} vs ${describe(baseline, b)}; ${datasheet.label}`,
          note: 'Nemotron-H paper ("about" the figure; batch, TP, precision and engine unpublished): each model at its own best TP and batch',
        }),
      )
    }
  return rows
}

export async function nemotronHRows(): Promise<readonly ReproductionRow[]> {
  return [...rowsFor(bf16All, 'BF16'), ...rowsFor(fp8Everywhere, 'FP8')]
}

export const nemotronH: Reproduction = {
  id: 'nemotron-h',
  title: experiment,
  sources: ['Nemotron-H: NVIDIA, "Nemotron-H: A Family of Accurate and Efficient Hybrid Mamba-Transformer Models", arXiv:2504.03624, and research.nvidia.com/labs/adlr/nemotronh'],
  rows: nemotronHRows,
  explainGap: () =>
    'The paper publishes only the ratio (“about”), not the batch, TP, precision or engine, so nas-sim runs each model at its own best setting; the remaining differences are the Mamba-2 scan’s efficiency (an assumption in the datasheet model, with no published H100 figure) and the engine’s handling of a 65,536-token prefill (chunking, attention kernels), which nas-sim times as one roofline pass.',
}
