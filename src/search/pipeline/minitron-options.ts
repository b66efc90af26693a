/**
 * The Minitron space's inputs: a grid file (`--space FILE.json` whose top level
 * is `{"minitron": {...}}`) and per-axis scores (`--scores`), decoded once here.
 *
 * Grid file: `{"minitron": {"hidden": [4096, 3584, 3072], "ffn": [21504, 16384, 12288],
 * "mambaGroups": [8], "mambaHeadsPerGroup": [16, 14, 12], "mambaHeadDim": [64], "depth": true}}`.
 * Every key is optional; an axis left out takes the default grid's values, and
 * `depth: false` keeps every layer. Each axis must include the parent's value.
 */
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import type { Architecture } from '../../blocks/architecture.ts'
import { FileError, InvalidInput, invalidFromSchema } from '../../errors.ts'
import { depthQuality, measuredWidthQuality, parseAxisScores, priorWidthQuality } from '../quality/minitron-quality.ts'
import type { QualityModel } from '../quality/types.ts'
import { defaultMinitronGrid, parentWidths, type MinitronGrid, type MinitronPlan } from '../space/minitron.ts'

const Widths = Schema.Array(Schema.Int.check(Schema.isGreaterThan(0)))

export const MinitronGridSchema = Schema.Struct({
  minitron: Schema.Struct({
    hidden: Schema.optionalKey(Widths),
    ffn: Schema.optionalKey(Widths),
    mambaGroups: Schema.optionalKey(Widths),
    mambaHeadsPerGroup: Schema.optionalKey(Widths),
    mambaHeadDim: Schema.optionalKey(Widths),
    depth: Schema.optionalKey(Schema.Boolean),
  }),
})

/** The grid a space file gives, or undefined when the file is not a Minitron grid (no `minitron` key). */
export function minitronGridFile(name: string, parent: Architecture, json: unknown): Result.Result<MinitronGrid | undefined, InvalidInput> {
  if (json === null || typeof json !== 'object' || !('minitron' in json)) return Result.succeed(undefined)
  const decoded = Schema.decodeUnknownResult(MinitronGridSchema)(json)
  if (Result.isFailure(decoded)) return Result.fail(invalidFromSchema(name, decoded.failure.message))
  return Result.map(parentWidths(parent), (widths) => {
    const g = decoded.success.minitron
    const d = defaultMinitronGrid(widths)
    return {
      hidden: g.hidden ?? d.hidden,
      ffn: g.ffn ?? d.ffn,
      mambaGroups: g.mambaGroups ?? d.mambaGroups,
      mambaHeadsPerGroup: g.mambaHeadsPerGroup ?? d.mambaHeadsPerGroup,
      mambaHeadDim: g.mambaHeadDim ?? d.mambaHeadDim,
      depth: g.depth ?? d.depth,
    }
  })
}

/** The Minitron space's quality: the prior, or the per-axis scores file checked against the grid. */
export function minitronQualityOf(
  scores: string | undefined,
  parent: Architecture,
  plan: MinitronPlan,
  readText: (path: string, what: string) => Effect.Effect<string, FileError>,
): Effect.Effect<QualityModel, InvalidInput | FileError> {
  return Effect.gen(function* () {
    if (scores === undefined) {
      const widths = priorWidthQuality(parent, plan)
      return { ...depthQuality(widths), minitron: widths }
    }
    const text = yield* readText(scores, 'scores')
    const table = yield* Effect.fromResult(parseAxisScores(text, scores))
    const widths = yield* Effect.fromResult(measuredWidthQuality(table, parent, plan))
    return { ...depthQuality(widths), minitron: widths }
  })
}
