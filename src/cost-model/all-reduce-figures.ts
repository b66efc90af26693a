/**
 * Published all-reduce timings on Hopper nodes (H100/H200 SXM, NVLink 4 through NVSwitch, 900 GB/s per GPU),
 * bf16 messages, and the two models built from them:
 * - `engine`: what a serving engine pays. Engines capture decode in CUDA graphs and pick, per size, the fastest of
 *   their custom one-shot/two-shot kernels, symmetric-memory all-reduce and NCCL (vLLM PR #24111 dispatches by
 *   size; SGLang and TensorRT-LLM do likewise). Its floor is 6–10 µs (../shared/reference/README.md, "NCCL
 *   all-reduce on 8× H100").
 * - `plainNccl`: `torch.distributed.all_reduce` or nccl-tests launched one call at a time, as the profiler
 *   (experiments/profiling/profile_allreduce.py) times it: a floor of 25–45 µs (same reference).
 * Sizes are bytes; "MB" in vLLM's tables is MiB (a (32, 8192) bf16 tensor is shown as 0.50 MB).
 */
import { allReduceCurve, type AllReduceCurve, type AllReduceModel, ringFactor } from './all-reduce.ts'

const KiB = 1024
const MiB = 1024 * KiB
const GiB = 1024 * MiB
const us = 1e-6
const GBps = 1e9

/** The time at which `bytes` on `ranks` GPUs moves at nccl-tests bus bandwidth `busBw` (bytes/s). */
function atBusBandwidth(bytes: number, busBw: number, ranks: number): { bytes: number; seconds: number } {
  return { bytes, seconds: (ringFactor(ranks) * bytes) / busBw }
}

/** NVLink bandwidth per GPU of the GPUs the figures were measured on: NVLink 4, 900 GB/s (H100 and H200 SXM datasheets). */
export const figuresNvlinkBandwidth = 900e9

/** In-graph small-message floor of engines: 6–10 µs (../shared/reference/README.md; vLLM PR #24111); the midpoint, at 4 KiB. */
const engineFloor = { bytes: 4 * KiB, seconds: 8 * us }

/**
 * Largest-message bus bandwidths of NCCL on 8× H100 SXM (NVIDIA/nccl issue #1455, at 2–4 GB): NVLink SHARP on
 * 2–4 GPUs gives no more than the ring's 365–370 GB/s; on 6 it reaches about 440 GB/s and on 8 about 480 GB/s
 * (also nccl-tests issue #212: "~480GB/s" on 8 GPUs, and 256 MB "too small to reach peak").
 */
const peakBusBandwidth = { 4: 370 * GBps, 6: 440 * GBps, 8: 480 * GBps } as const

/** Engine curves, one per rank count with figures. Each size takes the fastest of the algorithms the engine dispatches between. */
export const engineCurves: readonly AllReduceCurve[] = [
  allReduceCurve(
    4,
    [
      engineFloor,
      // vLLM PR #24111, H100 TP=4, hidden 8192, bf16: the best of ca_1stage, ca_2stage, pynccl and symm_mem per size.
      { bytes: 0.5 * MiB, seconds: 10 * us },
      { bytes: 1 * MiB, seconds: 15 * us },
      { bytes: 1.5 * MiB, seconds: 19 * us },
      { bytes: 2 * MiB, seconds: 22 * us },
      { bytes: 3 * MiB, seconds: 25 * us },
      { bytes: 4 * MiB, seconds: 29 * us },
      atBusBandwidth(1 * GiB, peakBusBandwidth[4], 4),
    ],
    'vLLM PR #24111 (H100 TP=4, 0.5–4 MiB); NVIDIA/nccl#1455 (370 GB/s bus bandwidth at 1 GiB); 8 µs in-graph floor',
  ),
  allReduceCurve(
    6,
    [
      engineFloor,
      // vLLM PR #24111, H100 TP=6, hidden 8192, bf16: best per size.
      { bytes: 0.5 * MiB, seconds: 13 * us },
      { bytes: 1 * MiB, seconds: 16 * us },
      { bytes: 1.5 * MiB, seconds: 18 * us },
      { bytes: 2 * MiB, seconds: 21 * us },
      { bytes: 3 * MiB, seconds: 25 * us },
      { bytes: 4 * MiB, seconds: 31 * us },
      atBusBandwidth(1 * GiB, peakBusBandwidth[6], 6),
    ],
    'vLLM PR #24111 (H100 TP=6, 0.5–4 MiB); NVIDIA/nccl#1455 (440 GB/s bus bandwidth at 1 GiB); 8 µs in-graph floor',
  ),
  allReduceCurve(
    8,
    [
      engineFloor,
      // vLLM PR #42324, SM 9.0 (Hopper), world size 8, bf16: the best of pynccl, symm_mem_multimem and symm_mem_two_shot.
      { bytes: 0.5 * MiB, seconds: 11 * us },
      { bytes: 1 * MiB, seconds: 14 * us },
      { bytes: 1.5 * MiB, seconds: 16 * us },
      { bytes: 2 * MiB, seconds: 18 * us },
      { bytes: 3 * MiB, seconds: 23 * us },
      { bytes: 4 * MiB, seconds: 27 * us },
      { bytes: 8 * MiB, seconds: 46 * us },
      { bytes: 16 * MiB, seconds: 87 * us },
      { bytes: 32 * MiB, seconds: 165 * us },
      { bytes: 47.84 * MiB, seconds: 244 * us },
      { bytes: 64 * MiB, seconds: 316 * us },
      { bytes: 128 * MiB, seconds: 561 * us },
      atBusBandwidth(1 * GiB, peakBusBandwidth[8], 8),
    ],
    'vLLM PR #42324 (Hopper, world size 8, 0.5–128 MiB); nccl-tests#212 and NVIDIA/nccl#1455 (480 GB/s at 1 GiB); 8 µs in-graph floor',
  ),
]

/**
 * Plain NCCL on 8× H100 (../shared/reference/README.md, "NCCL all-reduce on 8× H100"): the curve the old
 * α + β fit was fitted to, with the sizes in between now read off the figures instead of a line.
 */
export const plainNcclCurves: readonly AllReduceCurve[] = [
  allReduceCurve(
    8,
    [
      // NCCL's own tuning model on 8× H100 estimates 25.2–25.9 µs for 128 B–4 KiB (NVIDIA/nccl#1453, NCCL_DEBUG
      // "Algo 0 proto 0 time"); the low end of the reference's 25–45 µs floor.
      { bytes: 4 * KiB, seconds: 25 * us },
      // Bus bandwidth 44 GB/s at 1 MB and 130 GB/s at 4 MB (nccl-tests #212 and #290, Azure AI-benchmarking-guide).
      atBusBandwidth(1 * MiB, 44 * GBps, 8),
      atBusBandwidth(4 * MiB, 130 * GBps, 8),
      // 195 µs at 32 MiB: vLLM PR #42324's pynccl on Hopper, world size 8 (300 GB/s bus bandwidth).
      { bytes: 32 * MiB, seconds: 195 * us },
      // About 480 GB/s from 256 MB on (reference README; nccl-tests #212).
      atBusBandwidth(256 * MiB, 480 * GBps, 8),
      atBusBandwidth(1 * GiB, 480 * GBps, 8),
    ],
    'reference README (nccl-tests #212, #290, Azure guide: 44/130/480 GB/s at 1 MB/4 MB/256 MB+); NVIDIA/nccl#1453 (25 µs floor); vLLM PR #42324 (32 MiB)',
  ),
]

function scaled(name: string, curves: readonly AllReduceCurve[], nvlinkBandwidth: number, note: string): AllReduceModel {
  return {
    name,
    curves,
    bandwidthScale: nvlinkBandwidth / figuresNvlinkBandwidth,
    source: `${curves.map((c) => `${c.ranks} ranks: ${c.source}`).join('; ')}. ${note}`,
  }
}

const scalingNote =
  'Figures are for NVLink 4 (900 GB/s per GPU); other nodes have their message sizes scaled by their NVLink bandwidth, an assumption until measured (no A100 or B200 curve is in the reference notes).'

/** What a serving engine pays on a node whose GPUs have `nvlinkBandwidth` bytes/s of NVLink each (undefined or 0: none). */
export function allReduceModelFor(nvlinkBandwidth: number): AllReduceModel {
  return scaled('engine (in CUDA graphs, custom/symmetric-memory/NCCL by size)', engineCurves, nvlinkBandwidth, scalingNote)
}

/** Plain NCCL launched one call at a time, as nccl-tests and the all-reduce profiler time it. */
export function plainNcclModelFor(nvlinkBandwidth: number): AllReduceModel {
  return scaled('plain NCCL (one launch per call)', plainNcclCurves, nvlinkBandwidth, scalingNote)
}
