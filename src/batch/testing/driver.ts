import * as Effect from 'effect/Effect'
import { interruptOnSigint } from '../interrupt.ts'
import { batchSummaryLine } from '../report.ts'
import { batchOutcome, runBatch } from '../runner.ts'
import { parseShard } from '../shard.ts'
import { loadBatchSpec } from '../spec.ts'

/**
 * A minimal command line over the batch library, for tests that run a batch
 * in a child process and kill it: `driver.ts <spec> <out> <job-module>
 * [--workers N] [--resume] [--retry-failed] [--shard i/n]`. Exit status as the CLI's: 0
 * all ok, 3 some jobs failed, 130 interrupted, 2 a one-line error.
 */

const [specFile, out, jobModule, ...flags] = process.argv.slice(2)
if (specFile === undefined || out === undefined || jobModule === undefined) {
  process.stderr.write('usage: driver.ts <spec> <out> <job-module> [--workers N] [--resume] [--retry-failed] [--shard i/n]\n')
  process.exit(2)
}
const flagValue = (name: string): string | undefined => {
  const at = flags.indexOf(name)
  return at === -1 ? undefined : flags[at + 1]
}
const workers = flagValue('--workers')
const shardText = flagValue('--shard')
const signals = interruptOnSigint()

const program = Effect.gen(function* () {
  const spec = yield* loadBatchSpec(specFile)
  const shard = shardText === undefined ? undefined : yield* parseShard(shardText)
  return yield* runBatch({
    spec,
    jobModule,
    out,
    ...(workers === undefined ? {} : { workers: Number(workers) }),
    resume: flags.includes('--resume'),
    retryFailed: flags.includes('--retry-failed'),
    ...(shard === undefined ? {} : { shard }),
    stop: signals.stop,
    abandon: signals.abandon,
  })
}).pipe(Effect.ensuring(Effect.sync(signals.dispose)))

const exit = await Effect.runPromiseExit(program)
if (exit._tag === 'Success') {
  process.stdout.write(`${batchSummaryLine(exit.value)}\n`)
  process.exitCode = { ok: 0, failed: 3, interrupted: 130 }[batchOutcome(exit.value)]
} else {
  const failure = exit.cause.reasons.find((reason) => reason._tag === 'Fail')
  process.stderr.write(`${failure === undefined ? String(exit.cause) : failure.error.message}\n`)
  process.exitCode = 2
}
