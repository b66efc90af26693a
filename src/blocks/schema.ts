/**
 * Effect Schemas for block specs as users write them (predict queries, search
 * spaces). Structural checks live here; relations between fields (kvHeads
 * divides heads, TP splits) are each block model's `validate`.
 */
import * as Schema from 'effect/Schema'

const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0))

export const AttentionSpecSchema = Schema.Struct({
  type: Schema.Literal('attention'),
  hidden: PositiveInt,
  heads: PositiveInt,
  kvHeads: PositiveInt,
  headDim: PositiveInt,
  window: Schema.optional(PositiveInt),
  sharesKv: Schema.optional(Schema.Boolean),
})

export const LinearSpecSchema = Schema.Struct({ type: Schema.Literal('linear'), hidden: PositiveInt })

export const NoopSpecSchema = Schema.Struct({ type: Schema.Literal('noop'), hidden: PositiveInt })

export const FfnSpecSchema = Schema.Struct({
  type: Schema.Literal('ffn'),
  hidden: PositiveInt,
  intermediate: PositiveInt,
  activation: Schema.Literals(['swiglu', 'relu2']),
})

export const Mamba2SpecSchema = Schema.Struct({
  type: Schema.Literal('mamba2'),
  hidden: PositiveInt,
  heads: PositiveInt,
  headDim: PositiveInt,
  stateDim: PositiveInt,
  groups: PositiveInt,
  convKernel: PositiveInt,
  chunkSize: Schema.optional(PositiveInt),
})

export const HybridHeadsSpecSchema = Schema.Struct({
  type: Schema.Literal('hybrid-heads'),
  hidden: PositiveInt,
  heads: PositiveInt,
  kvHeads: PositiveInt,
  qkHeadDim: PositiveInt,
  vHeadDim: PositiveInt,
  window: Schema.optional(PositiveInt),
  sharesKv: Schema.optional(Schema.Boolean),
  ssmInner: PositiveInt,
  stateDim: PositiveInt,
  dtRank: PositiveInt,
  convKernel: PositiveInt,
  metaTokens: Schema.optional(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
})

export const BlockSpecSchema = Schema.Union([AttentionSpecSchema, LinearSpecSchema, NoopSpecSchema, FfnSpecSchema, Mamba2SpecSchema, HybridHeadsSpecSchema])

export const PrecisionSchema = Schema.Literals(['bf16', 'fp16', 'fp8', 'fp4'])
