/**
 * The main job, run by `npm start`: Puzzle's headline setting on embedded
 * presets (no input, no GPU, no network). Llama-3.3-70B on one H100 in fp8,
 * served by vLLM with in-flight batching, at about twice the parent's
 * throughput, 128 input / 1024 output tokens; writes the result, the frontier
 * merged over every concurrency and the HTML report under out/.
 */
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import * as Effect from 'effect/Effect'
import { requestFromOptions, type SearchOptions } from '../../search/pipeline/options.ts'
import { runFrontier } from '../../search/pipeline/run-frontier.ts'
import { runSearch } from '../../search/pipeline/run-search.ts'
import { architectureMapSvg, frontierSvg, reportHtml, svgToPng } from '../../../viz/index.ts'
import { writeFileAtomic, writeJson, writeSteps } from '../outputs.ts'
import { frontierPlot, searchReport } from '../report-data.ts'
import { action } from '../run-action.ts'
import { frontierProgressLine } from '../frontier-progress.ts'
import { frontierCsv, frontierSeriesName } from './pareto.ts'
import { planProgressLine, renderSearch, runOrThrow, writeSearchOutputs } from './search.ts'

export const demoOptions: SearchOptions = {
  parent: 'llama-3.3-70b',
  gpu: 'h100-sxm',
  weights: 'fp8',
  activations: 'fp8',
  kv: 'fp8',
  scenarios: [{ input: 128, output: 1024, batch: 'auto' }],
  speedup: 2,
  space: 'puzzle',
}

/** The demo's map compares the 2× child with a 4× one; its frontier ends there. */
const demoFrontierMaxSpeedup = 4

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the main job on embedded defaults: Llama-3.3-70B → a child at ~2× throughput on one H100 (fp8, vLLM, 128/1024), with frontier and report')
    .option('--out <dir>', 'output directory', 'out')
    .option('--json', 'print the search result, the frontier’s summary and the files written as JSON (progress goes to stderr)')
    .action(
      action(async (flags: { out: string; json?: boolean }) => {
        const out = flags.out
        // With --json, stdout carries one JSON document; the running commentary moves to stderr.
        const say = (text: string): void => void (flags.json ? process.stderr : process.stdout).write(text)
        say(`nas-sim demo: searching ${demoOptions.parent} on one ${demoOptions.gpu} (fp8, vLLM in-flight batching, 128/1024 tokens) for ${demoOptions.speedup}× the parent's throughput…\n`)
        const req = await runOrThrow(requestFromOptions(demoOptions))
        const result = await runOrThrow(runSearch(req, { onPlan: (p) => say(`  ${planProgressLine(p)}\n`) }))
        if (!flags.json) say(`${renderSearch(result)}\n\n`)
        const written: string[] = []
        writeSearchOutputs(join(out, 'search'), result, req, demoOptions, written)

        say(`tracing the frontier over every concurrency, up to ${demoFrontierMaxSpeedup}× the parent…\n`)
        const frontier = await Effect.runPromise(
          Effect.result(
            runFrontier({ ...req, target: { kind: 'none' } }, { maxSpeedup: demoFrontierMaxSpeedup, alsoBatches: [result.child.scenarios[0]!.child.batch], onBatch: (p) => void say(`  ${frontierProgressLine(p)}\n`) }),
          ),
        )
        if (frontier._tag === 'Failure') {
          say(`frontier not traced: ${frontier.failure.message}\n`)
        } else {
          const f = frontier.success
          const plot = frontierPlot(f, result, frontierSeriesName(f))
          writeSteps(written, [
            [join(out, 'frontier', 'frontier.json'), () => writeJson(join(out, 'frontier', 'frontier.json'), f)],
            [join(out, 'frontier', 'frontier.csv'), () => writeFileAtomic(join(out, 'frontier', 'frontier.csv'), frontierCsv(f))],
            [join(out, 'frontier', 'frontier.png'), () => writeFileAtomic(join(out, 'frontier', 'frontier.png'), svgToPng(frontierSvg(plot)))],
          ])
          writeSteps(written, [[join(out, 'report.html'), () => writeFileAtomic(join(out, 'report.html'), reportHtml(searchReport(result, req.deployment, f)))]])
          say(`frontier: ${f.points.length} points (${f.completeness}${f.note === undefined ? '' : `: ${f.note}`}) in ${f.seconds.toFixed(2)} s\n`)
        }
        // For comparison on the map, the child a 4× target would give (same inputs otherwise).
        const faster = await Effect.runPromise(Effect.result(runSearch({ ...req, target: { kind: 'speedup', factor: 4 } })))
        const children = [{ ...result.child.architecture, name: `child at ≥2× (chosen), ${result.child.scenarios[0]!.speedup!.toFixed(2)}×` }]
        if (faster._tag === 'Success') children.push({ ...faster.success.child.architecture, name: `child at ≥4×, ${faster.success.child.scenarios[0]!.speedup!.toFixed(2)}×` })
        const map = architectureMapSvg({ parent: result.parent.architecture, children })
        writeSteps(written, [[join(out, 'architecture-map.png'), () => writeFileAtomic(join(out, 'architecture-map.png'), svgToPng(map))]])
        if (flags.json) {
          const traced = frontier._tag === 'Success' ? { points: frontier.success.points.length, completeness: frontier.success.completeness, note: frontier.success.note } : { error: frontier.failure.message }
          process.stdout.write(`${JSON.stringify({ search: result, frontier: traced, written: written.map((p) => resolve(p)) }, null, 2)}\n`)
          return
        }
        say(`\nwrote:\n${written.map((p) => `  ${resolve(p)}`).join('\n')}\nopen ${resolve(out, written.some((p) => p.endsWith(join(out, 'report.html'))) ? 'report.html' : 'search/report.html')} in a browser for the report\n`)
      }),
    )
}
