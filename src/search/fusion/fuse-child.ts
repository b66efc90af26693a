/**
 * The search move `--fuse-ffn`, by exact re-evaluation: the solver picks the
 * child over the unfused space as always; then every maximal run of
 * attention-free FFN layers in it is fused (blocks/ffn-fusion.ts) and the
 * fused child is costed again, exactly, by the cost model at the same batch,
 * and its quality is the child's plus each fused run's score. The numbers a
 * result reports are the fused architecture's own, not an estimate; what is
 * not claimed is optimality over fused children: the solver never saw
 * fusion's gain, so a child that fuses better but scores worse unfused is not
 * considered (README "FFN Fusion").
 */
import type { Architecture } from '../../blocks/architecture.ts'
import { fuseMaximalRuns, fusedFfn, fusedRunId, type FusedRun } from '../../blocks/ffn-fusion.ts'
import { architectureCost } from '../../serving/architecture-cost.ts'
import type { ServingDeployment } from '../../serving/serving-deployment.ts'
import { priorFusionKl } from '../quality/fusion-prior.ts'
import type { Metrics, QualityModel, ScoredBlock } from '../quality/types.ts'
import type { ChildArchitecture, ScenarioOutcome } from '../pipeline/result.ts'

/** One fused run of a child. */
export interface FusedRunReport {
  /** `fuse:FIRST-LAST`, the id its score row uses. */
  readonly id: string
  readonly first: number
  readonly last: number
  /** FFNs the run joins. */
  readonly ffns: number
  /** The fused FFN's intermediate width (the sum of the parts'). */
  readonly intermediate: number
  /** The run's quality loss, added to the child's per-layer scores. */
  readonly metrics: Metrics
  /** True when the built-in prior gave the loss (no `fuse:` score row). */
  readonly fromPrior: boolean
}

/** How a child was fused, and what the solver's unfused child scored, so that the two can be compared. */
export interface FusionReport {
  /**
   * `re-evaluated`: the solver chose the unfused child; its maximal runs were fused afterwards and the fused child
   * costed exactly by the cost model. The fused child is not proven optimal over fused children.
   */
  readonly method: 're-evaluated'
  readonly runs: readonly FusedRunReport[]
  /** The solver's child before fusion. */
  readonly unfused: {
    readonly architecture: Architecture
    readonly params: number
    readonly metrics: Readonly<Record<string, number>>
    readonly objective: number
    readonly scenarios: readonly ScenarioOutcome[]
  }
}

/** What re-evaluation needs of a search: where the child runs, how quality is scored and weighed. */
export interface FusionContext {
  readonly deployment: ServingDeployment
  readonly quality: QualityModel
  readonly objective: Readonly<Record<string, number>>
  /** The most FFNs one fused run may join; every maximal run whole when absent. */
  readonly maxFfns?: number
}

function runScore(quality: QualityModel, run: FusedRun, child: Architecture): ScoredBlock {
  return quality.fusedRun?.(run, child) ?? { metrics: { kl_div: priorFusionKl(child, run) }, fromPrior: true }
}

/** The child with every maximal FFN run fused and re-evaluated; the child itself when it has no run. */
export function fuseChild(child: ChildArchitecture, ctx: FusionContext): ChildArchitecture {
  const unfused = child.architecture
  const { architecture, runs } = fuseMaximalRuns(unfused, ctx.maxFfns)
  if (runs.length === 0) return child
  const reports: FusedRunReport[] = runs.map((run) => {
    const score = runScore(ctx.quality, run, unfused)
    const ffns = unfused.layers.slice(run.first, run.last + 1).filter((l) => l.ffn.type === 'ffn').length
    return { id: fusedRunId(run), first: run.first, last: run.last, ffns, intermediate: fusedFfn(unfused, run).intermediate, metrics: score.metrics, fromPrior: score.fromPrior }
  })
  const metrics: Record<string, number> = { ...child.metrics }
  for (const r of reports) for (const [m, v] of Object.entries(r.metrics)) metrics[m] = (metrics[m] ?? 0) + v
  const objective = Object.entries(ctx.objective).reduce((s, [m, w]) => s + w * (metrics[m] ?? 0), 0)
  const scenarios = child.scenarios.map((s): ScenarioOutcome => {
    const cost = architectureCost(architecture, { input: s.input, output: s.output, batch: s.child.batch }, ctx.deployment)
    return {
      ...s,
      child: { batch: s.child.batch, metrics: cost.metrics, memory: cost.memory },
      speedup: s.parent === undefined ? undefined : cost.metrics.outputTokensPerSecondPerGpu / s.parent.metrics.outputTokensPerSecondPerGpu,
    }
  })
  const first = child.scenarios[0]!
  return {
    ...child,
    architecture: { ...architecture, name: `${unfused.name}-fused` },
    layers: child.layers.map((l, i) => ({ ...l, mixer: architecture.layers[i]!.mixer, ffn: architecture.layers[i]!.ffn })),
    params: architectureCost(architecture, { input: first.input, output: first.output, batch: first.child.batch }, ctx.deployment).params,
    metrics,
    objective,
    scenarios,
    fusion: {
      method: 're-evaluated',
      runs: reports,
      unfused: { architecture: unfused, params: child.params, metrics: child.metrics, objective: child.objective, scenarios: child.scenarios },
    },
  }
}
