import { ensureDir } from '../../io/ensure-dir.ts'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import * as Effect from 'effect/Effect'
import {
  batchOutcome,
  batchSummaryLine,
  interruptOnSigint,
  loadBatchSpec,
  mergeShards,
  mergeSummaryLine,
  parseShard,
  runBatch,
  type GroupResults,
  type ResultColumn,
} from '../../batch/index.ts'
import { frontierSvg } from '../../../viz/index.ts'
import type { FrontierPoint } from '../../../viz/types.ts'
import type { BatchJobResult } from '../batch-job.ts'
import { budgetOf, defaultGroup } from '../../batch/job.ts'
import { isPresetId, presets } from '../../io/presets.ts'
import { writeFileAtomic } from '../outputs.ts'
import { servingTitle } from '../plot-title.ts'
import { positiveInt, positiveNumber } from '../parse.ts'
import { action, exitCodes } from '../run-action.ts'
import { runOrThrow } from './search.ts'

// batch-job.ts beside the sources, batch-job.js beside the compiled code.
const jobModule = fileURLToPath(new URL(`../batch-job${extname(fileURLToPath(import.meta.url))}`, import.meta.url))

const result = (r: unknown) => r as BatchJobResult

/** Result columns of summary.csv. */
export const batchColumns: readonly ResultColumn[] = [
  { name: 'tokens_per_s_per_gpu', value: (r) => result(r).tokensPerSecondPerGpu },
  { name: 'parent_tokens_per_s_per_gpu', value: (r) => result(r).parentTokensPerSecondPerGpu },
  { name: 'child_speedup', value: (r) => result(r).speedup },
  { name: 'batch_size', value: (r) => result(r).batch },
  { name: 'child_params', value: (r) => result(r).params },
  { name: 'objective', value: (r) => result(r).objective },
  { name: 'memory_bytes', value: (r) => result(r).memoryBytes },
  { name: 'quality_source', value: (r) => result(r).quality },
  { name: 'solver', value: (r) => result(r).solver.method },
  // Results written before these fields existed lack them; a resumed batch still summarises them.
  { name: 'alternatives', value: (r) => result(r).alternatives?.length ?? 0 },
  { name: 'unsolved_batches', value: (r) => (result(r).unsolved ?? []).map((u) => u.batches.join('/')).join(' ') },
  { name: 'notes', value: (r) => (result(r).notes ?? []).join('; ') },
]

/** A file-name-safe form of a group label. */
export function slug(group: string): string {
  return group.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 120) || 'group'
}

/** A preset's display name, or the path or id as given. */
function presetName(parent: string): string {
  return isPresetId(parent) ? (presets.find((p) => p.id === parent)?.name ?? parent) : parent
}

/** The group's combined Pareto plot: each job's child, and the parent, on quality against throughput. */
export function writeGroupPlot(g: GroupResults): void {
  if (g.ok.length === 0) return
  const results = g.ok.map((r) => result(r.result))
  const points: FrontierPoint[] = results.map((r, i) => ({ throughput: r.tokensPerSecondPerGpu, quality: r.objective, label: `job ${g.ok[i]!.id}` }))
  const parent = results.find((r) => r.parentTokensPerSecondPerGpu !== undefined)?.parentTokensPerSecondPerGpu
  const kinds = new Set(results.map((r) => r.quality))
  const job = g.ok[0]!.job
  // A group the spec named keeps its name; a derived one (every field but the budget, as a key) is said in words.
  const title = job.group === defaultGroup(job) ? servingTitle({ ...job, parent: presetName(job.parent), system: job.gpu }) : job.group
  const budgets = [...new Set(g.ok.map((r) => budgetOf(r.job).kind))].join(', ')
  const svg = frontierSvg({
    title,
    series: [{ name: `one child per ${budgets} budget`, points }],
    references: parent === undefined ? [] : [{ role: 'parent', label: 'parent', throughput: parent, quality: 0 }],
    qualitySource: { kind: kinds.size === 1 ? [...kinds][0]! : 'mixed' },
  })
  ensureDir(join(g.out, 'plots'))
  writeFileAtomic(join(g.out, 'plots', `${slug(g.group)}.svg`), svg)
}

interface BatchFlags {
  readonly workers?: string
  readonly out: string
  readonly resume?: boolean
  readonly retryFailed?: boolean
  readonly shard?: string
  readonly jobTimeout?: string
  readonly json?: boolean
}

export function registerBatch(program: Command): void {
  program
    .command('batch')
    .description('run many searches from a spec file (JSON or YAML) in parallel; resumable, shardable')
    .argument('<spec>', 'batch spec: defaults, axes (cross product) and explicit jobs')
    .option('--workers <n>', 'worker threads (default: the machine’s cores)')
    .option('--out <dir>', 'output directory', 'out/batch')
    .option('--resume', 'continue in --out: skip jobs whose result is already there')
    .option('--retry-failed', 'also re-run failed jobs (implies --resume)')
    .option('--shard <i/n|slurm>', 'run only the i-th of n deterministic shards (1-based); `slurm` reads the task from SLURM_ARRAY_TASK_ID/COUNT (arrays from 0 or 1)')
    .option('--job-timeout <seconds>', 'record a job as failed after this long')
    .option('--json', 'print the run’s summary (counts, failed ids, file paths) as JSON')
    .action(
      action(async (specPath: string, flags: BatchFlags) => {
        const spec = await runOrThrow(loadBatchSpec(specPath))
        const shard = flags.shard === undefined ? undefined : await runOrThrow(parseShard(flags.shard, process.env))
        const signals = interruptOnSigint()
        try {
          const summary = await runOrThrow(
            runBatch({
              spec,
              jobModule,
              out: flags.out,
              ...(flags.workers === undefined ? {} : { workers: positiveInt('--workers', flags.workers) }),
              resume: Boolean(flags.resume),
              retryFailed: Boolean(flags.retryFailed),
              ...(shard === undefined ? {} : { shard }),
              ...(flags.jobTimeout === undefined ? {} : { jobTimeoutSeconds: positiveNumber('--job-timeout', flags.jobTimeout) }),
              columns: batchColumns,
              onGroup: writeGroupPlot,
              // Progress is for the person watching; stdout carries only the outcome.
              progress: process.stderr,
              stop: signals.stop,
              abandon: signals.abandon,
            }),
          )
          process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : `${batchSummaryLine(summary)}\n`)
          const outcome = batchOutcome(summary)
          return outcome === 'ok' ? exitCodes.ok : outcome === 'failed' ? exitCodes.someJobsFailed : 130
        } finally {
          signals.dispose()
        }
      }),
    )

  program
    .command('merge')
    .description('combine the results of batch shards, reporting missing or duplicated jobs')
    .argument('<dirs...>', 'the shards’ output directories')
    .requiredOption('--out <dir>', 'where to write the merged results')
    .option('--json', 'print the merge’s summary (counts, missing and conflicting jobs, file paths) as JSON')
    .action(
      action(async (dirs: string[], flags: { out: string; json?: boolean }) => {
        const summary = await runOrThrow(Effect.suspend(() => mergeShards({ dirs, out: flags.out, columns: batchColumns, onGroup: writeGroupPlot })))
        process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : `${mergeSummaryLine(summary)}\n`)
        return summary.missing.length > 0 || summary.conflicts.length > 0 ? exitCodes.someJobsFailed : exitCodes.ok
      }),
    )
}
