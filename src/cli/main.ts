/** nas-sim's command line: a thin layer that parses, decodes, calls the library and renders. */
import { Command, CommanderError } from 'commander'
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

// Each command's module is loaded only when it runs: every one pulls in its own part of the library (the solver,
// the renderers, the calibration fits), and importing all of them took about 0.15 s of every run's start-up.
// `batch` also defines `merge`. Without a known command first (help, a typo), all are registered, as commander's
// help and suggestions need them; the order is the help's.
type Register = (program: Command) => void
const commands: readonly (readonly [readonly string[], () => Promise<Register>])[] = [
  [['models'], async () => (await import('./commands/models.ts')).registerModels],
  [['gpus'], async () => (await import('./commands/gpus.ts')).registerGpus],
  [['cost'], async () => (await import('./commands/cost.ts')).registerCost],
  [['predict'], async () => (await import('./commands/predict.ts')).registerPredict],
  [['calibrate'], async () => (await import('./commands/calibrate.ts')).registerCalibrate],
  [['serve'], async () => (await import('./commands/serve.ts')).registerServe],
  [['simulate'], async () => (await import('./commands/simulate.ts')).registerSimulate],
  [['search'], async () => (await import('./commands/search.ts')).registerSearch],
  [['pareto'], async () => (await import('./commands/pareto.ts')).registerPareto],
  [['verify'], async () => (await import('./commands/verify.ts')).registerVerify],
  [['plot'], async () => (await import('./commands/plot.ts')).registerPlot],
  [['batch', 'merge'], async () => (await import('./commands/batch.ts')).registerBatch],
  [['demo'], async () => (await import('./commands/demo.ts')).registerDemo],
]
// The global options take no value, so the first word that is not an option names the command.
const named = process.argv.slice(2).find((word) => !word.startsWith('-'))
const chosen = commands.filter(([names]) => named !== undefined && names.includes(named))
for (const [, load] of chosen.length > 0 ? chosen : commands) (await load())(program)

try {
  await program.parseAsync(process.argv)
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? exitCodes.ok : exitCodes.userError
  else throw e
}
