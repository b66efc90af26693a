/**
 * `npx tsx experiments/hymba-space/run.ts`: the worked example of the hymba
 * space, Hymba-style layers searched from Llama-3.2-3B on one H200 under vLLM
 * (examples/hymba-vs-llama-3.2-3b.md), reproduced through the library:
 * - the KV cache of one 8,000-token sequence in FP16, the setting of the Hymba
 *   paper's cache comparison, for Llama-3.2-3B, Hymba-1.5B and the children,
 *   split by where it sits (global layers, windowed layers, meta tokens);
 * - the two example searches, a throughput target and a memory budget, and
 *   what each child is (its whole-model setting and per-layer pattern);
 * - the memory child's HymbaConfig export, imported back and compared.
 * Writes experiments/hymba-space/RESULTS.md and the exported config beside it.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import type { Architecture } from '../../src/blocks/architecture.ts'
import { architectureParams } from '../../src/blocks/architecture-params.ts'
import { blockModel } from '../../src/blocks/registry.ts'
import { deployment, executionOf } from '../../src/cost-model/deployment.ts'
import { systems } from '../../src/cost-model/hardware/system.ts'
import { resolveEfficiency } from '../../src/cost-model/calibration/resolve.ts'
import { predict, PredictQuerySchema } from '../../src/cost-model/predict.ts'
import * as Schema from 'effect/Schema'
import { importHfConfig } from '../../src/io/hf-config.ts'
import { exportHymba } from '../../src/io/hymba-export.ts'
import { presetArchitecture } from '../../src/io/presets.ts'
import { requestFromOptions, type SearchOptions } from '../../src/search/pipeline/options.ts'
import type { SearchResult } from '../../src/search/pipeline/result.ts'
import { runSearch } from '../../src/search/pipeline/run-search.ts'
import { bestServingSetting } from '../../src/serving/best-setting.ts'

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))

/** The Hymba paper's cache comparison: one sequence of 8,000 tokens, FP16 (arXiv:2411.13676; ../shared/reference/README.md). */
const paperTokens = 8000
const published = { hymbaKvMb: 79, llamaKvMb: 918, kvRatio: 11.67, hymbaTokensPerSecond: 664, llamaTokensPerSecond: 191, throughputRatio: 3.49 }

const fp16 = { weights: 'fp16', activations: 'fp16', kv: 'fp16' } as const

/** Bytes of KV cache one sequence of `tokens` tokens holds, by where they sit. */
function kvSplit(arch: Architecture, tokens: number) {
  const exec = executionOf(deployment(systems.a100, fp16))
  const split = { global: 0, windowed: 0, meta: 0, layersWithCache: 0, shared: 0 }
  for (const { mixer } of arch.layers) {
    const bytes = blockModel(mixer).kvCacheBytes(mixer, exec, tokens)
    const windowed = (mixer.type === 'attention' || mixer.type === 'hybrid-heads') && mixer.window !== undefined
    const shares = (mixer.type === 'attention' || mixer.type === 'hybrid-heads') && mixer.sharesKv === true
    if (shares) split.shared++
    if (bytes === 0) continue
    split.layersWithCache++
    const meta = mixer.type === 'hybrid-heads' ? (mixer.metaTokens ?? 0) : 0
    const metaBytes = meta === 0 ? 0 : (bytes * meta) / (Math.min(tokens, mixer.type === 'hybrid-heads' && mixer.window !== undefined ? mixer.window : tokens) + meta)
    split.meta += metaBytes
    if (windowed) split.windowed += bytes - metaBytes
    else split.global += bytes - metaBytes
  }
  return { ...split, total: split.global + split.windowed + split.meta }
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1)
const int = (x: number) => Math.round(x).toLocaleString('en-US')

function pattern(arch: Architecture): string {
  const count = (test: (m: Architecture['layers'][number]['mixer']) => boolean) => arch.layers.filter((l) => test(l.mixer)).length
  const hybrid = (m: Architecture['layers'][number]['mixer']) => m.type === 'hybrid-heads'
  const global = count((m) => hybrid(m) && m.type === 'hybrid-heads' && m.window === undefined)
  const shared = count((m) => m.type === 'hybrid-heads' && m.sharesKv === true)
  const first = arch.layers[0]!.mixer
  const shape = first.type === 'hybrid-heads' ? `${first.heads} attention heads (${first.kvHeads} KV) beside a Mamba branch ${first.ssmInner} wide, ${first.metaTokens ?? 0} meta tokens` : first.type
  return `${shape}; ${global} global and ${arch.layers.length - global} windowed layers; ${shared} reuse a cache`
}

async function search(options: SearchOptions): Promise<SearchResult> {
  const outcome = await Effect.runPromise(Effect.result(Effect.flatMap(requestFromOptions(options), (req) => runSearch(req))))
  if (Result.isFailure(outcome)) throw new Error(outcome.failure.message)
  return outcome.success
}

const llama = Result.getOrThrow(presetArchitecture('llama-3.2-3b'))
const hymba = Result.getOrThrow(presetArchitecture('hymba-1.5b'))

const base = { parent: 'llama-3.2-3b', gpu: 'h200', space: 'hymba' } as const
const throughputCommand = 'nas-sim search --parent llama-3.2-3b --gpu h200 --space hymba --scenario 1024/7168 --speedup 3'
const memoryCommand = 'nas-sim search --parent llama-3.2-3b --gpu h200 --space hymba --scenario 1024/7168@256 --memory 40'
const fast = await search({ ...base, scenarios: [{ input: 1024, output: 7168, batch: 'auto' }], speedup: 3 })
const small = await search({ ...base, scenarios: [{ input: 1024, output: 7168, batch: 256 }], memory: 40 })

// Hymba-1.5B itself on the same GPU and scenario, at its best concurrency, as a point of comparison (not a search result).
const h200 = systems.h200
const h200Efficiency = await resolveEfficiency(undefined, 'h200')
const hymbaServed = bestServingSetting(hymba, { system: h200, precision: { weights: 'bf16', activations: 'bf16', kv: 'bf16' }, efficiency: h200Efficiency, input: 1024, output: 7168, tp: 1 }).best

const exported = Result.getOrThrowWith(exportHymba(small.child.architecture), (e) => new Error(e.message))
const configPath = here('./child-memory-40gb.config.json')
await writeFile(configPath, `${JSON.stringify(exported, null, 2)}\n`)
const back = Result.getOrThrowWith(importHfConfig(JSON.parse(JSON.stringify(exported))), (e) => new Error(e.message))
const roundTrip = isDeepStrictEqual(back.layers, small.child.architecture.layers)

const rows = [
  ['Llama-3.2-3B (parent)', llama],
  ['Hymba-1.5B (published)', hymba],
  ['child, speedup 3', fast.child.architecture],
  ['child, memory 40 GB at 256', small.child.architecture],
] as const
const kvTable = rows.map(([name, arch]) => {
  const k = kvSplit(arch, paperTokens)
  return `| ${name} | ${k.layersWithCache} of ${arch.layers.length} | ${mb(k.global)} | ${mb(k.windowed)} | ${mb(k.meta)} | **${mb(k.total)}** |`
})

function childRows(label: string, command: string, r: SearchResult): string[] {
  const s = r.child.scenarios[0]!
  const m = s.child.metrics
  const setting = r.notes.find((n) => n.startsWith('whole-model setting: '))?.slice('whole-model setting: '.length) ?? 'none'
  return [
    `### ${label}`,
    '',
    '```sh',
    command,
    '```',
    '',
    `- Whole-model setting chosen: ${setting}.`,
    `- Layers: ${pattern(r.child.architecture)}.`,
    `- ${(r.child.params / 1e9).toFixed(3)} B parameters (parent ${(r.parent.params / 1e9).toFixed(3)} B); prior loss ${r.child.objective.toFixed(4)} (${r.quality.source.kind}).`,
    `- ${int(m.outputTokensPerSecondPerGpu)} tokens/s per GPU at ${s.child.batch} sequences in flight${s.parent === undefined ? ' (the parent does not fit at this concurrency)' : `, ${s.speedup!.toFixed(2)}× the parent (${int(s.parent.metrics.outputTokensPerSecondPerGpu)} tokens/s at ${s.parent.batch})`}; memory ${(s.child.memory.total / 1e9).toFixed(1)} GB per GPU, of which KV cache ${(s.child.memory.kvCache / 1e9).toFixed(1)} GB and Mamba state ${(s.child.memory.ssmState / 1e9).toFixed(2)} GB.`,
    '',
  ]
}

const lines = [
  '# The hymba space: Hymba-style layers against Llama-3.2-3B',
  '',
  'Generated by `npx tsx experiments/hymba-space/run.ts` (the worked example of examples/hymba-vs-llama-3.2-3b.md, through the library). H200 times use its shipped calibration (`h200-pytorch`); vLLM, in-flight batching, bf16. Quality is the built-in prior, not a measurement.',
  '',
  '## KV cache of one 8,000-token sequence (FP16)',
  '',
  'The Hymba paper (arXiv:2411.13676) compares caches at this length in FP16: Hymba-1.5B ' +
    `${published.hymbaKvMb} MB against Llama-3.2-3B ${published.llamaKvMb} MB (${published.kvRatio}×), and measures ${published.hymbaTokensPerSecond} against ${published.llamaTokensPerSecond} tokens/s (${published.throughputRatio}×) on one A100 with PyTorch, batch 128 halved until it fits. ` +
    'Those are the paper’s figures in the paper’s setting; the searches below run under vLLM on an H200, so only the caches are comparable.',
  '',
  '| model | layers with a cache | global layers, MB | windowed layers, MB | meta tokens, MB | total, MB |',
  '|---|---:|---:|---:|---:|---:|',
  ...kvTable,
  '',
  (() => {
    const h = kvSplit(hymba, paperTokens)
    const l = kvSplit(llama, paperTokens)
    const at8192 = kvSplit(hymba, 8192)
    return (
      `Llama-3.2-3B keeps 8 KV heads × 128 × 2 (K and V) × 2 bytes = 4,096 B per token in each of its 28 layers: 28 × 8,000 × 4,096 B = ${mb(l.total)} MB, the published ${published.llamaKvMb} MB. ` +
      `Hymba-1.5B keeps 5 KV heads × (64 + 128) × 2 bytes = 1,920 B per token, in 17 of its 32 layers (15 reuse a cache): its 3 global layers hold 8,000 tokens plus 128 meta tokens each, its 14 windowed layers 1,024 plus 128, ${mb(h.total)} MB, ${(((h.total / 1e6) / published.hymbaKvMb - 1) * 100).toFixed(1)}% from the published ${published.hymbaKvMb} MB (at 8,192 tokens it would be ${mb(at8192.total)} MB), and ${(l.total / h.total).toFixed(2)}× less than Llama-3.2-3B (published ${published.kvRatio}×). ` +
      'The windows do most of the work (a windowed layer holds 1,152 tokens, not 8,128), the sharing halves what is left in those layers, and the global layers, three of 32, still hold most of the bytes.'
    )
  })(),
  '',
  '## The two searches',
  '',
  ...childRows('A throughput target: 3× the parent', throughputCommand, fast),
  'Under a throughput target the child windows every layer’s cache, which cuts the KV reads that bound the decode step at vLLM’s cap of 1,024 sequences, and keeps all 8 KV heads. Some of its layers reuse a cache: a layer that does still reads it at every decode step, so sharing saves capacity, not bandwidth. (Under the calibration fitted on the unfused Mamba-2 update, before 2026-12-01, the Mamba branch cost more and the child narrowed KV heads to 4 instead.)',
  '',
  ...childRows('A memory budget: 40 GB per GPU at 256 sequences', memoryCommand, small),
  'Under a memory budget at a fixed concurrency, capacity is what binds, and the child takes Hymba’s own moves: windows in most layers, a few global layers, pairs that share one cache, and 128 meta tokens (which the prior credits and which cost a little cache and prefill).',
  '',
  hymbaServed === undefined
    ? 'Hymba-1.5B does not fit on one H200 at 1024/7168.'
    : `For comparison (not a search result), Hymba-1.5B itself on the same H200 at 1024/7168 serves ${int(hymbaServed.cost.metrics.outputTokensPerSecondPerGpu)} tokens/s at ${hymbaServed.batch} sequences, ${(hymbaServed.cost.metrics.outputTokensPerSecondPerGpu / fast.child.scenarios[0]!.child.metrics.outputTokensPerSecondPerGpu).toFixed(2)}× what the 3× child serves (${int(fast.child.scenarios[0]!.child.metrics.outputTokensPerSecondPerGpu)}), which has ${(fast.child.params / architectureParams(hymba)).toFixed(1)}× Hymba-1.5B's parameters: at vLLM's cap of 1,024 sequences a decode step reads the weights once for all sequences, and the per-sequence cache reads and Mamba state weigh more than the parameter count.`,
  '',
  '## Export',
  '',
  `The memory child exported as a HymbaConfig config.json (\`experiments/hymba-space/child-memory-40gb.config.json\`): num_attention_heads ${String(exported.num_attention_heads)}, num_key_value_heads ${String(exported.num_key_value_heads)}, mamba_expand ${String(exported.mamba_expand)}, sliding_window ${String(exported.sliding_window)}, global_attn_idx ${JSON.stringify(exported.global_attn_idx)}, kv_reuse_group ${JSON.stringify(exported.kv_reuse_group)}, num_memory_tokens ${String(exported.num_memory_tokens)}. Imported back, its layers are ${roundTrip ? 'identical to the child’s' : 'NOT identical to the child’s'}.`,
]

/** The H200 rows of one hybrid-head layer's decode step (experiments/data/h200-hymba-decode.jsonl) against nas-sim's prediction. */
async function decodeCheck(): Promise<string[]> {
  const text = await readFile(here('../data/h200-hymba-decode.jsonl'), 'utf8')
  const efficiency = h200Efficiency
  const decode = Schema.decodeUnknownSync(PredictQuerySchema)
  const table = text
    .trim()
    .split('\n')
    .map((line, i) => {
      const row = JSON.parse(line) as { measuredUs: number; block: { window?: number; sharesKv?: boolean }; batch: number; contextLen: number }
      const { measuredUs, ...query } = row
      const p = Result.getOrThrowWith(predict(decode({ id: i, ...query }), efficiency, 'h200'), (e) => new Error(e))
      const error = (p.latencyUs / measuredUs - 1) * 100
      return `| ${row.batch} | ${row.block.window === undefined ? `global, ${int(row.contextLen)} + 128 meta` : `window ${row.block.window} + 128 meta`} | ${row.block.sharesKv === true ? 'yes' : 'no'} | ${measuredUs.toFixed(1)} | ${p.latencyUs.toFixed(1)} | ${error >= 0 ? '+' : ''}${error.toFixed(0)}% |`
    })
  return [
    '## One hybrid-head layer on an H200: decode step, measured against predicted',
    '',
    `\`experiments/data/h200-hymba-decode.jsonl\` (\`experiments/profiling/profile_hybrid_decode.py\`, torch 2.11, one H200, CUDA graphs): one decode step of a Hymba-1.5B layer in bf16, against nas-sim's \`${efficiency.name}\` prediction of the same block.`,
    '',
    '| batch | cache | shared KV | measured, µs | predicted, µs | predicted / measured − 1 |',
    '|---:|---|---|---:|---:|---:|',
    ...table,
    '',
    'What the rows show and what they do not:',
    '- Sharing changes the predicted step by under 1% and the measured one by under 2%, but for one batch-1 global pair (62.5 against 68.2 µs; the eager stand-in showed the same pair apart, 95.8 against 108.1): a layer that reuses a cache skips only its K/V projection and cache write, and still reads the whole cache. That is why sharing buys capacity, not decode time, in the searches above.',
    '- The stand-in runs the conv and selective state update as this project’s own fused Triton kernels (`experiments/profiling/ssm_decode_triton.py`: the conv window and the state each read and written once, the gate silu(z) in the same kernel), as the block model counts them. That made the step 1.3–2.7× faster than the first, eager stand-in (about ten element-wise kernels with fp32 intermediates; its rows are kept in `experiments/data/h200-hymba-decode-eager.jsonl`), most at batch 256 in windowed layers, whose attention is small.',
    '- At batch 1 the prediction is 8–11% high (2% low for the shared global pair); from batch 16 up it is low, by 14–24% at 16, 21–24% at 64 and 6–14% at 256. The stand-in’s dt/B/C RMSNorms, its two output norms and their mean, and its x_proj and dt_proj are separate eager kernels; which of them makes the difference was not measured. The prefill scan was not profiled.',
    '- The shipped calibration’s scan rates are fitted on the project’s own fused Mamba-2 update (bf16 state, one decay per head); this Mamba-1 update also reads a decay per channel and state (A, fp32). The rows were not added to the fit.',
    '',
  ]
}

lines.push(...(await decodeCheck()))
await writeFile(here('./RESULTS.md'), `${lines.join('\n')}\n`)
process.stdout.write(`${lines.join('\n')}\n`)
