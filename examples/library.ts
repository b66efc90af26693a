import { cost, search, frontierSvg } from 'nas-sim'

// Llama-3.1-8B served by vLLM on one H100 in fp8, 128 prompt tokens and 1024 generated, 64 requests in flight.
const where = { gpu: 'h100-sxm', weights: 'fp8', kv: 'fp8' } as const
const parent = await cost({ model: 'llama-3.1-8b', ...where, batch: 64, input: 128, output: 1024 })
console.log(`parent: ${parent.metrics.outputTokensPerSecondPerGpu.toFixed(0)} tokens/s per GPU, fits: ${parent.memory.fits}`)

// The child of least quality loss at 1.5× the parent's throughput.
const result = await search({ parent: 'llama-3.1-8b', ...where, scenarios: [{ input: 128, output: 1024, batch: 64 }], speedup: 1.5 })
console.log(`child: ${result.speedup?.toFixed(2)}× the parent, quality loss ${result.child.objective.toFixed(4)}`)

// Plots are plain functions from data to SVG.
const svg = frontierSvg({
  series: [{ name: 'child', points: [{ throughput: result.child.scenarios[0]!.child.metrics.outputTokensPerSecondPerGpu, quality: result.child.objective }] }],
  qualitySource: { kind: result.quality.source.kind },
})
console.log(`frontier plot: ${svg.length} bytes of SVG`)
