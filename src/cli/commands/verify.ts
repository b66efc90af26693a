/** `nas-sim verify PROBLEM RESULT`: re-scores a search's child against the problem it exported, independently of the search. */
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { Data, Result, Schema } from 'effect'
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

/** The part of a search's result.json that verify reads. */
const ResultChild = Schema.Struct({
  child: Schema.Struct({
    layers: Schema.Array(Schema.Struct({ variant: Schema.String })),
    objective: Schema.Number,
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

/** A search's result.json (or the `--out` folder holding it) → the child it claims. */
export function claimedChild(text: string, file: string): Result.Result<ClaimedChild, InvalidInput> {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return Result.fail(new InvalidInput({ field: file, problem: 'not JSON; expected the result.json of nas-sim search' }))
  }
  const decoded = Schema.decodeUnknownResult(ResultChild)(json)
  if (Result.isFailure(decoded)) return Result.fail(invalidFromSchema(file, decoded.failure.message))
  const c = decoded.success.child
  return Result.succeed({ batches: c.scenarios.map((s) => s.child.batch), variants: c.layers.map((l) => l.variant), objective: c.objective })
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
    .argument('<result.json>', 'the search result (result.json, or the --out folder holding it)')
    .option('--json', 'print the check as JSON')
    .action(
      action((problemFile: string, resultArg: string, flags: { readonly json?: boolean }) => {
        const resultFile = isDirectory(resultArg) ? join(resultArg, 'result.json') : resultArg
        const exported = orThrow(parseProblemExport(readText(problemFile), problemFile))
        const child = orThrow(claimedChild(readText(resultFile), resultFile))
        const outcome = verifyChild(exported, child)
        if (outcome._tag === 'Failed') throw new VerificationFailed({ reason: outcome.reason })
        const v = outcome.verified
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({ ok: true, batches: v.batches, objective: v.objective, checks: v.lines }, null, 2)}\n`
            : `${[...v.lines, `ok: ${resultFile} is a feasible child of ${problemFile} with the objective it claims`].join('\n')}\n`,
        )
      }),
    )
}
