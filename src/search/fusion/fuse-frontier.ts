/**
 * `pareto --fuse-ffn`: each point of the unfused frontier fused and
 * re-evaluated exactly at its batch (fuse-child.ts), then the points no other
 * fused point beats. It is the frontier of the fused unfused-optimal children,
 * not the exact frontier over all fused children (README "FFN Fusion").
 */
import type { Architecture } from '../../blocks/architecture.ts'
import { fuseMaximalRuns } from '../../blocks/ffn-fusion.ts'
import { architectureCost } from '../../serving/architecture-cost.ts'
import type { FrontierPointResult } from '../pipeline/run-frontier.ts'
import { priorFusionKl } from '../quality/fusion-prior.ts'
import type { FusionContext } from './fuse-child.ts'

/** What a fused frontier point keeps of the solver's point, so that `verify` can re-score it. */
export interface FusedPointInfo {
  readonly runs: readonly string[]
  readonly unfused: { readonly tokensPerSecondPerGpu: number; readonly objective: number; readonly metrics: Readonly<Record<string, number>>; readonly params: number }
}

/** One point fused at its batch; the point itself when its child has no run. */
export function fusePoint(point: FrontierPointResult, child: Architecture, input: number, output: number, parentThroughput: number | undefined, ctx: FusionContext): FrontierPointResult {
  const { architecture, runs } = fuseMaximalRuns(child, ctx.maxFfns)
  if (runs.length === 0) return point
  const metrics: Record<string, number> = { ...point.metrics }
  for (const run of runs) {
    const score = ctx.quality.fusedRun?.(run, child) ?? { metrics: { kl_div: priorFusionKl(child, run) }, fromPrior: true }
    for (const [m, v] of Object.entries(score.metrics)) metrics[m] = (metrics[m] ?? 0) + v
  }
  const cost = architectureCost(architecture, { input, output, batch: point.batch }, ctx.deployment)
  const throughput = cost.metrics.outputTokensPerSecondPerGpu
  return {
    ...point,
    tokensPerSecondPerGpu: throughput,
    speedup: parentThroughput === undefined ? undefined : throughput / parentThroughput,
    objective: Object.entries(ctx.objective).reduce((s, [m, w]) => s + w * (metrics[m] ?? 0), 0),
    metrics,
    params: cost.params,
    fusion: {
      runs: runs.map((r) => `fuse:${r.first}-${r.last}`),
      unfused: { tokensPerSecondPerGpu: point.tokensPerSecondPerGpu, objective: point.objective, metrics: point.metrics, params: point.params },
    },
  }
}

/** The points no other beats in both throughput and objective, by throughput ascending (objective then rises strictly). */
export function nondominated(points: readonly FrontierPointResult[]): FrontierPointResult[] {
  const byThroughputDesc = [...points].sort((a, b) => b.tokensPerSecondPerGpu - a.tokensPerSecondPerGpu || a.objective - b.objective)
  const kept: FrontierPointResult[] = []
  let best = Infinity
  for (const p of byThroughputDesc) {
    if (p.objective < best) {
      kept.push(p)
      best = p.objective
    }
  }
  return kept.reverse()
}
