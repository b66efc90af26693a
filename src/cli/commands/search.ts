import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { childConfigJson } from '../../io/child-config.ts'
import { requestFromOptions } from '../../search/pipeline/options.ts'
import type { SearchResult } from '../../search/pipeline/result.ts'
import { runSearch, type PlanProgress } from '../../search/pipeline/run-search.ts'
import type { SearchRequest } from '../../search/pipeline/request.ts'
import { architectureMapSvg, reportHtml } from '../../../viz/index.ts'
import { describeBlock } from '../describe.ts'
import { fusionLines, searchMapInput } from '../fusion-lines.ts'
import * as fmt from '../format.ts'
import { checkPlotPath, checkReportPath, writeFileAtomic, writeJson, writePlot, writeSteps } from '../outputs.ts'
import { orThrow, positiveInt, positiveNumber } from '../parse.ts'
import { searchReport } from '../report-data.ts'
import { action } from '../run-action.ts'
import { progressWriter } from '../progress.ts'
import { problemRecorder } from '../problem-export.ts'
import { addSearchFlags, parseWeights, searchOptionsFrom, type SearchFlags } from '../search-flags.ts'
import { FileError, InvalidInput } from '../../errors.ts'
import { parseLibraryText, runLibrarySearch, type LibraryResult } from '../../search/pipeline/run-library.ts'

interface SearchCommandFlags extends SearchFlags {
  readonly library?: string
  readonly top?: string
  readonly diversity?: string
  readonly out?: string
  readonly plot?: string
  readonly report?: string
  readonly json?: boolean
}

/** Runs an Effect, throwing its typed failure so the CLI's boundary reports it in one line. */
export async function runOrThrow<A, E>(effect: Effect.Effect<A, E>): Promise<A> {
  const r = await Effect.runPromise(Effect.result(effect))
  if (Result.isFailure(r)) throw r.failure
  return r.success
}

/** `batch plan 3/9 (batch 64): solved, objective 0.1234`. */
export function planProgressLine(p: PlanProgress): string {
  const what =
    p.outcome === 'solved'
      ? `solved, objective ${p.objective?.toFixed(4)}`
      : p.outcome === 'infeasible'
        ? 'budget not reachable'
        : p.outcome === 'pruned'
          ? 'pruned by its bound'
          : 'no answer within the solver limit'
  return `batch plan ${p.index}/${p.count} (batch ${p.batches.join('/')}): ${what}`
}

export function renderSearch(r: SearchResult): string {
  const s = r.child.scenarios[0]!
  const p = s.parent
  const counts = new Map<string, number>()
  for (const l of r.child.layers) {
    const key = `${describeBlock(l.mixer)} + ${describeBlock(l.ffn)}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  const lines = [
    `${r.parent.name} → child on ${r.request.system}${r.request.tp > 1 ? `, TP ${r.request.tp}` : ''}; ${s.input}/${s.output} tokens; space ${r.request.space}`,
    `child: ${fmt.count(r.child.params)} parameters (parent ${fmt.count(r.parent.params)}), batch ${s.child.batch}, ${fmt.rate(s.child.metrics.outputTokensPerSecondPerGpu)} per GPU` +
      (p === undefined ? ' (the parent does not fit)' : `, ${s.speedup!.toFixed(2)}× the parent (${fmt.rate(p.metrics.outputTokensPerSecondPerGpu)} at batch ${p.batch})`),
    `quality: ${Object.entries(r.child.metrics).map(([m, v]) => `${m} ${v.toFixed(4)}`).join(', ')} — ${r.quality.source.description}`,
    `solver: ${r.proof.method}, optimality gap ${r.proof.gap}, ${fmt.seconds(r.proof.seconds)} (search ${fmt.seconds(r.searchSeconds)} over ${r.batchesTried.length} batch plan${r.batchesTried.length === 1 ? '' : 's'})`,
    ...fusionLines(r.child),
    '',
    fmt.table(['blocks (mixer + ffn)', 'layers'], [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, String(n)])),
  ]
  if (r.alternatives.length > 0) {
    lines.push('', 'diverse alternatives:')
    for (const [i, a] of r.alternatives.entries()) {
      const sa = a.scenarios[0]!
      lines.push(`  ${i + 2}. objective ${a.objective.toFixed(4)}, ${fmt.count(a.params)} parameters, ${fmt.rate(sa.child.metrics.outputTokensPerSecondPerGpu)} per GPU`)
    }
  }
  for (const note of r.notes) lines.push(`note: ${note}`)
  const e = r.request.efficiency
  lines.push(e.source === 'datasheet' ? 'times: datasheet roofline (uncalibrated; see README "How accurate is it?")' : `times: calibration ${e.name}${e.derivedFrom === undefined ? '' : ` (${e.derivedFrom})`}`)
  return lines.join('\n')
}

/** result.json, inputs.json, the child's config.json (DeciLM for Llama-family children, Nemotron-H for hybrids) and report.html into `dir`. */
export function writeSearchOutputs(dir: string, r: SearchResult, req: SearchRequest, inputs: unknown, written: string[]): void {
  const resultPath = join(dir, 'result.json')
  writeJson(resultPath, r)
  written.push(resultPath)
  writeSteps(written, [
    [join(dir, 'inputs.json'), () => writeJson(join(dir, 'inputs.json'), inputs)],
    [
      join(dir, 'child.config.json'),
      () => writeJson(join(dir, 'child.config.json'), childConfigJson(r.child.architecture)),
    ],
    [join(dir, 'report.html'), () => writeFileAtomic(join(dir, 'report.html'), reportHtml(searchReport(r, req.deployment, undefined)))],
  ])
}

export function renderLibrarySearch(r: LibraryResult): string {
  const c = r.child
  return [
    `${r.library}: ${c.variants.length} layers, measured costs and metrics`,
    `child: ${c.speedup === null ? 'unbounded speedup (every block a no-op)' : `${c.speedup.toFixed(3)}×`} the parent's summed runtime (${fmt.seconds(c.runtimeSeconds)} vs ${fmt.seconds(r.parent.runtimeSeconds)}), ${fmt.count(c.params)} parameters (parent ${fmt.count(r.parent.params)}), memory ${fmt.bytes(c.memoryBytes)}`,
    `quality: ${Object.entries(c.metrics).map(([m, v]) => `${m} ${v.toFixed(4)}`).join(', ')} — ${r.quality.description}`,
    `solver: ${r.proof.method}, optimality gap ${r.proof.gap}, ${fmt.seconds(r.proof.seconds)}`,
    '',
    fmt.table(['layer', 'variant'], c.variants.map((v, l) => [String(l), v])),
    ...r.alternatives.map((a, i) => `alternative ${i + 2}: objective ${a.objective.toFixed(4)}, ${a.speedup === null ? 'unbounded' : `${a.speedup.toFixed(3)}×`}`),
  ].join('\n')
}

/**
 * Flags a block library search has no use for: it carries its own costs, measured at its own scenario, and its own
 * scores. Given on the command line they are refused, not silently ignored (root cause I of issue 15).
 */
const notForLibraries = [
  'parent', 'gpu', 'tp', 'weights', 'activations', 'kv', 'engine', 'batching', 'scenario', 'throughput', 'latency', 'ttft', 'tpot',
  'space', 'scores', 'calibration', 'keepFirst', 'keepLast', 'minAttention', 'allow', 'limit', 'exportProblem',
] as const

/** `keepFirst` → `--keep-first`. */
const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`

async function librarySearch(path: string, flags: SearchCommandFlags, given: (key: string) => boolean): Promise<void> {
  for (const ignored of notForLibraries)
    if (given(ignored)) throw new InvalidInput({ field: flagName(ignored), problem: 'not used with --library (the library carries its own costs and scores); remove it' })
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    throw new FileError({ path, problem: 'cannot read the block library (no such file?)' })
  }
  const json = orThrow(parseLibraryText(text, path))
  const top = positiveInt('--top', flags.top ?? '1')
  const result = await runOrThrow(
    runLibrarySearch(json, {
      source: path,
      ...(flags.speedup === undefined ? {} : { speedup: positiveNumber('--speedup', flags.speedup) }),
      ...(flags.memory === undefined ? {} : { maxMemoryBytes: positiveNumber('--memory', flags.memory) * 1e9 }),
      ...(flags.params === undefined ? {} : { maxParams: positiveNumber('--params', flags.params) * 1e9 }),
      ...(flags.objective === undefined ? {} : { objective: parseWeights('--objective', flags.objective, true) }),
      ...(top > 1 ? { top: { k: top, minDifference: positiveNumber('--diversity', flags.diversity ?? '0.1') } } : {}),
    }),
  )
  process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderLibrarySearch(result)}\n`)
  if (flags.out !== undefined) {
    writeJson(join(flags.out, 'result.json'), result)
    if (!flags.json) process.stdout.write(`wrote ${join(flags.out, 'result.json')}\n`)
  }
}

export function registerSearch(program: Command): void {
  const cmd = program.command('search').description('find the child architecture of highest quality under a throughput, latency or memory budget (exact MIP)')
  addSearchFlags(cmd)
    .option('--library <file>', 'search a measured Puzzle block library (NVIDIA demo format) with its own costs, instead of --parent/--gpu; with --speedup, --memory (GB, summed as the library’s memory_mib), --params')
    .option('--top <k>', 'diverse top-k children', '1')
    .option('--diversity <share>', 'share of layers each further child must differ in', '0.1')
    .option('--out <dir>', 'write result.json, inputs.json, child.config.json (DeciLM, or HymbaConfig for a hymba child) and report.html here')
    .option('--plot <file.svg|png>', 'write the architecture map (parent and children)')
    .option('--report <file.html>', 'write the self-contained HTML report')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (flags: SearchCommandFlags, command: Command) => {
        if (flags.library !== undefined) return librarySearch(flags.library, flags, (key) => command.getOptionValueSource(key) === 'cli')
        const options = {
          ...searchOptionsFrom(flags, true),
          top: positiveInt('--top', flags.top ?? '1'),
          diversity: positiveNumber('--diversity', flags.diversity ?? '0.1'),
        }
        checkPlotPath(flags.plot)
        checkReportPath(flags.report)
        const req = await runOrThrow(requestFromOptions(options))
        const progress = progressWriter()
        const recorder = flags.exportProblem === undefined ? undefined : problemRecorder(flags.exportProblem)
        const written: string[] = []
        let result: SearchResult
        try {
          result = await runOrThrow(
            runSearch(req, { ...(progress === undefined ? {} : { onPlan: (p) => progress(planProgressLine(p)) }), ...(recorder === undefined ? {} : { onProblem: recorder.onProblem }) }),
          )
        } finally {
          // Written even when no child meets the budgets: the exported problem is how a reviewer checks that claim.
          if (recorder !== undefined) written.push(...recorder.write())
        }
        process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderSearch(result)}\n`)
        if (flags.out !== undefined) writeSearchOutputs(flags.out, result, req, options, written)
        writeSteps(written, [
          ...(flags.plot === undefined
            ? []
            : [[flags.plot, () => writePlot(flags.plot!, architectureMapSvg(searchMapInput(result)))] as const]),
          ...(flags.report === undefined ? [] : [[flags.report, () => writeFileAtomic(flags.report!, reportHtml(searchReport(result, req.deployment, undefined)))] as const]),
        ])
        if (written.length > 0 && !flags.json) process.stdout.write(`wrote ${written.join(', ')}\n`)
      }),
    )
}
