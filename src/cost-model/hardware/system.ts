import { gpus, type GpuSpec } from './gpu.ts'

/** A set of identical GPUs that a model can be split over with tensor parallelism. */
export interface SystemSpec {
  /** CLI id: a GPU id for one GPU, or a node id such as `dgx-h100`. */
  readonly id: string
  readonly name: string
  readonly gpu: GpuSpec
  readonly gpuCount: number
  /** True when all GPUs share an NVSwitch fabric (every pair at full NVLink bandwidth). */
  readonly nvswitch: boolean
  readonly sources: readonly string[]
}

function single(gpu: GpuSpec): SystemSpec {
  return { id: gpu.id, name: `1× ${gpu.name}`, gpu, gpuCount: 1, nvswitch: false, sources: gpu.sources }
}

/** DGX nodes: 8 GPUs on NVSwitch (DGX H100/H200/B200 user guides; totals in ../shared/reference/README.md). */
export const systems = {
  'h100-sxm': single(gpus['h100-sxm']),
  'h100-pcie': single(gpus['h100-pcie']),
  h200: single(gpus.h200),
  a100: single(gpus.a100),
  b200: single(gpus.b200),
  'dgx-h100': { id: 'dgx-h100', name: 'DGX H100 (8× H100 SXM5, 640 GB)', gpu: gpus['h100-sxm'], gpuCount: 8, nvswitch: true, sources: ['NVIDIA DGX H100 user guide'] },
  'dgx-h200': { id: 'dgx-h200', name: 'DGX H200 (8× H200, 1128 GB)', gpu: gpus.h200, gpuCount: 8, nvswitch: true, sources: ['NVIDIA DGX H200 user guide'] },
  'dgx-b200': { id: 'dgx-b200', name: 'DGX B200 (8× B200, 1440 GB)', gpu: gpus.b200, gpuCount: 8, nvswitch: true, sources: ['NVIDIA DGX B200 user guide'] },
} as const satisfies Record<string, SystemSpec>

export type SystemId = keyof typeof systems
export const systemIds = Object.keys(systems) as SystemId[]

export function isSystemId(id: string): id is SystemId {
  return Object.hasOwn(systems, id)
}
