/**
 * `nas-sim plot`: draws result.json and frontier.json files after the fact:
 * several searches and frontiers on one Pareto plot, the architecture map of
 * their children, or the cost breakdown rebuilt from each result's request;
 * as SVG, PNG or a self-contained HTML report.
 */
import { extname } from 'node:path'
import type { Command } from 'commander'
import * as Effect from 'effect/Effect'
import { deployment, deploymentError } from '../../cost-model/deployment.ts'
import { findSystem } from '../../cost-model/hardware/lookup.ts'
import { engines } from '../../serving/engine.ts'
import { servingDeployment, type ServingDeployment } from '../../serving/serving-deployment.ts'
import { InvalidInput, UnknownId } from '../../errors.ts'
import { architectureMapSvg, breakdownSvg, frontierSvg, layerChoiceTable, reportHtml } from '../../../viz/index.ts'
import type { FrontierXAxis, ReportInput, ReportTable } from '../../../viz/types.ts'
import { efficiencyFrom } from '../calibration-option.ts'
import { writeFileAtomic, writePlot } from '../outputs.ts'
import {
  combinedBreakdown,
  combinedFrontierPlot,
  combinedMap,
  frontierTable,
  mapMismatch,
  searchesAmong,
  seriesNames,
  staleCostNote,
  type DeployedSearch,
  type NamedSearch,
} from '../plot-data.ts'
import { resultTable } from '../report-data.ts'
import { loadResultFile, type ResultFile } from '../result-files.ts'
import { action } from '../run-action.ts'
import { runOrThrow } from './search.ts'

const plotKinds = ['frontier', 'map', 'breakdown'] as const
type PlotKind = (typeof plotKinds)[number]
const xAxes = ['throughput', 'speedup'] as const satisfies readonly FrontierXAxis[]
const formats = ['.svg', '.png', '.html'] as const
type Format = (typeof formats)[number]

/** Files read at once; a frontier.json of thousands of points is a few MB. */
const readConcurrency = 4

interface PlotFlags {
  readonly out: string
  readonly kind?: string
  readonly x?: string
  readonly title?: string
  readonly calibration?: string
  readonly json?: boolean
}

function oneOf<const T extends string>(option: string, raw: string, allowed: readonly T[]): T {
  const v = raw.trim().toLowerCase()
  if ((allowed as readonly string[]).includes(v)) return v as T
  throw new InvalidInput({ field: option, problem: `"${raw}" (expected one of ${allowed.join(', ')})` })
}

function formatOf(out: string): Format {
  const ext = extname(out).toLowerCase()
  if ((formats as readonly string[]).includes(ext)) return ext as Format
  throw new InvalidInput({ field: '--out', problem: `${out} (expected a file name ending in .svg, .png or .html)` })
}

/**
 * The deployment a result was searched on, rebuilt from its request: the
 * datasheet efficiencies, or the calibration it names (`calibration` when that
 * one is a file rather than a shipped name).
 */
async function deploymentOf(s: NamedSearch, calibration: string | undefined): Promise<ServingDeployment> {
  const r = s.doc.request
  const system = findSystem(r.system)
  if (system._tag === 'Failure') throw new InvalidInput({ field: `${s.path}: request.system`, problem: system.failure.message })
  const recorded = r.efficiency.name
  const efficiency = await efficiencyFrom(r.efficiency.source === 'datasheet' ? 'datasheet' : (calibration ?? recorded), r.system).catch((e: unknown) => {
    if (e instanceof UnknownId && calibration === undefined)
      throw new InvalidInput({ field: `${s.path}: request.efficiency`, problem: `calibration "${recorded}" is not shipped with nas-sim; pass its file with --calibration` })
    throw e
  })
  if (efficiency.name !== recorded)
    throw new InvalidInput({ field: '--calibration', problem: `${calibration} holds calibration "${efficiency.name}", but ${s.path} was searched with "${recorded}"` })
  const d = servingDeployment(deployment(system.success, r.precision, { tp: r.tp, efficiency }), { engine: engines[r.engine], batching: r.batching })
  const bad = deploymentError(d)
  if (bad !== undefined) throw new InvalidInput({ field: `${s.path}: request`, problem: bad })
  return d
}

async function deployed(searches: readonly NamedSearch[], calibration: string | undefined): Promise<DeployedSearch[]> {
  const out: DeployedSearch[] = []
  for (const s of searches) {
    const d: DeployedSearch = { ...s, deployment: await deploymentOf(s, calibration) }
    const stale = staleCostNote(d)
    if (stale !== undefined) process.stderr.write(`nas-sim: note: ${stale}\n`)
    out.push(d)
  }
  return out
}

function reportTitle(files: readonly ResultFile[]): string {
  const only = files.length === 1 ? files[0]! : undefined
  if (only?.kind === 'search') return `${only.doc.parent.name} → child on ${only.doc.request.system}`
  if (only?.kind === 'frontier') return `Pareto frontier of ${only.doc.request.parent} on ${only.doc.request.system}`
  return `${[...new Set(files.map((f) => f.doc.parent.name))].join(', ')}: ${files.length} searches and frontiers compared`
}

/** The HTML report: every plot that applies (or the one --kind names) and the tables of every file. */
async function report(files: readonly ResultFile[], names: readonly string[], kind: PlotKind | undefined, flags: PlotFlags, x: FrontierXAxis | undefined): Promise<ReportInput> {
  const searches = files.flatMap((f, i) => (f.kind === 'search' ? [{ doc: f.doc, path: f.path, name: names[i]! }] : []))
  const wants = (k: PlotKind) => kind === undefined || kind === k
  if (kind !== undefined && kind !== 'frontier') searchesAmong(files, names, kind)
  const map = wants('map') && searches.length > 0 && (kind === 'map' || mapMismatch(searches) === undefined) ? combinedMap(searches) : undefined
  const breakdown = wants('breakdown') && searches.length > 0 ? combinedBreakdown(await deployed(searches, flags.calibration)) : undefined
  const several = files.length > 1
  const tables: ReportTable[] = [
    ...searches.map((s) => (several ? { ...resultTable(s.doc), title: `Child and parent: ${s.name}` } : resultTable(s.doc))),
    ...(map === undefined ? [] : [layerChoiceTable(map)]),
    ...files.flatMap((f, i) => (f.kind === 'frontier' ? [frontierTable(f.doc, names[i]!)] : [])),
  ]
  return {
    title: flags.title ?? reportTitle(files),
    subtitle: files.map((f, i) => `${several ? `${names[i]}: ` : ''}${f.path}, ${f.doc.createdAt}`).join('; '),
    ...(wants('frontier') ? { frontier: combinedFrontierPlot(files, names, x === undefined ? {} : { x }) } : {}),
    ...(map === undefined ? {} : { architectureMap: map }),
    ...(breakdown === undefined ? {} : { breakdown }),
    tables,
  }
}

/** One plot as SVG. */
async function plotSvg(files: readonly ResultFile[], names: readonly string[], kind: PlotKind, flags: PlotFlags, x: FrontierXAxis | undefined): Promise<string> {
  const title = flags.title
  switch (kind) {
    case 'frontier':
      return frontierSvg(combinedFrontierPlot(files, names, { ...(x === undefined ? {} : { x }), ...(title === undefined ? {} : { title }) }))
    case 'map':
      return architectureMapSvg(combinedMap(searchesAmong(files, names, 'map'), title))
    case 'breakdown':
      return breakdownSvg(combinedBreakdown(await deployed(searchesAmong(files, names, 'breakdown'), flags.calibration), title))
  }
}

export function registerPlot(program: Command): void {
  program
    .command('plot')
    .description('draw result.json and frontier.json files: several searches on one Pareto frontier, an architecture map or a cost breakdown, as SVG, PNG or an HTML report')
    .argument('<files...>', 'result.json from `nas-sim search --out`, frontier.json from `nas-sim pareto --out`; each file is one series')
    .requiredOption('--out <file>', 'FILE.svg, FILE.png, or FILE.html: a self-contained report with every plot that applies and the tables')
    .option('--kind <kind>', 'frontier (default), map (parents and children) or breakdown (where time and memory go)')
    .option('--x <axis>', 'frontier x axis: throughput or speedup (default: speedup when the files share one parent that fits)')
    .option('--title <text>', 'title of the plot or the report')
    .option('--calibration <name|file>', 'for breakdowns: the calibration file a result was searched with, when it is not a shipped one')
    .option('--json', 'print what was written (file, kind, series) as JSON')
    .action(
      action(async (paths: string[], flags: PlotFlags) => {
        const format = formatOf(flags.out)
        const kind = flags.kind === undefined ? undefined : oneOf('--kind', flags.kind, plotKinds)
        const x = flags.x === undefined ? undefined : oneOf('--x', flags.x, xAxes)
        const files = await runOrThrow(Effect.forEach(paths, loadResultFile, { concurrency: readConcurrency }))
        const names = seriesNames(files)
        if (format === '.html') writeFileAtomic(flags.out, reportHtml(await report(files, names, kind, flags, x)))
        else writePlot(flags.out, await plotSvg(files, names, kind ?? 'frontier', flags, x), '--out')
        const drawn = format === '.html' ? 'report' : (kind ?? 'frontier')
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({ wrote: flags.out, kind: drawn, inputs: files.map((f, i) => ({ path: f.path, kind: f.kind, series: names[i] })) }, null, 2)}\n`
            : `wrote ${flags.out} (${drawn} of ${files.length} file${files.length === 1 ? '' : 's'}: ${names.join('; ')})\n`,
        )
      }),
    )
}
