/**
 * `npm run bench`: every benchmark, printed as a table of figures and ratios.
 * Figures go into BENCHMARKS.md with the machine they came from.
 * The batch sweep takes tens of minutes, so it runs only when asked:
 * BENCH_BATCH_JOBS=1000 npm run bench (any job count; unset or 0 skips it).
 */
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { batchBenchRows, thousandJobSweep } from './batch.bench.ts'
import { runCalibrateBench } from './calibrate.bench.ts'
import { runCostBench } from './cost.bench.ts'
import { runFrontierBench } from './frontier.bench.ts'
import { runMinitronBench } from './minitron.bench.ts'
import { runSearchBench } from './search.bench.ts'
import { runSearchesBench } from './searches.bench.ts'
import { runServingBench } from './serving.bench.ts'
import { runSimulateBench } from './simulate.bench.ts'
import type { BenchRow } from './types.ts'

function format(row: BenchRow): string {
  const value = row.value >= 100 ? Math.round(row.value).toLocaleString('en-US') : row.value.toPrecision(3)
  return `| ${row.name} | ${value} ${row.unit} | ${row.note ?? ''} |`
}

const jobs = Number(process.env.BENCH_BATCH_JOBS ?? 0)
const machine = `${cpus().length}× ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`
console.log(`nas-sim benchmarks on ${machine}\n`)
console.log('| benchmark | figure | note |\n|---|---|---|')
const sections: (() => BenchRow[] | Promise<BenchRow[]>)[] = [
  runCostBench,
  runSearchBench,
  runSearchesBench,
  runFrontierBench,
  runServingBench,
  runCalibrateBench,
  runSimulateBench,
  runMinitronBench,
  ...(jobs > 0 ? [() => batchBenchRows(fileURLToPath(new URL('../src/cli/batch-job.ts', import.meta.url)), thousandJobSweep().slice(0, jobs))] : []),
]
for (const section of sections) for (const row of await section()) console.log(format(row))
if (jobs === 0) console.log('\nbatch sweep skipped (tens of minutes); BENCH_BATCH_JOBS=1000 npm run bench runs it')
