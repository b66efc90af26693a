/**
 * nas-sim's own Puzzle search from Llama-3.1-70B / Llama-3.3-70B, with the
 * built-in quality prior, compared layer by layer with the published children
 * (Nemotron-51B and Llama-3.3-Nemotron-Super-49B).
 *
 * Two searches per published child, both on one H100 in FP8 at 128/1024:
 * - Puzzle's constraints: at least 5,500 tokens/s per GPU at batch 256 (the
 *   target the Puzzle paper names for Nemotron-51B) and fitting in memory. The
 *   49B's own constraints are not published; it gets the same ones.
 * - Matched cost: the published child's own nas-sim throughput and batch on one
 *   H100 as the target, so the search spends the same budget and any
 *   difference in where it spends it comes from the quality scores.
 *
 * How much comes from the prior: every layer of a Llama-70B costs the same in
 * nas-sim, so *where* the search drops attention or shrinks an FFN is decided by
 * the prior alone (its layer-position rules); *how much* it drops is decided by
 * the budget and the prior's block scales. The rows set the observed agreement
 * beside the agreement that the same counts placed at random would reach.
 */
import { servingDeployment } from '../../src/serving/serving-deployment.ts'
import { engines } from '../../src/serving/engine.ts'
import * as Effect from 'effect/Effect'
import type { Architecture } from '../../src/blocks/architecture.ts'
import { architectureParams } from '../../src/blocks/architecture-params.ts'
import { deployment } from '../../src/cost-model/deployment.ts'
import { systems } from '../../src/cost-model/hardware/system.ts'
import { priorQuality } from '../../src/search/quality/prior.ts'
import type { SearchRequest } from '../../src/search/pipeline/request.ts'
import { runSearch } from '../../src/search/pipeline/run-search.ts'
import { puzzleSpace } from '../../src/search/space/puzzle.ts'
import { datasheet } from './efficiency-models.ts'
import { compareLayers, ffnAgreementTolerance } from './layer-comparison.ts'
import { fromConfig, preset } from './models.ts'
import { nemotron51bConfig, nemotron51bPublishedParams } from './nemotron-51b.ts'
import { fp8Everywhere } from './precisions.ts'
import { reproductionRow, type Reproduction, type ReproductionRow } from './row.ts'
import { serve } from './serve.ts'

const experiment = 'nas-sim search vs the published children, layer by layer (built-in prior)'

/** Puzzle's target for Nemotron-51B: 5,500 tokens/s per GPU on one H100 (Puzzle paper, arXiv:2411.19146). */
const puzzleTarget = 5500
/** The batch the paper runs Nemotron-51B at (reference README, "Published results"). */
const puzzleBatch = 256
const input = 128
const output = 1024

/** Llama-3.3-Nemotron-Super-49B: 49.867 B parameters (../shared/reference/README.md, from its config). */
const super49bParams = 49.867e9

interface Published {
  readonly name: string
  readonly parent: Architecture
  readonly child: Architecture
  readonly params: number
}

type SearchKind = 'Puzzle constraints' | 'matched cost'

/**
 * The paper's target (5,500 tokens/s at batch 256 on one H100) is a rate on its engine, TensorRT-LLM with in-flight
 * batching and at most 256 sequences in flight; the search prices children the same way (the Puzzle reproduction
 * puts Nemotron-51B within a few percent of its published rate there).
 */
const searchDeployment = servingDeployment(deployment(systems['h100-sxm'], fp8Everywhere, { tp: 1, efficiency: datasheet.model }), {
  engine: engines.trtllm,
  batching: 'inflight',
})

function request(parent: Architecture, batch: number, tokensPerSecondPerGpu: number): SearchRequest {
  return {
    parent,
    deployment: searchDeployment,
    scenarios: [{ input, output, batch }],
    target: { kind: 'throughput', tokensPerSecondPerGpu },
    space: puzzleSpace(parent),
    quality: priorQuality,
  }
}

/** The prior's total KL of an architecture that is a child of `parent` in Puzzle's space terms (any blocks). */
function priorKlOf(child: Architecture, parent: Architecture): number {
  let total = 0
  child.layers.forEach((layer, l) => {
    const menuMixer = { id: 'x', spec: layer.mixer }
    const menuFfn = { id: 'x', spec: layer.ffn }
    total += priorQuality.score(l, parent.layers[l]!, menuMixer, menuFfn, parent.layers.length).metrics.kl_div ?? 0
  })
  return total
}

async function searchRows(p: Published, kind: SearchKind): Promise<ReproductionRow[]> {
  const one = systems['h100-sxm']
  let batch = puzzleBatch
  let target = puzzleTarget
  if (kind === 'matched cost') {
    const own = serve(p.child, { system: one, precision: fp8Everywhere, input, output, tp: 1, efficiency: datasheet.model, engine: engines.trtllm, batching: 'inflight' }).best
    if (own === undefined) throw new Error(`${p.name} does not fit on one H100`)
    batch = own.batch
    target = own.tokensPerSecondPerGpu
  }
  const constraint = `one H100, FP8, ${input}/${output}, ${batch} in flight (TensorRT-LLM, in-flight batching), ≥ ${target.toFixed(0)} tokens/s/GPU, fits in memory; ${datasheet.label}`
  const quantity = (what: string) => `${p.name}, ${kind}: ${what}`
  const outcome = await Effect.runPromise(Effect.result(runSearch(request(p.parent, batch, target))))
  if (outcome._tag === 'Failure') {
    return [
      reproductionRow({
        experiment,
        quantity: quantity('parameters of the searched child'),
        paper: p.params,
        nasSim: null,
        unit: 'parameters',
        setup: constraint,
        note: `the search found no child: ${outcome.failure.message}`,
      }),
    ]
  }
  const child = outcome.success.child.architecture
  const c = compareLayers(child, p.child, p.parent)
  const priorNote = `prior KL (nats): searched child ${priorKlOf(child, p.parent).toFixed(3)}, ${p.name} ${priorKlOf(p.child, p.parent).toFixed(3)}`
  const setup = `${constraint}; child drops attention in layers ${c.droppedA}; ${p.name} in ${c.droppedB}`
  return [
    reproductionRow({ experiment, quantity: quantity('parameters of the searched child'), paper: p.params, nasSim: architectureParams(child), unit: 'parameters', setup: constraint, note: priorNote }),
    reproductionRow({ experiment, quantity: quantity('layers keeping attention'), paper: c.attentionB, nasSim: c.attentionA, unit: `layers of ${c.layers}`, setup, note: `published count from the ${p.name} config` }),
    reproductionRow({
      experiment,
      quantity: quantity('layers where attention is kept or dropped alike'),
      paper: 1,
      nasSim: c.attentionAgreement,
      unit: 'share of layers (1 = all)',
      setup,
      note: `${(c.attentionAgreementByChance * 100).toFixed(0)}% would agree by chance with the same counts placed at random`,
    }),
    reproductionRow({
      experiment,
      quantity: quantity(`layers whose FFN width agrees within ${ffnAgreementTolerance * 100}% of the parent's`),
      paper: 1,
      nasSim: c.ffnAgreement,
      unit: 'share of layers (1 = all)',
      setup: constraint,
      note: 'linear and no-op FFNs count as width 0',
    }),
    reproductionRow({
      experiment,
      quantity: quantity("mean FFN width, share of the parent's"),
      paper: c.meanFfnB,
      nasSim: c.meanFfnA,
      unit: 'share',
      setup: constraint,
      note: `published mean from the ${p.name} config`,
    }),
  ]
}

export async function searchChildrenRows(): Promise<readonly ReproductionRow[]> {
  const published: readonly Published[] = [
    { name: 'Nemotron-51B', parent: preset('llama-3.1-70b'), child: fromConfig(nemotron51bConfig, 'Nemotron-51B'), params: nemotron51bPublishedParams },
    { name: 'Super-49B', parent: preset('llama-3.3-70b'), child: preset('llama-3.3-nemotron-super-49b'), params: super49bParams },
  ]
  const rows: ReproductionRow[] = []
  for (const p of published) for (const kind of ['Puzzle constraints', 'matched cost'] as const) rows.push(...(await searchRows(p, kind)))
  return rows
}

/** The published child's own nas-sim rate, which the matched-cost rows of the same child use as their target. */
function ownRate(row: ReproductionRow, rows: readonly ReproductionRow[]): number | undefined {
  const name = row.quantity.split(',')[0]!
  const matched = rows.find((r) => r.quantity.startsWith(`${name}, matched cost`))
  const m = matched === undefined ? null : /≥ (\d+) tokens\/s\/GPU/.exec(matched.setup)
  return m === null ? undefined : Number(m[1])
}

function explainSearchGap(row: ReproductionRow, rows: readonly ReproductionRow[]): string {
  if (row.nasSim === null) return 'The search found no child that meets the constraints in nas-sim’s cost model; the note gives the nearest value it reached.'
  if (row.quantity.includes('kept or dropped alike') || row.quantity.includes('layers keeping attention'))
    return 'The quality prior. Every layer of a Llama-70B costs the same in nas-sim, so where the search drops attention is decided by the prior alone: its rule that attention matters less the later the layer (Puzzle’s children drop it mostly in the second half) makes it drop attention in the last stretch before the protected final layers, whereas the published children drop it in the middle-to-late layers (roughly 40–70) and keep it at the very end, a pattern only measured replace-1-block scores reveal. How many layers drop attention is set by the budget and the prior’s block scales (a KV-head halving, a linear layer and a no-op cost 0.002, 0.012 and 0.015 nats at weight 1, our guesses); where the counts differ, so do those scales from Puzzle’s measured ones. The agreement beyond chance (see the note) is all the prior’s positional rules contribute.'
  if (row.quantity.includes('Puzzle constraints') && (row.quantity.includes('parameters') || row.quantity.includes('mean FFN width')))
  {
    const own = ownRate(row, rows)
    const room =
      own === undefined
        ? ''
        : own > puzzleTarget
          ? ` nas-sim prices the published child itself at ${own.toLocaleString('en-US')} tokens/s/GPU in this setting, ${Math.round((own / puzzleTarget - 1) * 100)}% above the 5,500 target, so a child that only has to reach 5,500 can keep more parameters, attention and FFN width; the published child went further than the target required${row.quantity.startsWith('Nemotron-51B') ? ' (NVIDIA’s blog measures it at 6,472 on this setting)' : ''}, which a search held to the target does not.`
          : ` nas-sim prices the published child itself at ${own.toLocaleString('en-US')} tokens/s/GPU in this setting, below the 5,500 target, so nas-sim’s costs are pessimistic here.`
    return `The target, more than the prior. Under Puzzle’s constraints the child must reach 5,500 tokens/s/GPU with 256 sequences in flight under TensorRT-LLM and hold their KV reservations in memory.${room} The matched-cost search, whose target is the published child’s own nas-sim rate, comes much closer to the published size and mean FFN width (see its rows).`
  }
  if (row.quantity.includes('FFN') || row.quantity.includes('parameters'))
    return 'The quality prior’s FFN scale. The prior charges a narrower FFN (1 − fraction)^1.5 × 0.03 nats at weight 1 (our guess), so under the same budget it prefers shaving every FFN a little over cutting some deeply; Puzzle’s measured scores let the published children keep most FFNs whole and cut a stretch of middle-to-late layers to 10–50%. The cost model is the same for both, so this disagreement, and the different parameter count it leads to, comes from the prior, not from nas-sim’s costs.'
  return 'The quality prior (see above).'
}

export const searchChildren: Reproduction = {
  id: 'search-children',
  title: experiment,
  sources: [
    'Puzzle paper, arXiv:2411.19146: the 54-variant search space and the 5,500 tokens/s target on one H100 for Nemotron-51B',
    'Nemotron-51B blocks (experiments/reproductions/nemotron-51b.ts) and the Llama-3.3-Nemotron-Super-49B config (../shared/reference/models/llama3.3_nemotron_super_49b.config.json)',
    'nas-sim’s search (src/search) with its built-in prior (src/search/quality/prior.ts), which is not measured',
  ],
  rows: searchChildrenRows,
  explainGap: explainSearchGap,
}
