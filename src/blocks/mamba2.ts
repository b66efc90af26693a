/**
 * Mamba-2 mixer (state-space duality), as in Nemotron-H: pre-norm, in_proj to
 * [z, x, B, C, dt], a depthwise causal conv over [x, B, C], the SSD scan
 * (chunked in prefill, a recurrent state update in decode), a gated RMSNorm,
 * out_proj, residual add. Heads and groups split under tensor parallelism.
 *
 * Layout and parameter set follow the Nemotron-H description in
 * ../shared/reference/README.md ("Nemotron-H hybrid_override_pattern") and the
 * Mamba-2 paper (Dao & Gu, 2024, arXiv:2405.21060, section 6 "SSD algorithm").
 */
import type { BlockModel } from './block-model.ts'
import { allReduce, elementwise, residualAdd, rmsNorm, weightGemm } from './kernels.ts'
import { bytesPerElement, recurrentStatePrecision, scanPrecision, type Precision } from './precision.ts'
import { defaultMambaChunkSize, type Mamba2Spec } from './spec.ts'
import { firstError, headsPerGpu, kvHeadsPerGpu, positiveIntegerError, splitError } from './tensor-parallel.ts'
import { tokensPerSequence, type Kernel } from './work.ts'

/** The SSD kernels keep their inter-chunk states in fp32 (4 bytes), whatever the model precision. */
const chunkStateBytes = 4

/** Per-GPU dimensions of a Mamba-2 mixer. */
export function mambaDims(s: Mamba2Spec, tp: number) {
  const heads = headsPerGpu(s.heads, tp)
  const groups = kvHeadsPerGpu(s.groups, tp)
  const inner = heads * s.headDim
  const bc = 2 * groups * s.stateDim
  return { heads, groups, inner, convChannels: inner + bc, inProj: 2 * inner + bc + heads }
}

/**
 * The chunked SSD scan of a prefill as three kernels, one per stage of the
 * algorithm (Dao & Gu 2024, §6; experiments/profiling/ssd_triton.py runs them):
 * - chunk states: each chunk's own final state, a (headDim × Q) · (Q × stateDim)
 *   product per sequence, chunk and head, written in fp32;
 * - state passing: the recurrence over chunks, reading and rewriting every
 *   chunk state once;
 * - chunk scan: per head, C·Bᵀ over the causal half of each chunk (tiles of 64
 *   positions, so a query sees (Q + 64)/2 keys on average), its product with X,
 *   and C times the state entering the chunk.
 * Q is the chunk length, or the sequence when shorter. The cumulative sum of
 * dt·A before them is an element-wise kernel over tokens × heads.
 */
function chunkedScan(s: Mamba2Spec, batch: number, seqLen: number, d: ReturnType<typeof mambaDims>, math: Precision): Kernel[] {
  const a = bytesPerElement[math]
  const q = Math.min(s.chunkSize ?? defaultMambaChunkSize, seqLen)
  const chunks = Math.ceil(seqLen / q)
  const tokens = batch * seqLen
  const stateElems = d.heads * s.headDim * s.stateDim
  const states = batch * chunks * stateElems
  const shape = { batch, queries: seqLen, heads: d.heads, headDim: s.headDim, stateDim: s.stateDim }
  const xBytes = tokens * d.inner * a
  const bcBytes = tokens * d.groups * s.stateDim * a
  const keys = Math.min(q, (q + scanTile) / 2)
  return [
    { name: 'ssd_cumsum', kind: 'elementwise', flops: 2 * tokens * d.heads, bytes: 3 * tokens * d.heads * chunkStateBytes, math },
    { name: 'ssd_chunk_state', kind: 'scan', flops: 2 * tokens * stateElems, bytes: xBytes + bcBytes + states * chunkStateBytes, math, scan: shape },
    { name: 'ssd_state_passing', kind: 'scan', flops: 2 * states, bytes: 2 * states * chunkStateBytes, math, scan: shape },
    {
      name: 'ssd_chunk_scan',
      kind: 'scan',
      flops: 2 * tokens * d.heads * keys * (s.stateDim + s.headDim) + 2 * tokens * stateElems,
      bytes: 2 * xBytes + 2 * bcBytes + states * chunkStateBytes,
      math,
      scan: shape,
    },
  ]
}

/** Query tile of the chunk scan: 64 positions (ssd_triton.py's BLOCK_M). */
const scanTile = 64

export const mamba2: BlockModel<Mamba2Spec> = {
  params: (s) => {
    const { inner, convChannels, inProj } = mambaDims(s, 1)
    const conv = convChannels * s.convKernel + convChannels // depthwise weights + bias
    const perHead = 3 * s.heads // dt_bias, A_log, D
    return s.hidden + s.hidden * inProj + conv + perHead + inner + inner * s.hidden
  },

  work: (s, shape, { precision, tp }) => {
    const tokens = shape.batch * tokensPerSequence(shape)
    const d = mambaDims(s, tp)
    const act = precision.activations
    // The scans compute and exchange tensors at bf16 or wider, and the state is kept in the model dtype, whatever the GEMMs and KV cache use.
    const scanMath = scanPrecision(precision)
    const a = bytesPerElement[act]
    const sa = bytesPerElement[scanMath]
    const stateElems = d.heads * s.headDim * s.stateDim

    let conv: Kernel
    let scan: readonly Kernel[]
    if (shape.phase === 'prefill') {
      conv = elementwise('conv1d', tokens * d.convChannels, 1, 1, 2 * s.convKernel, act)
      scan = chunkedScan(s, shape.batch, shape.seqLen, d, scanMath)
    } else {
      const kv = bytesPerElement[recurrentStatePrecision(precision)]
      const convState = (s.convKernel - 1) * d.convChannels
      conv = {
        name: 'conv1d_update',
        kind: 'elementwise',
        flops: 2 * tokens * d.convChannels * s.convKernel,
        bytes: shape.batch * (2 * convState * kv + 2 * d.convChannels * a),
        math: act,
      }
      // h ← exp(dt·A)·h + dt·B·xᵀ, then y = C·h + D·x: read and write the whole state once.
      scan = [
        {
          name: 'ssm_state_update',
          kind: 'scan',
          flops: 6 * shape.batch * stateElems,
          bytes: shape.batch * (2 * stateElems * kv + (d.convChannels + d.heads + d.inner) * sa),
          math: scanMath,
          scan: { batch: shape.batch, queries: 1, heads: d.heads, headDim: s.headDim, stateDim: s.stateDim },
        },
      ]
    }

    const kernels: Kernel[] = [
      rmsNorm('mixer_norm', tokens, s.hidden, act),
      weightGemm('in_proj', tokens, d.inProj, s.hidden, precision),
      conv,
      ...scan,
      elementwise('gated_norm', tokens * d.inner, 2, 1, 6, act),
      weightGemm('out_proj', tokens, s.hidden, d.inner, precision),
      residualAdd(tokens, s.hidden, act),
    ]
    if (tp > 1) kernels.push(allReduce(tokens, s.hidden, act, tp))
    return kernels
  },

  kvCacheBytes: () => 0,

  stateBytes: (s, { precision, tp }) => {
    const d = mambaDims(s, tp)
    return (d.heads * s.headDim * s.stateDim + (s.convKernel - 1) * d.convChannels) * bytesPerElement[recurrentStatePrecision(precision)]
  },

  validate: (s, tp) =>
    firstError(
      positiveIntegerError('hidden', s.hidden),
      positiveIntegerError('heads', s.heads),
      positiveIntegerError('headDim', s.headDim),
      positiveIntegerError('stateDim', s.stateDim),
      positiveIntegerError('groups', s.groups),
      positiveIntegerError('convKernel', s.convKernel),
      s.chunkSize === undefined ? undefined : positiveIntegerError('chunkSize', s.chunkSize),
      s.heads % s.groups === 0 ? undefined : `groups: ${s.groups} (must divide heads = ${s.heads})`,
      splitError('heads', s.heads, tp, false),
      splitError('groups', s.groups, tp, true),
    ),
}
