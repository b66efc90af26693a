/**
 * Nemotron-4 340B (model card, huggingface.co/nvidia/Nemotron-4-340B-Instruct;
 * ../shared/reference/README.md): it fits on one DGX H100 (8 GPUs) in FP8; BF16
 * needs 8× H200 or 16× H100. "Fits" here means the weights plus the KV cache of
 * one sequence at the model's full 4,096-token context (max_position_embeddings)
 * within the usable memory of every GPU, at TP8.
 *
 * nas-sim has no 16-GPU system and no pipeline parallelism, so the 16× H100
 * case is arithmetic on nas-sim's TP8 memory figures: two pipeline stages of
 * TP8 each hold half the layers, half the weights and half the cache per GPU.
 *
 * The model card names systems, not an engine, so each case is checked under
 * every engine profile's memory policy; the rows give the default engine's
 * figures and say whether the others agree.
 */
import { servingDeployment } from '../../src/serving/serving-deployment.ts'
import { defaultEngine, engines, type EngineProfile } from '../../src/serving/engine.ts'
import type { PrecisionConfig } from '../../src/blocks/precision.ts'
import { architectureCost, type MemoryUse } from '../../src/serving/architecture-cost.ts'
import { deployment } from '../../src/cost-model/deployment.ts'
import { systems, type SystemSpec } from '../../src/cost-model/hardware/system.ts'
import { datasheet } from './efficiency-models.ts'
import { preset } from './models.ts'
import { bf16All, fp8Everywhere, precisionLabel } from './precisions.ts'
import { reproductionRow, yesNo, type Reproduction, type ReproductionRow } from './row.ts'
import { gb } from './serve.ts'

const experiment = 'Nemotron-4 340B: which systems it fits'

/** The model's trained context (config max_position_embeddings, ../shared/reference/models/nemotron4_340b.json). */
const fullContext = 4096
const tp = 8
/** Pipeline stages in the 16× H100 arrangement the model card names (2 × 8 GPUs). */
const stagesFor16Gpus = 2

/** Memory per GPU at TP8 with one full-context sequence (one token generated after a 4,095-token prompt). */
function memoryAt(system: SystemSpec, precision: PrecisionConfig, engine: EngineProfile = defaultEngine): MemoryUse {
  const d = servingDeployment(deployment(system, precision, { tp, efficiency: datasheet.model }), { engine })
  return architectureCost(preset('nemotron-4-340b'), { batch: 1, input: fullContext - 1, output: 1 }, d).memory
}

/** 1 when it fits, 0 when not: the rows compare yes/no with the published statement. */
const fitsFlag = (fits: boolean) => (fits ? 1 : 0)

/** Which engine profiles give a different answer from the default's, in words. */
function engineAgreement(system: SystemSpec, precision: PrecisionConfig, fits: boolean): string {
  const others = Object.values(engines).filter((e) => e.id !== defaultEngine.id)
  const differ = others.filter((e) => memoryAt(system, precision, e).fits !== fits)
  const names = (list: readonly EngineProfile[]) => list.map((e) => e.name).join(' and ')
  return differ.length === 0 ? `${defaultEngine.name}’s memory policy; ${names(others)} agree` : `${defaultEngine.name}’s memory policy; ${names(differ)} answer otherwise`
}

function fitRow(system: SystemSpec, precision: PrecisionConfig, paper: number | null, note: string): ReproductionRow {
  const m = memoryAt(system, precision)
  return reproductionRow({
    experiment,
    quantity: `fits on ${system.name} in ${precisionLabel(precision).toUpperCase()} (1 = yes)`,
    paper,
    nasSim: fitsFlag(m.fits),
    unit: yesNo,
    setup: `TP8, one ${fullContext}-token sequence; ${gb(m.total)} per GPU needed (weights ${gb(m.weights)}), ${gb(m.capacity)} usable; ${engineAgreement(system, precision, m.fits)}`,
    note,
  })
}

export async function nemotron4Rows(): Promise<readonly ReproductionRow[]> {
  const modelCard = 'Nemotron-4 340B model card'
  const bf16OnH100 = memoryAt(systems['dgx-h100'], bf16All)
  const perGpuOn16 = bf16OnH100.total / stagesFor16Gpus
  return [
    fitRow(systems['dgx-h100'], fp8Everywhere, 1, modelCard),
    fitRow(systems['dgx-h100'], bf16All, 0, `${modelCard} (BF16 needs 8× H200 or 16× H100)`),
    fitRow(systems['dgx-h200'], bf16All, 1, `${modelCard} (8× H200)`),
    fitRow(systems['dgx-b200'], bf16All, null, 'not in the model card: the other listed 8-GPU system'),
    reproductionRow({
      experiment,
      quantity: 'BF16 on 16× H100 (two TP8 stages) fits (1 = yes)',
      paper: 1,
      nasSim: fitsFlag(perGpuOn16 <= bf16OnH100.capacity),
      unit: yesNo,
      setup: `${gb(perGpuOn16)} per GPU needed (half of nas-sim's TP8 figure ${gb(bf16OnH100.total)}), ${gb(bf16OnH100.capacity)} usable per H100 under ${defaultEngine.name}’s memory policy`,
      note: `${modelCard}; arithmetic outside nas-sim, which has no 16-GPU system and no pipeline parallelism`,
    }),
    reproductionRow({
      experiment,
      quantity: `BF16 memory per GPU on 8× H100 at TP8 (need vs ${gb(bf16OnH100.capacity)} usable)`,
      paper: null,
      nasSim: bf16OnH100.total / 1e9,
      unit: 'GB',
      setup: `TP8, one ${fullContext}-token sequence; weights ${gb(bf16OnH100.weights)}`,
      note: 'what BF16 needs per GPU; the model card gives systems, not bytes',
    }),
  ]
}

export const nemotron4: Reproduction = {
  id: 'nemotron4-340b',
  title: experiment,
  sources: ['Nemotron-4 340B model card, huggingface.co/nvidia/Nemotron-4-340B-Instruct (FP8 on one DGX H100; BF16 on 8× H200 or 16× H100)'],
  rows: nemotron4Rows,
  explainGap: () =>
    'Memory accounting: the rows use the default engine’s memory policy (the setup says whether the other profiles agree) and count RMSNorm weights only (Nemotron-4’s LayerNorm1p biases, 96 × 2 × 18,432 parameters, are left out); an engine that keeps a different share of memory back can move a borderline case either way.',
}
