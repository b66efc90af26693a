/**
 * The frontier of a space with whole-model settings (the hymba space): each
 * setting's frontier is traced exactly, its setting's loss already in every
 * point, and the union is cut back to the points no other point dominates (at
 * least as fast and at most as lossy, one of them strictly). A point of the
 * union is beaten only by points of the union, so this is the exact frontier
 * of the whole space over the concurrencies traced.
 */
import * as Effect from 'effect/Effect'
import type { WholeModelSetting, SearchSpace } from '../space/types.ts'
import { nondominated } from '../fusion/fuse-frontier.ts'
import type { FrontierResult } from './run-frontier.ts'

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
    // Each setting's notes (a sampled batch, the fusion method), once each.
    const notes = [...new Set(results.flatMap((r) => (r.note === undefined ? [] : [r.note])))]
    return {
      ...rest,
      points,
      quality,
      completeness: sampled.length === 0 ? 'exact' : 'sampled',
      ...(notes.length === 0 ? {} : { note: notes.join(' ') }),
      // Points each setting's own cut left out; points of one setting beaten by another's are not counted.
      cut: { ...first.cut, dropped: results.reduce((n, r) => n + r.cut.dropped, 0) },
      states: results.reduce((n, r) => n + r.states, 0),
      seconds: results.reduce((n, r) => n + r.seconds, 0),
    } satisfies FrontierResult
  })
}
