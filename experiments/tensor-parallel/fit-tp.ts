/**
 * Fits the all-reduce model and the TP-split GEMM efficiencies to measured rows, and prints their held-out
 * errors (the numbers issue 16 asks for: all-reduce median ≤ 10% on held-out sizes; TP blocks median ≤ 5%,
 * p90 ≤ 12%). The same functions compute the errors that the tests check on synthetic rows.
 *
 *   npx tsx experiments/tensor-parallel/fit-tp.ts ALLREDUCE.jsonl [TP-BLOCKS.jsonl]
 *
 * No rows exist yet: they need a multi-GPU machine (experiments/data/README.md, "Tensor-parallel rows").
 */
import { readFileSync } from 'node:fs'
import * as Result from 'effect/Result'
import { resolveCalibration } from '../../src/cost-model/calibration/resolve.ts'
import { allReduceSeconds } from '../../src/cost-model/all-reduce.ts'
import { allReduceModelFor, plainNcclModelFor } from '../../src/cost-model/all-reduce-figures.ts'
import { absolutePercentageError, summarizeErrors } from '../../src/cost-model/calibration/error-stats.ts'
import { datasheetEfficiency } from '../../src/cost-model/efficiency.ts'
import { gpus } from '../../src/cost-model/hardware/gpu.ts'
import { fitAllReduceModel, heldOutAllReduce, heldOutAllReduceSummary } from '../../src/cost-model/tensor-parallel/all-reduce-fit.ts'
import { fitTpGemm, heldOutTpBlocks, heldOutTpSummary } from '../../src/cost-model/tensor-parallel/block-fit.ts'
import { parseAllReduceLine, parseLines, parseTpBlockLine } from '../../src/cost-model/tensor-parallel/measurements.ts'

function fail(message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(2)
}

async function main(): Promise<void> {
  const [allReducePath, blocksPath] = process.argv.slice(2)
  if (allReducePath === undefined) fail('usage: fit-tp.ts ALLREDUCE.jsonl [TP-BLOCKS.jsonl]')
  const parsed = parseLines(readFileSync(allReducePath, 'utf8'), allReducePath, parseAllReduceLine)
  if (Result.isFailure(parsed)) fail(parsed.failure.message)
  const lines: string[] = [
    '| mode | dtype | ranks | rows | held-out median | held-out p90 | published model median | published model p90 |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const mode of ['graph', 'eager'] as const) {
    for (const dtype of ['bf16', 'fp8'] as const) {
      const rows = parsed.success.filter((r) => r.mode === mode && r.dtype === dtype)
      if (rows.length === 0) continue
      const s = heldOutAllReduceSummary(heldOutAllReduce(rows))
      // The published model these rows test: engines' in-graph curves for graph mode, plain NCCL for eager (all-reduce-figures.ts).
      const nvlink = gpus[rows[0]!.gpu as keyof typeof gpus]?.nvlinkBandwidth ?? 0
      const published = mode === 'graph' ? allReduceModelFor(nvlink) : plainNcclModelFor(nvlink)
      const prior = (subset: typeof rows) =>
        summarizeErrors(subset.map((r) => absolutePercentageError(allReduceSeconds(published, r.bytes, r.ranks) * 1e6, r.measuredUs)))
      for (const [ranks, e] of s.byRanks) {
        const p = prior(rows.filter((r) => r.ranks === ranks))
        lines.push(`| ${mode} | ${dtype} | ${ranks} | ${e.rows} | ${e.medianApe}% | ${e.p90Ape}% | ${p.medianApe}% | ${p.p90Ape}% |`)
      }
      const p = prior(rows)
      lines.push(`| ${mode} | ${dtype} | all | ${s.all.rows} | ${s.all.medianApe}% | ${s.all.p90Ape}% | ${p.medianApe}% | ${p.p90Ape}% |`)
    }
  }
  process.stdout.write(`All-reduce, leave-one-size-out (${allReducePath}):\n${lines.join('\n')}\n`)
  if (blocksPath === undefined) return
  const blocks = parseLines(readFileSync(blocksPath, 'utf8'), blocksPath, parseTpBlockLine)
  if (Result.isFailure(blocks)) fail(blocks.failure.message)
  const graphBf16 = parsed.success.filter((r) => r.mode === 'graph' && r.dtype === 'bf16')
  if (graphBf16.length === 0) fail(`${allReducePath}: no graph-mode bf16 rows, which time the blocks' all-reduces`)
  const allReduce = fitAllReduceModel(graphBf16, 'measured (graph, bf16)')
  // Non-GEMM kernels keep the shipped one-GPU calibration when the rows come from its GPU (the H200), else the datasheet.
  const gpu = blocks.success[0]!.gpu
  const base = gpu === 'h200' ? await resolveCalibration('h200-pytorch', gpu) : datasheetEfficiency
  const options = { base, allReduce }
  const fitted = fitTpGemm(blocks.success, options)
  const held = heldOutTpSummary(heldOutTpBlocks(blocks.success, options))
  process.stdout.write(
    `\nTP-split blocks (${blocksPath}, ${blocks.success.length} rows, base ${base.name}):\n` +
      `fitted GEMM compute fraction ${fitted.computeFraction.toFixed(3)}, bandwidth fraction ${fitted.bandwidthFraction.toFixed(3)}, overhead ${fitted.overheadUs.toFixed(2)} µs\n` +
      `held out (5 folds over block shapes): median ${held.medianApe}%, p90 ${held.p90Ape}%\n`,
  )
}

await main()
