import type { Precision } from '../../blocks/precision.ts'

/** One GPU model, in SI units. Every figure is cited where the record is defined. */
export interface GpuSpec {
  /** CLI id, e.g. `h100-sxm`. */
  readonly id: string
  readonly name: string
  /**
   * Device memory in bytes as the driver reports it (nvidia-smi `memory.total`, MiB × 2²⁰), which is what an
   * engine's memory fraction applies to. The datasheet's marketing GB figure is in `name`. The share an engine may
   * use is the engine's policy (src/serving/engine.ts), not a property of the GPU.
   */
  readonly memoryBytes: number
  /** Peak device-memory bandwidth, bytes/s. */
  readonly memoryBandwidth: number
  /** Dense (no sparsity) tensor-core rate per math format, FLOP/s. A missing format is not supported. */
  readonly denseFlops: Readonly<Partial<Record<Precision, number>>>
  /** Streaming multiprocessors enabled on this part: one GEMM tile runs per SM at a time (gemm-shape.ts). */
  readonly smCount: number
  /** NVLink bandwidth per GPU, both directions together, bytes/s; undefined where there is none. */
  readonly nvlinkBandwidth: number | undefined
  /** Where the figures come from. */
  readonly sources: readonly string[]
}

const TB = 1e12
const GB = 1e9
const MiB = 2 ** 20
const TFLOPS = 1e12

/**
 * The GPU catalogue. Dense tensor rates, memory, bandwidth and NVLink come from
 * the vendor datasheets as collected in ../shared/reference/README.md ("GPUs").
 * fp16 tensor rates equal bf16 on all of these parts (same datasheets).
 */
export const gpus = {
  'h100-sxm': {
    id: 'h100-sxm',
    name: 'NVIDIA H100 SXM5 80GB',
    memoryBytes: 81_559 * MiB, // nvidia-smi reports 81559MiB = 85.52e9 B on an H100 80GB HBM3 (NVIDIA/nccl issue #1264; modal-labs/modal-client PR #2797)
    memoryBandwidth: 3.35 * TB, // 3.35 TB/s (H100 datasheet)
    denseFlops: { bf16: 989 * TFLOPS, fp16: 989 * TFLOPS, fp8: 1979 * TFLOPS }, // H100 SXM datasheet, dense
    smCount: 132, // 132 SMs on the SXM5 part, 66 TPCs × 2 (NVIDIA H100 Tensor Core GPU Architecture whitepaper; glennklockwood.com/garden/processors/h100)
    nvlinkBandwidth: 900 * GB, // NVLink 4, 900 GB/s (H100 datasheet)
    sources: ['NVIDIA H100 Tensor Core GPU datasheet (SXM5 column)'],
  },
  'h100-pcie': {
    id: 'h100-pcie',
    name: 'NVIDIA H100 PCIe 80GB',
    memoryBytes: 81_559 * MiB, // nvidia-smi reports 81559MiB for the 80 GB H100 parts (modal-labs/modal-client PR #2797); same GH100 memory map as the SXM5
    memoryBandwidth: 2.0 * TB, // 2.0 TB/s (H100 datasheet, PCIe column)
    denseFlops: { bf16: 756 * TFLOPS, fp16: 756 * TFLOPS, fp8: 1513 * TFLOPS }, // H100 PCIe datasheet, dense
    smCount: 114, // 114 SMs on the PCIe part (NVIDIA H100 whitepaper; docs.nvidia.com LaunchPad "H100 MIG": "114 SMs per GPU")
    nvlinkBandwidth: 600 * GB, // NVLink bridge, 600 GB/s (H100 datasheet)
    sources: ['NVIDIA H100 Tensor Core GPU datasheet (PCIe column)'],
  },
  h200: {
    id: 'h200',
    name: 'NVIDIA H200 SXM 141GB',
    memoryBytes: 143_771 * MiB, // nvidia-smi reports 143771MiB = 150.75e9 B (datasheet 141 GB); read on this workplace's H200 (experiments/data/h200-device.json)
    memoryBandwidth: 4.8 * TB, // 4.8 TB/s (H200 datasheet)
    denseFlops: { bf16: 989 * TFLOPS, fp16: 989 * TFLOPS, fp8: 1979 * TFLOPS }, // H200 SXM datasheet, dense
    smCount: 132, // the H100 SXM5's GH100 configuration with more, faster memory: 132 SMs (glennklockwood.com/garden/processors/h100, "H200 GPUs are the same as H100 GPUs ... with 144 GB of HBM3e")
    nvlinkBandwidth: 900 * GB, // NVLink 4, 900 GB/s (H200 datasheet)
    sources: ['NVIDIA H200 Tensor Core GPU datasheet (SXM column)'],
  },
  a100: {
    id: 'a100',
    name: 'NVIDIA A100 SXM 80GB',
    memoryBytes: 81_920 * MiB, // nvidia-smi reports 81920MiB = 85.90e9 B on an A100 80GB (modal-labs/modal-client PR #2797)
    memoryBandwidth: 2.039 * TB, // 2,039 GB/s (A100 80GB SXM datasheet)
    denseFlops: { bf16: 312 * TFLOPS, fp16: 312 * TFLOPS }, // A100 datasheet, dense; no fp8 tensor cores
    smCount: 108, // 108 SMs (NVIDIA A100 Tensor Core GPU Architecture whitepaper)
    nvlinkBandwidth: 600 * GB, // NVLink 3, 600 GB/s (A100 datasheet)
    sources: ['NVIDIA A100 Tensor Core GPU datasheet (80GB SXM column)'],
  },
  b200: {
    id: 'b200',
    name: 'NVIDIA B200 (HGX) 180GB',
    memoryBytes: 183_359 * MiB, // nvidia-smi reports 183359MiB = 192.3e9 B on a B200 (NVIDIA/TensorRT-LLM issue #10278); DGX B200 documents 180 GB per GPU
    memoryBandwidth: 8 * TB, // 8 TB/s (HGX B200 datasheet)
    denseFlops: { bf16: 2250 * TFLOPS, fp16: 2250 * TFLOPS, fp8: 4500 * TFLOPS, fp4: 9000 * TFLOPS }, // HGX B200 datasheet, dense
    smCount: 148, // 148 SMs enabled on a B200 (0xSero/blackwell-gpu-wiki issue #2, checked against the DGX B200 FP4 peak); no NVIDIA datasheet lists SMs
    nvlinkBandwidth: 1800 * GB, // NVLink 5, 1.8 TB/s (HGX B200 datasheet)
    sources: ['NVIDIA HGX B200 datasheet', 'NVIDIA DGX B200 user guide'],
  },
} as const satisfies Record<string, GpuSpec>

export type GpuId = keyof typeof gpus
