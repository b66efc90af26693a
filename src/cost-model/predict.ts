/**
 * Per-block predictions in the `predict` query format: one block, one phase
 * shape, one GPU, one dtype. The profiler writes measurements in the same
 * format, so calibration compares like with like.
 */
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import { blockModel } from '../blocks/registry.ts'
import { BlockSpecSchema, PrecisionSchema } from '../blocks/schema.ts'
import type { PhaseShape } from '../blocks/work.ts'
import { blockTiming } from './block-cost.ts'
import { deployment, deploymentProblem } from './deployment.ts'
import type { EfficiencyModel } from './efficiency.ts'
import { findSystem } from './hardware/lookup.ts'
import type { Bound, KernelTiming } from './roofline.ts'

const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0))

const QueryBase = {
  id: Schema.Union([Schema.String, Schema.Number]),
  gpu: Schema.optional(Schema.String),
  dtype: Schema.optional(PrecisionSchema),
  block: BlockSpecSchema,
  batch: PositiveInt,
}

export const PredictQuerySchema = Schema.Union([
  Schema.Struct({ ...QueryBase, phase: Schema.Literal('prefill'), seqLen: PositiveInt }),
  Schema.Struct({ ...QueryBase, phase: Schema.Literal('decode'), contextLen: PositiveInt }),
])

export type PredictQuery = typeof PredictQuerySchema.Type

export interface Prediction {
  readonly id: string | number
  readonly latencyUs: number
  readonly flops: number
  readonly bytes: number
  /** What bounds the slowest kernel of the block. */
  readonly bound: Bound
  /** Per kernel: name, microseconds, bound; only when asked for. */
  readonly kernels?: readonly { readonly name: string; readonly us: number; readonly bound: Bound }[]
}

export function queryShape(q: PredictQuery): PhaseShape {
  return q.phase === 'prefill' ? { phase: 'prefill', batch: q.batch, seqLen: q.seqLen } : { phase: 'decode', batch: q.batch, contextLen: q.contextLen }
}

/**
 * Predicts one query. `defaultGpu` applies when the query names none; the dtype
 * (default bf16) is used for weights, activations and cache alike, as the profiler times blocks.
 */
export function predict(
  q: PredictQuery,
  efficiency: EfficiencyModel,
  defaultGpu: string | undefined,
  withKernels = false,
): Result.Result<Prediction, string> {
  const gpuId = q.gpu ?? defaultGpu
  if (gpuId === undefined) return Result.fail('gpu: missing (give it in the query or with --gpu)')
  const system = findSystem(gpuId)
  if (Result.isFailure(system)) return Result.fail(system.failure.message)
  const dtype = q.dtype ?? 'bf16'
  const d = deployment(system.success, { weights: dtype, activations: dtype, kv: dtype }, { efficiency })
  // The query has one dtype for weights, activations and cache: name the query's own field (root cause C of issue 15).
  const unsupported = deploymentProblem(d)
  if (unsupported !== undefined) return Result.fail(`dtype: ${dtype} (${system.success.gpu.name} has no ${dtype} tensor cores; supported: ${Object.keys(system.success.gpu.denseFlops).join(', ')})`)
  const bad = blockModel(q.block).validate(q.block, 1)
  if (bad !== undefined) return Result.fail(`block.${bad}`)
  const t = blockTiming(q.block, queryShape(q), d)
  let slowest: KernelTiming | undefined
  for (const k of t.kernels) if (slowest === undefined || k.seconds > slowest.seconds) slowest = k
  const prediction: Prediction = {
    id: q.id,
    latencyUs: t.seconds * 1e6,
    flops: t.flops,
    bytes: t.bytes,
    // A no-op runs no kernel; it is reported as memory-bound at zero time.
    bound: slowest?.bound ?? 'memory',
  }
  return Result.succeed(
    withKernels
      ? { ...prediction, kernels: t.kernels.map((k) => ({ name: k.kernel.name, us: k.seconds * 1e6, bound: k.bound })) }
      : prediction,
  )
}
