import type { Command } from 'commander'
import { allReduceModelFor } from '../../cost-model/all-reduce-figures.ts'
import { systems, type SystemSpec } from '../../cost-model/hardware/system.ts'
import * as fmt from '../format.ts'
import { action } from '../run-action.ts'

const tflops = (x: number | undefined) => (x === undefined ? '–' : `${(x / 1e12).toFixed(0)}`)

export function registerGpus(program: Command): void {
  program
    .command('gpus')
    .description('list the GPUs and systems nas-sim knows, with their figures and sources')
    .option('--json', 'print JSON')
    .action(
      action((flags: { json?: boolean }) => {
        const list: readonly SystemSpec[] = Object.values(systems)
        if (flags.json) {
          const doc = list.map((s) => ({ ...s, allReduce: s.gpuCount > 1 ? allReduceModelFor(s.gpu.nvlinkBandwidth ?? 0) : undefined }))
          process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`)
          return
        }
        const rows = list.map((s) => [
          s.id,
          s.name,
          String(s.gpuCount),
          fmt.bytes(s.gpu.memoryBytes),
          `${(s.gpu.memoryBandwidth / 1e12).toFixed(2)} TB/s`,
          tflops(s.gpu.denseFlops.bf16),
          tflops(s.gpu.denseFlops.fp8),
          tflops(s.gpu.denseFlops.fp4),
          s.gpu.nvlinkBandwidth === undefined ? '–' : `${s.gpu.nvlinkBandwidth / 1e9} GB/s`,
        ])
        process.stdout.write(
          `${fmt.table(['id', 'name', 'GPUs', 'memory/GPU', 'bandwidth', 'bf16 TF/s', 'fp8 TF/s', 'fp4 TF/s', 'NVLink'], rows)}\n\nDense tensor rates. Sources:\n${[...new Set(list.flatMap((s) => s.sources))].map((x) => `  - ${x}`).join('\n')}\n`,
        )
      }),
    )
}
