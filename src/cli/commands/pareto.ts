import { join } from 'node:path'
import type { Command } from 'commander'
import { requestFromOptions } from '../../search/pipeline/options.ts'
import type { FrontierResult } from '../../search/pipeline/run-frontier.ts'
import { defaultMaxSpeedup, defaultMinLayerShare, runFrontier } from '../../search/pipeline/run-frontier.ts'
import { frontierSvg, reportHtml } from '../../../viz/index.ts'
import * as fmt from '../format.ts'
import { checkPlotPath, checkReportPath, writeFileAtomic, writeJson, writePlot, writeSteps } from '../outputs.ts'
import { frontierPlot, thinned } from '../report-data.ts'
import { positiveInt, positiveNumber } from '../parse.ts'
import { action } from '../run-action.ts'
import { addSearchFlags, searchOptionsFrom, type SearchFlags } from '../search-flags.ts'
import { runOrThrow } from './search.ts'
import { frontierProgress } from '../frontier-progress.ts'
import { problemRecorder } from '../problem-export.ts'

/** What a frontier's exported plans mean: the frontier varies the runtime budget, so the problems carry runtime as a cost without bounding it. */
const frontierNote =
  'pareto: each plan is one concurrency; runtime@0 is a cost dimension without a budget, because the frontier traces every optimum from the fastest child to the parent (add a runtime row to solve one point)'

function progressOption() {
  const onBatch = frontierProgress()
  return onBatch === undefined ? {} : { onBatch }
}

interface ParetoFlags extends SearchFlags {
  readonly stateLimit: string
  readonly maxSpeedup?: string
  readonly minParams?: string
  readonly out?: string
  readonly plot?: string
  readonly report?: string
  readonly json?: boolean
}

/** One CSV row per frontier point, all points (the plots thin them). */
export function frontierCsv(f: FrontierResult): string {
  const metrics = f.quality.metrics
  // The Minitron space's points name their model-wide widths.
  const widths = f.points.some((p) => p.widths !== undefined)
  const header = ['tokens_per_s_per_gpu', 'speedup', 'objective', ...metrics, 'batch', 'params', ...(widths ? ['widths'] : []), 'variants']
  const rows = f.points.map((p) => [
    p.tokensPerSecondPerGpu,
    p.speedup ?? '',
    p.objective,
    ...metrics.map((m) => p.metrics[m] ?? ''),
    p.batch,
    p.params,
    ...(widths ? [`"${p.widths ?? ''}"`] : []),
    `"${p.variants.join(' ')}"`,
  ])
  return [header, ...rows].map((r) => r.join(',')).join('\n') + '\n'
}

export function renderFrontier(f: FrontierResult): string {
  const parent = f.parent.serving
  const shown = thinned(f.points, 12)
  return [
    `${f.request.parent} on ${f.request.system}${f.request.tp > 1 ? `, TP ${f.request.tp}` : ''}; ${f.request.scenario.input}/${f.request.scenario.output} tokens; space ${f.request.space}`,
    f.completeness === 'exact'
      ? `exact frontier: ${f.points.length} points (each optimal for its throughput; none dominated), ${fmt.seconds(f.seconds)}, ${f.states.toLocaleString('en-US')} DP states`
      : `sampled frontier: ${f.points.length} points, each exactly optimal for its throughput, none dominated; ${f.note} (${fmt.seconds(f.seconds)})`,
    ...(f.points.some((p) => p.fusion !== undefined)
      ? ['fused (--fuse-ffn): each point is its unfused optimum with every run fused and re-evaluated exactly; points another fused point beats were dropped; not proven optimal among fused children (README "FFN Fusion")']
      : []),
    parent === undefined ? 'parent: does not fit' : `parent: ${fmt.rate(parent.metrics.outputTokensPerSecondPerGpu)} per GPU at batch ${parent.batch}`,
    `cut: up to ${f.cut.maxSpeedup}× the parent, children of at least ${fmt.count(f.cut.minParams)} parameters${f.cut.dropped > 0 ? ` (${f.cut.dropped} faster or smaller points left out; --max-speedup and --min-params move the cut)` : ''}`,
    `quality: ${f.quality.source.description}`,
    '',
    fmt.table(
      ['tokens/s per GPU', 'speedup', 'objective', 'batch', 'params'],
      shown.map((p) => [fmt.rate(p.tokensPerSecondPerGpu), p.speedup === undefined ? '–' : `${p.speedup.toFixed(2)}×`, p.objective.toFixed(4), String(p.batch), fmt.count(p.params)]),
    ),
  ].join('\n')
}

export function frontierSeriesName(f: FrontierResult): string {
  return `${f.request.system}${f.request.tp > 1 ? ` TP${f.request.tp}` : ''}, ${f.request.precision.weights}`
}

export function registerPareto(program: Command): void {
  const cmd = program.command('pareto').description('trace the exact quality-versus-throughput Pareto frontier of a scenario in one run')
  addSearchFlags(cmd)
    .option('--state-limit <n>', 'most dynamic-program states per layer before the frontier is sampled instead', '3000000')
    .option('--max-speedup <k>', `end the frontier at k × the parent's throughput (default ${defaultMaxSpeedup})`)
    .option('--min-params <billions>', `end the frontier at children of this many billion parameters (default: the embeddings plus ${defaultMinLayerShare * 100}% of the parent's layers)`)
    .option('--out <dir>', 'write frontier.json, frontier.csv, frontier.svg and report.html here')
    .option('--plot <file.svg|png>', 'write the frontier plot')
    .option('--report <file.html>', 'write a self-contained HTML report of the frontier')
    .option('--json', 'print the frontier as JSON')
    .action(
      action(async (flags: ParetoFlags) => {
        checkPlotPath(flags.plot)
        checkReportPath(flags.report)
        const req = await runOrThrow(requestFromOptions(searchOptionsFrom(flags, false)))
        const recorder = flags.exportProblem === undefined ? undefined : problemRecorder(flags.exportProblem)
        const written: string[] = []
        let frontier: FrontierResult
        try {
          frontier = await runOrThrow(
            runFrontier(req, {
              stateLimit: positiveInt('--state-limit', flags.stateLimit),
              ...progressOption(),
              ...(flags.maxSpeedup === undefined ? {} : { maxSpeedup: positiveNumber('--max-speedup', flags.maxSpeedup) }),
              ...(flags.minParams === undefined ? {} : { minParams: positiveNumber('--min-params', flags.minParams) * 1e9 }),
              ...(recorder === undefined ? {} : { onProblem: recorder.onProblem }),
            }),
          )
        } finally {
          if (recorder !== undefined) written.push(...recorder.write(frontierNote))
        }
        process.stdout.write(flags.json ? `${JSON.stringify(frontier, null, 2)}\n` : `${renderFrontier(frontier)}\n`)
        const svg = () => frontierSvg(frontierPlot(frontier, undefined, frontierSeriesName(frontier)))
        const report = () =>
          reportHtml({
            title: `Pareto frontier of ${frontier.request.parent} on ${frontier.request.system}`,
            subtitle: `${frontier.request.scenario.input}/${frontier.request.scenario.output} tokens; ${frontier.points.length} points; ${frontier.createdAt}`,
            frontier: frontierPlot(frontier, undefined, frontierSeriesName(frontier)),
            tables: [],
          })
        const out = flags.out
        writeSteps(written, [
          ...(out === undefined
            ? []
            : ([
                [join(out, 'frontier.json'), () => writeJson(join(out, 'frontier.json'), frontier)],
                [join(out, 'frontier.csv'), () => writeFileAtomic(join(out, 'frontier.csv'), frontierCsv(frontier))],
                [join(out, 'frontier.svg'), () => writeFileAtomic(join(out, 'frontier.svg'), svg())],
                [join(out, 'report.html'), () => writeFileAtomic(join(out, 'report.html'), report())],
              ] as const)),
          ...(flags.plot === undefined ? [] : [[flags.plot, () => writePlot(flags.plot!, svg())] as const]),
          ...(flags.report === undefined ? [] : [[flags.report, () => writeFileAtomic(flags.report!, report())] as const]),
        ])
        if (written.length > 0 && !flags.json) process.stdout.write(`wrote ${written.join(', ')}\n`)
      }),
    )
}
