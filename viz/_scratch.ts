import { writeFileSync } from 'node:fs'
import { architectureMapSvg, breakdownSvg, frontierSvg, svgToPng } from './index.ts'
import { breakdownSample, frontierSample } from '../test/fixtures/viz/samples.ts'
import type { Architecture } from '../src/blocks/architecture.ts'
const hidden = 4096
const pattern = 'M-M-M-MM-M-M*-M-M-M*-M-M-M-M*-M-M-M-M*-M-MM-M-M-M-M-M-'
const nh: Architecture = { name: 'Nemotron-H-8B', hidden, embedding: { vocabSize: 131072, hidden, tied: false }, layers: [...pattern].map((c) => ({
  mixer: c === 'M' ? { type: 'mamba2', hidden, heads: 128, headDim: 64, stateDim: 128, groups: 8, convKernel: 4 } : c === '*' ? { type: 'attention', hidden, heads: 32, kvHeads: 8, headDim: 128 } : { type: 'noop', hidden },
  ffn: c === '-' ? { type: 'ffn', hidden, intermediate: 21504, activation: 'relu2' } : { type: 'noop', hidden },
})) }
const nhChild: Architecture = { ...nh, name: 'Child', layers: nh.layers.map((l, i) => ({ mixer: l.mixer.type === 'attention' && i > 20 ? { type: 'attention', hidden, heads: 32, kvHeads: 2, headDim: 128 } : l.mixer, ffn: l.ffn.type === 'ffn' && i % 3 === 0 ? { ...l.ffn, intermediate: 10752 } : l.ffn })) }
const out: Record<string, string> = {
  'f-narrow': frontierSvg({ ...frontierSample, width: 480, height: 360, title: undefined }),
  'f-one': frontierSvg({ series: [{ name: 'Llama-3.3-70B on one H100 SXM at FP8, 1024 in / 1024 out tokens', points: frontierSample.series[0]!.points }], chosen: { throughput: 3000, quality: 0.3, label: 'off-series choice' }, qualitySource: { kind: 'mixed', description: 'replace-1-block KL on 2,000 Distillation Mix samples' } }),
  'm-nh': architectureMapSvg({ parent: nh, children: [nhChild], width: 720 }),
  'b-3': breakdownSvg({ ...breakdownSample, width: 640, models: [...breakdownSample.models, { ...breakdownSample.models[1]!, name: 'A much longer child name at 3× throughput' }] }),
}
for (const [k, v] of Object.entries(out)) writeFileSync(`/tmp/vizscratch/${k}.png`, svgToPng(v))
