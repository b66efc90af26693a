/**
 * All-reduce time: t = latency + 2(n−1)/n · bytes / busBandwidth, the ring/NVLS
 * form used by nccl-tests to define bus bandwidth.
 *
 * The bus bandwidth is fitted, by least squares on relative error, to the
 * published NCCL figures for 8× H100 on NVSwitch collected in
 * ../shared/reference/README.md ("NCCL all-reduce on 8× H100"): about 44 GB/s
 * bus bandwidth at 1 MB, 130 GB/s at 4 MB and 480 GB/s above 256 MB (sources:
 * nccl-tests issues #212 and #290, the Azure AI-benchmarking-guide). The latency
 * is fitted to the same points for plain NCCL; serving engines run all-reduce
 * inside CUDA graphs or with a custom kernel, whose published floor is 6–10 µs
 * (vLLM PR #24111), so `inGraph` uses the middle of that range.
 */

export interface AllReduceModel {
  /** Fixed cost per call, seconds. */
  readonly latency: number
  /** Bus bandwidth at large messages, bytes/s. */
  readonly busBandwidth: number
  /** Where the figures come from. */
  readonly source: string
}

/** A published measurement: message size (bytes) and the bus bandwidth it reached (bytes/s), on `ranks` GPUs. */
export interface AllReduceSample {
  readonly bytes: number
  readonly busBandwidth: number
  readonly ranks: number
}

const MiB = 1024 * 1024
const GBps = 1e9

/** 8× H100 NVSwitch, NCCL all-reduce (../shared/reference/README.md). */
export const publishedH100Samples: readonly AllReduceSample[] = [
  { bytes: 1 * MiB, busBandwidth: 44 * GBps, ranks: 8 },
  { bytes: 4 * MiB, busBandwidth: 130 * GBps, ranks: 8 },
  { bytes: 256 * MiB, busBandwidth: 480 * GBps, ranks: 8 },
  { bytes: 1024 * MiB, busBandwidth: 480 * GBps, ranks: 8 },
]

/** Published small-message floor inside CUDA graphs or custom all-reduce: 6–10 µs (vLLM PR #24111); the midpoint. */
const inGraphLatency = 8e-6

/** The ring factor 2(n−1)/n: each byte crosses the bus that many times. */
export function ringFactor(ranks: number): number {
  return (2 * (ranks - 1)) / ranks
}

export function allReduceSeconds(model: AllReduceModel, bytes: number, ranks: number): number {
  if (ranks <= 1) return 0
  return model.latency + (ringFactor(ranks) * bytes) / model.busBandwidth
}

/**
 * Fits latency α and inverse bandwidth β in t = α + β·r·bytes to samples, minimising
 * Σ((t̂ − t)/t)², a weighted linear least-squares problem solved in closed form.
 */
export function fitAllReduce(samples: readonly AllReduceSample[], source: string): AllReduceModel {
  let s00 = 0
  let s01 = 0
  let s11 = 0
  let b0 = 0
  let b1 = 0
  for (const s of samples) {
    const x = ringFactor(s.ranks) * s.bytes
    const t = x / s.busBandwidth
    const w = 1 / (t * t)
    s00 += w
    s01 += w * x
    s11 += w * x * x
    b0 += w * t
    b1 += w * x * t
  }
  const det = s00 * s11 - s01 * s01
  const latency = (b0 * s11 - b1 * s01) / det
  const inverseBandwidth = (s00 * b1 - s01 * b0) / det
  return { latency, busBandwidth: 1 / inverseBandwidth, source }
}

/** Plain NCCL on an NVLink-4 NVSwitch node, fitted to the published H100 figures. */
export const ncclH100 = fitAllReduce(publishedH100Samples, 'fit to published NCCL all-reduce figures, 8× H100 NVSwitch')

/**
 * The model for a node whose per-GPU NVLink bandwidth is `nvlinkBandwidth`, run
 * inside CUDA graphs. Bandwidth scales with NVLink generation relative to the
 * H100's 900 GB/s; no B200 NCCL figure is in the reference notes, so this
 * scaling is an assumption until someone measures it.
 */
export function allReduceModelFor(nvlinkBandwidth: number): AllReduceModel {
  const h100NvLink = 900e9 // NVLink 4 per GPU (H100 datasheet)
  return {
    latency: inGraphLatency,
    busBandwidth: ncclH100.busBandwidth * (nvlinkBandwidth / h100NvLink),
    source: `${ncclH100.source}, scaled by NVLink bandwidth; latency ${inGraphLatency * 1e6} µs in CUDA graphs (vLLM PR #24111)`,
  }
}
