import type { Command } from 'commander'
import { bestServingSetting } from '../../serving/best-setting.ts'
import { findSystem } from '../../cost-model/hardware/lookup.ts'
import { InvalidInput } from '../../errors.ts'
import { addCalibrationOption, efficiencyFrom, efficiencyNote } from '../calibration-option.ts'
import { precisionFrom, servingFrom } from '../deployment-options.ts'
import * as fmt from '../format.ts'
import { loadArchitecture } from '../model-option.ts'
import { batchSize, orThrow, positiveInt, tokenCount } from '../parse.ts'
import { action } from '../run-action.ts'

interface ServeFlags {
  readonly model: string
  readonly gpu: string
  readonly input: string
  readonly output: string
  readonly tp?: string
  readonly batch?: string
  readonly weights?: string
  readonly activations?: string
  readonly kv?: string
  readonly calibration?: string
  readonly engine: string
  readonly batching: string
  readonly json?: boolean
}

export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description('tokens/s per GPU, TTFT and TPOT at the best tensor-parallel degree and concurrency that fit the engine (or at fixed ones)')
    .requiredOption('--model <preset|config.json>', 'a preset id or a Hugging Face config.json')
    .requiredOption('--gpu <id>', 'GPU or system, e.g. h100-sxm or dgx-h100')
    .requiredOption('--input <tokens>', 'prompt tokens per sequence')
    .requiredOption('--output <tokens>', 'generated tokens per sequence')
    .option('--tp <n>', 'fix the tensor-parallel degree (default: best of 1, 2, 4, 8 that the system has)')
    .option('--batch <n>', 'fix the concurrency (in flight) or the static batch (default: best that fits)')
    .option('--engine <id>', 'serving engine whose memory policy and scheduler apply: vllm, trtllm, sglang', 'vllm')
    .option('--batching <mode>', 'inflight (continuous batching, chunked prefill, paged KV) or static (one batch, Puzzle’s table)', 'inflight')
    .option('--weights <p>', 'weight precision', 'bf16')
    .option('--activations <p>', 'activation precision (default: the weight precision)')
    .option('--kv <p>', 'KV-cache precision', 'bf16')
    .option('--json', 'print JSON')
  addCalibrationOption(cmd).action(
    action(async (flags: ServeFlags) => {
      const system = orThrow(findSystem(flags.gpu))
      const arch = await loadArchitecture(flags.model)
      const query = {
        system,
        precision: precisionFrom(flags),
        input: tokenCount('--input', flags.input),
        output: tokenCount('--output', flags.output),
        efficiency: await efficiencyFrom(flags.calibration, flags.gpu),
        ...servingFrom(flags),
        ...(flags.tp === undefined ? {} : { tp: positiveInt('--tp', flags.tp) }),
        ...(flags.batch === undefined ? {} : { batch: batchSize('--batch', flags.batch) }),
      }
      const { best, rejected } = bestServingSetting(arch, query)
      if (best === undefined) throw new InvalidInput({ field: '--model', problem: `${arch.name} cannot be served on ${system.id}: ${rejected.join('; ')}` })
      const m = best.cost.metrics
      if (flags.json) {
        const doc = {
          model: arch.name,
          system: system.id,
          precision: query.precision,
          engine: best.deployment.engine.id,
          batching: best.deployment.batching,
          input: query.input,
          output: query.output,
          tp: best.tp,
          batch: best.batch,
          tokensPerSecondPerGpu: best.tokensPerSecondPerGpu,
          tokensPerSecondPerUser: best.tokensPerSecondPerUser,
          ttftSeconds: m.ttftSeconds,
          tpotSeconds: m.tpotSeconds,
          e2eSeconds: m.e2eSeconds,
          memory: best.cost.memory,
          efficiency: best.cost.efficiency,
          rejected,
        }
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`)
        return
      }
      process.stdout.write(
        [
          `${arch.name} on ${system.name}, ${query.input} → ${query.output} tokens; weights ${query.precision.weights}, KV ${query.precision.kv}`,
          `engine: ${best.deployment.engine.name}, ${best.deployment.batching === 'inflight' ? 'in-flight batching' : 'static batch'}; memory ${best.cost.memory.policy}`,
          `best setting: TP ${best.tp}, ${best.deployment.batching === 'inflight' ? 'concurrency' : 'batch'} ${best.batch}${flags.tp || flags.batch ? ' (as fixed)' : ''}`,
          `throughput: ${fmt.rate(best.tokensPerSecondPerGpu)} per GPU, ${fmt.rate(best.tokensPerSecondPerUser)} per user`,
          `latency: first token ${fmt.seconds(m.ttftSeconds)}, per output token ${m.tpotSeconds === undefined ? '–' : fmt.seconds(m.tpotSeconds)}, end to end ${fmt.seconds(m.e2eSeconds)}`,
          `memory per GPU: ${fmt.bytes(best.cost.memory.total)} of ${fmt.bytes(best.cost.memory.capacity)} the engine holds`,
          ...rejected.map((r) => `not possible: ${r}`),
          efficiencyNote(best.cost.efficiency),
        ].join('\n') + '\n',
      )
    }),
  )
}
