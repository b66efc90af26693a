/**
 * Nemotron-H (NVIDIA, 2025, arXiv:2504.03624; research.nvidia.com/labs/adlr/nemotronh):
 * output tokens/s per GPU of Nemotron-H-56B and -47B against Llama-3.1-70B and
 * Qwen-2.5-72B at 65,536 input and 1,024 output tokens on H100. The paper
 * publishes the ratios only; batch, TP, precision and engine are not published,
 * so each model runs at its best TP and concurrency on a DGX H100, in BF16 (the
 * default) and, as a second reading, in FP8.
 *
 * Engine: vLLM (nas-sim's default profile) with in-flight batching. It serves both
 * kinds of model (NemotronHForCausalLM and the dense baselines) with chunked
 * prefill, which a 65,536-token prompt needs beside running decodes; TensorRT-LLM
 * at its defaults prefills prompts whole and rejects any longer than its
 * 8,192-token step budget unless the run raises it, and the paper names no such
 * setting. The same engine for every model keeps the ratio about the models.
 */
import type { PrecisionConfig } from '../../src/blocks/precision.ts'
import { systems } from '../../src/cost-model/hardware/system.ts'
import type { ServingEstimate } from '../../src/serving/best-setting.ts'
import { engines } from '../../src/serving/engine.ts'
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
  return serve(preset(id), { system: systems['dgx-h100'], precision, input, output, efficiency: datasheet.model, engine: engines.vllm, batching: 'inflight' })
}

function describe(id: PresetId, e: ServingEstimate | undefined): string {
  return e === undefined ? `${names[id]} does not fit` : `${names[id]} ${settingLabel(e)} (${e.tokensPerSecondPerGpu.toFixed(1)} tok/s/GPU, ${gb(e.cost.memory.total)}/GPU)`
}

/** The explanation of each row that misses, written when the row is made, from the estimates behind it. */
const explanations = new WeakMap<ReproductionRow, string>()

const mechanism =
  'At 65,536 prompt tokens per request the prefill dominates the cycle: the dense baselines spend it in 80 attention layers whose work grows with the square of the prompt, Nemotron-H in a few attention layers and Mamba-2 scans whose work grows linearly. The two quantities nas-sim assumes rather than measures are the Mamba-2 scan’s efficiency (the GEMM fraction of peak, with no published H100 figure) and FlashAttention’s share of peak on 65,536-token prefills (from FlashAttention-3’s fp16 figure); either moves the hybrid-to-dense ratio directly.'

/** Why a hybrid's ratio misses, from the two hybrids' rates: the paper's 2.9 / 2.4 says how much faster the 47B is. */
function explain(hybrid: keyof typeof paperSpeedup, served: ReadonlyMap<PresetId, ServingEstimate | undefined>, precision: PrecisionConfig): string {
  const h56 = served.get('nemotron-h-56b')
  const h47 = served.get('nemotron-h-47b')
  const published = paperSpeedup['nemotron-h-47b'] / paperSpeedup['nemotron-h-56b']
  // The 47B at the 56B's own TP and concurrency: what the two hybrids' blocks alone make of the difference.
  const h47AtSame =
    h56 === undefined
      ? undefined
      : serve(preset('nemotron-h-47b'), { system: systems['dgx-h100'], precision, input, output, efficiency: datasheet.model, engine: engines.vllm, batching: 'inflight', tp: h56.tp, batch: h56.batch }).best
  const same = h56 === undefined || h47AtSame === undefined ? '' : ` At the 56B’s own setting the 47B would be ${(h47AtSame.tokensPerSecondPerGpu / h56.tokensPerSecondPerGpu).toFixed(2)}× as fast, so the rest comes from the larger concurrency its smaller weights and cache leave room for, which amortises the weight-bound decode steps over more sequences; the paper’s runs may not have filled memory that way.`
  const between =
    h56 === undefined || h47 === undefined
      ? ''
      : ` Between the two hybrids nas-sim finds the 47B ${(h47.tokensPerSecondPerGpu / h56.tokensPerSecondPerGpu).toFixed(2)}× as fast as the 56B, where the paper’s figures give ${published.toFixed(2)}× (2.9 / 2.4); at its best setting the 47B runs ${settingLabel(h47)} and the 56B ${settingLabel(h56)}.${hybrid === 'nemotron-h-47b' ? same : ''}`
  return `The paper publishes only the ratio (“about”), not the concurrency, TP, precision or engine, so nas-sim runs each model at its own best setting under one engine.${between} ${mechanism}`
}

function rowsFor(precision: PrecisionConfig, reading: string): ReproductionRow[] {
  const served = new Map<PresetId, ServingEstimate | undefined>()
  for (const id of [...Object.keys(paperSpeedup), ...baselines] as PresetId[]) served.set(id, best(id, precision).best)
  const rows: ReproductionRow[] = []
  for (const [hybrid, paper] of Object.entries(paperSpeedup) as [keyof typeof paperSpeedup, number][])
    for (const baseline of baselines) {
      const h = served.get(hybrid)
      const b = served.get(baseline)
      const row = reproductionRow({
        experiment,
        quantity: `${names[hybrid]} / ${names[baseline]} output tokens/s per GPU, ${reading}`,
        paper,
        nasSim: h === undefined || b === undefined ? null : h.tokensPerSecondPerGpu / b.tokensPerSecondPerGpu,
        unit: '×',
        setup: `dgx-h100; ${precisionLabel(precision)}; ${input}/${output}; vLLM, in-flight batching; ${describe(hybrid, h)} vs ${describe(baseline, b)}; ${datasheet.label}`,
        note: 'Nemotron-H paper ("about" the figure; batch, TP, precision and engine unpublished): each model at its own best TP and concurrency',
      })
      explanations.set(row, explain(hybrid, served, precision))
      rows.push(row)
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
  explainGap: (row) => explanations.get(row) ?? `${mechanism}`,
}
