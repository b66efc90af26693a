/**
 * The frontier of a space with whole-model settings (the hymba space): each
 * setting's frontier is traced exactly, its setting's loss already in every
 * point, and the union is cut back to the points no other point dominates (at
 * least as fast and at most as lossy, one of them strictly). A point of the
 * union is beaten only by points of the union, so this is the exact frontier
 * of the whole space over the concurrencies traced.
 */
import { Effect } from 'effect'
import type { WholeModelSetting, SearchSpace } from '../space/types.ts'
import type { FrontierPointResult, FrontierResult } from './run-frontier.ts'

/** Metrics summed by name. */
export function addMetrics(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const total: Record<string, number> = { ...a }
  for (const [k, v] of Object.entries(b)) total[k] = (total[k] ?? 0) + v
  return total
}

/** The points no other point beats, by throughput ascending (so the objective rises strictly along them). */
export function nondominated(points: readonly FrontierPointResult[]): FrontierPointResult[] {
  const byLoss = [...points].sort((a, b) => a.objective - b.objective || b.tokensPerSecondPerGpu - a.tokensPerSecondPerGpu)
  const kept: FrontierPointResult[] = []
  for (const p of byLoss) if (kept.length === 0 || p.tokensPerSecondPerGpu > kept[kept.length - 1]!.tokensPerSecondPerGpu) kept.push(p)
  return kept
}

/** Traces `frontier` under every setting and merges the frontiers; a setting whose frontier is empty adds nothing. */
export function frontierOverSettings<E>(
  settings: readonly WholeModelSetting[],
  frontier: (space: SearchSpace, settingLoss: Readonly<Record<string, number>>) => Effect.Effect<FrontierResult, E>,
): Effect.Effect<FrontierResult, E> {
  return Effect.gen(function* () {
    const results: FrontierResult[] = []
    for (const setting of settings) results.push(yield* frontier(setting.space, setting.metrics))
    const first = results[0]!
    const points = nondominated(results.flatMap((r) => r.points))
    const sampled = results.filter((r) => r.completeness === 'sampled')
    const source = first.quality.source
    // The settings' own losses (meta tokens) come from the prior, so measured block scores make a mixed source.
    const quality =
      source.kind === 'measured' && settings.some((x) => Object.values(x.metrics).some((v) => v !== 0))
        ? { ...first.quality, source: { kind: 'mixed' as const, description: `${source.description}; the whole-model settings (meta tokens) from the built-in prior (not measured)` } }
        : first.quality
    const { note: _firstNote, ...rest } = first
    return {
      ...rest,
      points,
      quality,
      completeness: sampled.length === 0 ? 'exact' : 'sampled',
      ...(sampled.length === 0 ? {} : { note: `in ${sampled.length} of ${settings.length} whole-model settings: ${sampled.map((r) => r.note).join('; ')}` }),
      // Points each setting's own cut left out; points of one setting beaten by another's are not counted.
      cut: { ...first.cut, dropped: results.reduce((n, r) => n + r.cut.dropped, 0) },
      states: results.reduce((n, r) => n + r.states, 0),
      seconds: results.reduce((n, r) => n + r.seconds, 0),
    } satisfies FrontierResult
  })
}
