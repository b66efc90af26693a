/** nas-sim's command line: a thin layer that parses, decodes, calls the library and renders. */
import { Command, CommanderError } from 'commander'
import { registerBatch } from './commands/batch.ts'
import { registerCalibrate } from './commands/calibrate.ts'
import { registerCost } from './commands/cost.ts'
import { registerDemo } from './commands/demo.ts'
import { registerGpus } from './commands/gpus.ts'
import { registerModels } from './commands/models.ts'
import { registerPareto } from './commands/pareto.ts'
import { registerPlot } from './commands/plot.ts'
import { registerPredict } from './commands/predict.ts'
import { registerSearch } from './commands/search.ts'
import { registerServe } from './commands/serve.ts'
import { registerSimulate } from './commands/simulate.ts'
import { registerVerify } from './commands/verify.ts'
import { exitCodes, setVerbose } from './run-action.ts'
import { setProgress } from './progress.ts'
import packageJson from '../../package.json' with { type: 'json' }

// A reader that stops early (`nas-sim search --json | head`) closes the pipe; that is its choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(exitCodes.ok)
  throw e
})

const program = new Command()
  .name('nas-sim')
  .description('Puzzle-style neural architecture search for inference-efficient LLMs: block costs, exact searches, Pareto frontiers')
  .version(packageJson.version, '--version', 'print the version')
  .option('--verbose', 'print stack traces with errors')
  .option('--progress', 'print progress on stderr even when it is not a terminal (it always is on a terminal)')
  .exitOverride()
  // One line per mistake: commander's own error, with the pointer to --help on the same line.
  .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error:') ? `nas-sim: ${s.trimEnd()} (run with --help for usage)\n` : s) })
  .hook('preAction', (cmd) => {
    setVerbose(Boolean(cmd.optsWithGlobals().verbose))
    setProgress(Boolean(cmd.optsWithGlobals().progress))
  })

registerModels(program)
registerGpus(program)
registerCost(program)
registerPredict(program)
registerCalibrate(program)
registerServe(program)
registerSimulate(program)
registerSearch(program)
registerPareto(program)
registerVerify(program)
registerPlot(program)
registerBatch(program)
registerDemo(program)

try {
  await program.parseAsync(process.argv)
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? exitCodes.ok : exitCodes.userError
  else throw e
}
