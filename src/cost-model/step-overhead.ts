/**
 * What a serving step costs beyond the GPU time of its kernels: the host has to
 * launch them. With CUDA graphs the whole step is one graph launch, a fixed
 * latency the host sees before the first kernel starts. Without graphs every
 * kernel is launched from the host (PyTorch eager), and when the host needs
 * longer to launch the step than the GPU needs to run it, the GPU waits: the
 * step takes the longer of the two.
 */

/** Launch costs of one step, as fitted to whole-model timings or taken from the datasheet defaults. */
export interface StepOverheadParameters {
  /** Latency from the host's graph launch to the end of the step, beyond the step's GPU time, microseconds. */
  readonly graphLaunchUs: number
  /** Host time to launch one kernel without a graph, microseconds. */
  readonly eagerLaunchUsPerKernel: number
}

/**
 * Uncalibrated defaults. One tiny kernel replayed in a CUDA graph and timed
 * with events took about 15 µs on this workplace's H200 (../shared/reference/
 * README.md, "Measured on one of this workplace's H200s"): the floor of a graph
 * launch. A kernel launch costs "a few microseconds" of host time (NVIDIA
 * Technical Blog, "Getting Started with CUDA Graphs"), taken as 5 µs.
 */
export const datasheetStepOverhead: StepOverheadParameters = { graphLaunchUs: 15, eagerLaunchUsPerKernel: 5 }

/**
 * Seconds one step adds to its kernels' GPU time (`gpuSeconds`): the graph
 * launch with CUDA graphs; without, the host's launch time of `kernels` kernels
 * beyond the GPU time it overlaps. Serving engines call this once per engine
 * step (one prefill, or one decode step of the whole batch).
 */
export function stepOverheadSeconds(cudaGraphs: boolean, kernels: number, gpuSeconds: number, p: StepOverheadParameters = datasheetStepOverhead): number {
  if (cudaGraphs) return p.graphLaunchUs * 1e-6
  return Math.max(0, kernels * p.eagerLaunchUsPerKernel * 1e-6 - gpuSeconds)
}
