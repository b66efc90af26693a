/** `nas-sim verify PROBLEM RESULT`: re-scores a search's child against the problem it exported, independently of the search. */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import * as Data from 'effect/Data'
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import { FileError, InvalidInput, fileProblem, invalidFromSchema } from '../../errors.ts'
import { parseProblemExport } from '../../search/export/problem-json.ts'
import { verifyChild, type ClaimedChild } from '../../search/export/verify.ts'
import { orThrow } from '../parse.ts'
import { action } from '../run-action.ts'

/** The child fails a check; a user-facing error (one line, exit 2), since the input is what is wrong. */
export class VerificationFailed extends Data.TaggedError('VerificationFailed')<{ readonly reason: string }> {
  override get message(): string {
    return `verify failed: ${this.reason}`
  }
}

/** With --fuse-ffn the solver's own (unfused) objective, which the exported problem scores, is kept here. */
const Fusion = Schema.optionalKey(Schema.Struct({ unfused: Schema.Struct({ objective: Schema.Number }) }))

/** The part of a search's result.json that verify reads. */
const ResultChild = Schema.Struct({
  child: Schema.Struct({
    layers: Schema.Array(Schema.Struct({ variant: Schema.String })),
    objective: Schema.Number,
    fusion: Fusion,
    scenarios: Schema.Array(Schema.Struct({ child: Schema.Struct({ batch: Schema.Int }) })),
  }),
})

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    throw new FileError({ path, problem: `cannot read: ${fileProblem(e)}` })
  }
}

/** The part of a pareto frontier.json that verify reads. */
const FrontierPoints = Schema.Struct({
  kind: Schema.Literal('nas-sim/frontier'),
  points: Schema.Array(Schema.Struct({ batch: Schema.Int, variants: Schema.Array(Schema.String), objective: Schema.Number, fusion: Fusion })),
})

/** A child to check, with how to name it in a failure. */
export interface LabelledChild {
  readonly label: string
  readonly child: ClaimedChild
}

/** A search's result.json (its child) or a pareto frontier.json (every point) → the children they claim. */
export function claimedChildren(text: string, file: string): Result.Result<readonly LabelledChild[], InvalidInput> {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return Result.fail(new InvalidInput({ field: file, problem: 'not JSON; expected the result.json of nas-sim search or the frontier.json of nas-sim pareto' }))
  }
  if ((json as { kind?: unknown } | null)?.kind === 'nas-sim/frontier') {
    const decoded = Schema.decodeUnknownResult(FrontierPoints)(json)
    if (Result.isFailure(decoded)) return Result.fail(invalidFromSchema(file, decoded.failure.message))
    return Result.succeed(decoded.success.points.map((p, i) => ({ label: `point ${i + 1} (batch ${p.batch})`, child: { batches: [p.batch], variants: p.variants, objective: p.fusion?.unfused.objective ?? p.objective } })))
  }
  const decoded = Schema.decodeUnknownResult(ResultChild)(json)
  if (Result.isFailure(decoded)) return Result.fail(invalidFromSchema(file, decoded.failure.message))
  const c = decoded.success.child
  return Result.succeed([{ label: 'the child', child: { batches: c.scenarios.map((s) => s.child.batch), variants: c.layers.map((l) => l.variant), objective: c.fusion?.unfused.objective ?? c.objective } }])
}

const isDirectory = (path: string) => {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('re-score a search child against an exported problem (--export-problem): one allowed variant per layer, every budget and constraint met, the objective recomputed; exit 2 when it fails')
    .argument('<problem.json>', 'the problem written by search --export-problem')
    .argument('<result.json>', 'the search result (result.json), a pareto frontier.json (every point is checked), or the --out folder holding either')
    .option('--json', 'print the check as JSON')
    .action(
      action((problemFile: string, resultArg: string, flags: { readonly json?: boolean }) => {
        const resultFile = isDirectory(resultArg) ? join(resultArg, existsSync(join(resultArg, 'result.json')) ? 'result.json' : 'frontier.json') : resultArg
        const exported = orThrow(parseProblemExport(readText(problemFile), problemFile))
        const children = orThrow(claimedChildren(readText(resultFile), resultFile))
        const verified = children.map(({ label, child }) => {
          const outcome = verifyChild(exported, child)
          if (outcome._tag === 'Failed') throw new VerificationFailed({ reason: children.length === 1 ? outcome.reason : `${label}: ${outcome.reason}` })
          return outcome.verified
        })
        if (flags.json) {
          const checks = verified.map((v) => ({ batches: v.batches, objective: v.objective, checks: v.lines }))
          process.stdout.write(`${JSON.stringify({ ok: true, ...(checks.length === 1 ? checks[0] : { points: checks }) }, null, 2)}\n`)
          return
        }
        const lines =
          verified.length === 1
            ? [...verified[0]!.lines, `ok: ${resultFile} is a feasible child of ${problemFile} with the objective it claims`]
            : [`ok: all ${verified.length} points of ${resultFile} are feasible children of ${problemFile} with the objectives they claim (batches ${[...new Set(verified.map((v) => v.batches.join('/')))].join(', ')})`]
        process.stdout.write(`${lines.join('\n')}\n`)
      }),
    )
}
