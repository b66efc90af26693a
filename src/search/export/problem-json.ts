/**
 * The exported problem (`--export-problem`): exactly what the solver saw, one
 * entry per batch plan, so that another solver or a reviewer can rebuild and
 * check a search without nas-sim's internals. Versioned: a reader refuses a
 * kind or version it does not know instead of misreading it.
 *
 * Schema, version 1:
 * `{ kind: "nas-sim/problem", version: 1, budgetTolerance, note?, plans: [{ batches, problem }] }`
 * where `problem` is a {@link SearchProblem}: `layers[l].variants[v]` with `id`,
 * `costs` (budget dimensions, e.g. `runtime@0` in seconds, `memory@0` in bytes),
 * `metrics` (quality losses) and `tags`; `objective` (metric weights);
 * `budgets` (`Σ ≤ max`, base costs included for cost dimensions);
 * `constraints` (fixed / allowed / atLeastTagged); `baseCosts`.
 */
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import { invalidFromSchema, InvalidInput } from '../../errors.ts'
import { budgetTolerance } from '../evaluate.ts'
import type { SearchProblem } from '../problem.ts'

export const problemKind = 'nas-sim/problem'
export const problemVersion = 1

/** One batch plan: the batch of each scenario, and the problem solved there. */
export interface ProblemPlan {
  readonly batches: readonly number[]
  readonly problem: SearchProblem
}

export interface ProblemExport {
  readonly kind: typeof problemKind
  readonly version: typeof problemVersion
  /** Budgets hold to this relative slack (`max · (1 + tolerance)`), as in the solver. */
  readonly budgetTolerance: number
  /** What the plans mean, e.g. that a frontier traces runtime instead of bounding it. */
  readonly note?: string
  readonly plans: readonly ProblemPlan[]
}

/** The export of every plan built, one per distinct batch plan (the first kept), in batch order. */
export function problemExport(plans: readonly ProblemPlan[], note?: string): ProblemExport {
  const byBatches = new Map<string, ProblemPlan>()
  for (const p of plans) {
    const key = p.batches.join('/')
    if (!byBatches.has(key)) byBatches.set(key, { batches: [...p.batches], problem: p.problem })
  }
  const sorted = [...byBatches.values()].sort((a, b) => {
    for (let i = 0; i < Math.min(a.batches.length, b.batches.length); i++) if (a.batches[i] !== b.batches[i]) return a.batches[i]! - b.batches[i]!
    return a.batches.length - b.batches.length
  })
  return { kind: problemKind, version: problemVersion, budgetTolerance, ...(note === undefined ? {} : { note }), plans: sorted }
}

export function problemJson(exported: ProblemExport): string {
  return `${JSON.stringify(exported, null, 2)}\n`
}

const Quantities = Schema.Record(Schema.String, Schema.Number)
const VariantSchema = Schema.Struct({
  id: Schema.String,
  costs: Quantities,
  metrics: Quantities,
  tags: Schema.optionalKey(Schema.Array(Schema.String)),
})
const Constraint = Schema.Union([
  Schema.Struct({ type: Schema.Literal('fixed'), layer: Schema.Int, variant: Schema.String }),
  Schema.Struct({ type: Schema.Literal('allowed'), layer: Schema.Int, variants: Schema.Array(Schema.String) }),
  Schema.Struct({ type: Schema.Literal('atLeastTagged'), tag: Schema.String, count: Schema.Int }),
])
const ProblemSchema = Schema.Struct({
  layers: Schema.Array(Schema.Struct({ variants: Schema.Array(VariantSchema) })),
  objective: Quantities,
  budgets: Schema.Array(Schema.Struct({ kind: Schema.Literals(['cost', 'metric']), name: Schema.String, max: Schema.Number })),
  constraints: Schema.Array(Constraint),
  baseCosts: Schema.optionalKey(Quantities),
})
const ExportSchema = Schema.Struct({
  kind: Schema.Literal(problemKind),
  version: Schema.Literal(problemVersion),
  budgetTolerance: Schema.Number,
  note: Schema.optionalKey(Schema.String),
  plans: Schema.Array(Schema.Struct({ batches: Schema.Array(Schema.Int), problem: ProblemSchema })),
})

/** An exported problem's text, decoded; one-line errors name the file and the field. */
export function parseProblemExport(text: string, file: string): Result.Result<ProblemExport, InvalidInput> {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return Result.fail(new InvalidInput({ field: file, problem: `not JSON (${e instanceof Error ? e.message : String(e)}); expected a file written by --export-problem` }))
  }
  const kind = (json as { kind?: unknown } | null)?.kind
  if (kind !== problemKind) return Result.fail(new InvalidInput({ field: file, problem: `kind is ${JSON.stringify(kind)}, expected "${problemKind}" (a file written by --export-problem)` }))
  const decoded = Schema.decodeUnknownResult(ExportSchema)(json)
  if (Result.isFailure(decoded)) return Result.fail(invalidFromSchema(file, decoded.failure.message))
  return Result.succeed(decoded.success)
}
