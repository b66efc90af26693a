/** The flags `search` and `pareto` share, turned into plain SearchOptions. */
import type { Command } from 'commander'
import { InvalidInput } from '../errors.ts'
import { maxLayers } from '../io/hf-fields.ts'
import type { ScenarioSpec, StructureOptions } from '../search/pipeline/request.ts'
import type { SearchOptions } from '../search/pipeline/options.ts'
import { decimal } from '../io/decimal.ts'
import { batchSize, positiveInt, positiveNumber, precision, tokenCount } from './parse.ts'
import { calibrationHelp } from './calibration-option.ts'

export interface SearchFlags {
  readonly parent?: string
  readonly gpu?: string
  readonly tp: string
  readonly weights: string
  readonly activations?: string
  readonly kv: string
  readonly scenario: string[]
  readonly speedup?: string
  readonly throughput?: string
  readonly latency?: string
  readonly memory?: string
  readonly ttft?: string
  readonly tpot?: string
  readonly engine: string
  readonly batching: string
  readonly params?: string
  readonly space: string
  readonly scores?: string
  readonly calibration?: string
  readonly keepFirst?: string
  readonly keepLast?: string
  readonly minAttention?: string
  readonly allow: string[]
  readonly objective?: string
  readonly limit: string[]
  readonly exportProblem?: string
  readonly fuseFfn?: boolean | string
  readonly fusedBudget?: boolean
}

const collect = (value: string, previous: string[]) => [...previous, value]

/** Puzzle's published setting (128 input, 1024 output tokens), used when no --scenario is given. */
export const defaultScenario = '128/1024'

export function addSearchFlags(cmd: Command): Command {
  return cmd
    .option('--parent <preset|config.json>', 'the parent model: a preset id (see `nas-sim models`) or a Hugging Face config.json (required)')
    .option('--gpu <id>', 'GPU or system: h100-sxm, h100-pcie, h200, a100, b200, dgx-h100, dgx-h200, dgx-b200 (required)')
    .option('--tp <n>', 'tensor-parallel degree', '1')
    .option('--weights <p>', 'weight precision: bf16, fp16, fp8, fp4', 'bf16')
    .option('--activations <p>', 'activation precision (default: the weight precision)')
    .option('--kv <p>', 'KV-cache precision', 'bf16')
    .option('--engine <id>', 'serving engine whose memory policy and scheduler apply: vllm, trtllm, sglang', 'vllm')
    .option('--batching <mode>', 'inflight (continuous batching, chunked prefill, paged KV) or static (Puzzle’s one batch)', 'inflight')
    .option('--scenario <input/output[@batch]>', `serving scenario, repeatable, e.g. 128/1024@64; the batch is the engine's concurrency (in flight) or the static batch; "auto" (default) tries those that fit (default ${defaultScenario})`, collect, [])
    .option('--speedup <k>', 'budget: throughput at least k × the parent’s (parent at its best batch that fits)')
    .option('--throughput <tokens/s>', 'budget: generated tokens/s per GPU at least this')
    .option('--latency <seconds>', 'budget: end-to-end latency at most this (of one request in flight, of the batch when static)')
    .option('--memory <GB>', 'budget: memory per GPU at most this (weights + KV cache + state + activations)')
    .option('--ttft <seconds>', 'also: time to first token at most this (mean, in every scenario)')
    .option('--tpot <seconds>', 'also: time per output token at most this (mean, in every scenario)')
    .option('--params <billions>', 'also: parameters at most this many billion')
    .option('--space <puzzle|hybrid|hymba|minitron|file>', 'search space: Puzzle’s 54 variants per layer, plus Mamba-2 (hybrid), Hymba’s hybrid heads with windows, shared KV and meta tokens (hymba), Minitron-SSM pruning of a hybrid (minitron: model-wide widths and depth), or a space JSON file', 'puzzle')
    .option('--scores <file>', 'replace-1-block quality scores (JSON or CSV); default: the built-in prior')
    .option('--calibration <name|file>', calibrationHelp)
    .option('--keep-first <k>', 'keep the first k layers as the parent’s')
    .option('--keep-last <k>', 'keep the last k layers as the parent’s')
    .option('--min-attention <n>', 'at least n layers keep attention')
    .option('--allow <layers:variants>', 'only these variants in these layers, e.g. "0-3:attn:kv8|ffn:100%,attn:kv4|ffn:100%" (repeatable)', collect, [])
    .option('--objective <metric=weight,...>', 'minimise a weighted sum of metrics, e.g. kl_div=1,when2call=0.5 (default: kl_div)')
    .option('--limit <metric=max>', 'a metric total may be at most this, e.g. when2call=0.3 (repeatable)', collect, [])
    .option('--fuse-ffn [K]', 'FFN Fusion: fuse each child’s runs of attention-free FFN layers into one wide FFN (at most K FFNs per run when given), re-evaluated exactly (see README "FFN Fusion")')
    .option('--fused-budget', 'with --fuse-ffn: the budget binds the fused child, so the solver may pick a slower, better child that fusion brings to the budget')
    .option('--export-problem <file.json>', 'write the problem the solver saw at each batch plan (variants, costs, scores, budgets, constraints) as JSON, plus MPS beside it (see README "Auditing a search")')
}

/** `128/1024`, `128/1024@64` or `128/1024@auto`. */
export function parseScenario(raw: string): ScenarioSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*(?:@\s*(\d+|auto)\s*)?$/.exec(raw)
  if (m === null) throw new InvalidInput({ field: '--scenario', problem: `"${raw}" (expected input/output[@batch], e.g. 128/1024 or 128/1024@64)` })
  const batch = m[3] === undefined || m[3] === 'auto' ? 'auto' : batchSize('--scenario batch', m[3])
  return { input: tokenCount('--scenario input', m[1]!), output: tokenCount('--scenario output', m[2]!), batch }
}

/**
 * `a=1,b=0.5` → `{a: 1, b: 0.5}`. Each part is one metric name, one `=` and a finite number; `positive` demands
 * weights above zero (an objective weight of zero or below would reward losing quality: root cause G of issue 15).
 */
export function parseWeights(option: string, raw: string, positive = false): Record<string, number> {
  const out: Record<string, number> = {}
  for (const part of raw.split(',')) {
    const m = /^\s*([A-Za-z_][\w.-]*)\s*=\s*([^=\s][^=]*?)\s*$/.exec(part)
    const v = m === null ? NaN : decimal(m[2]!)
    if (m === null || !Number.isFinite(v)) throw new InvalidInput({ field: option, problem: `"${part}" (expected metric=number, e.g. kl_div=1)` })
    if (positive && !(v > 0)) throw new InvalidInput({ field: option, problem: `"${part}" (must be above zero: quality losses are never negative)` })
    if (m[1]! in out) throw new InvalidInput({ field: option, problem: `"${part}" (metric ${m[1]} given twice)` })
    out[m[1]!] = v
  }
  return out
}

/** `0-3:v1,v2` or `5:v1` → allowed variants per layer. */
export function parseAllow(raw: string): { layer: number; variants: string[] }[] {
  const m = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*:(.+)$/.exec(raw)
  if (m === null) throw new InvalidInput({ field: '--allow', problem: `"${raw}" (expected LAYERS:VARIANT[,VARIANT...], e.g. 0-3:attn:kv8|ffn:100%)` })
  const from = Number(m[1])
  const to = m[2] === undefined ? from : Number(m[2])
  if (to < from) throw new InvalidInput({ field: '--allow', problem: `"${raw}" (layer range ${from}-${to} is empty)` })
  // Bounded before the range is expanded (root cause F of issue 15): no model has more layers than this.
  if (to >= maxLayers) throw new InvalidInput({ field: '--allow', problem: `"${raw}" (layer ${to} is past any model nas-sim reads: at most ${maxLayers} layers)` })
  const variants = m[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '')
  return Array.from({ length: to - from + 1 }, (_, i) => ({ layer: from + i, variants }))
}

/** A flag commander cannot require, because `search --library` does without it. */
export function required(flag: string, value: string | undefined): string {
  if (value === undefined) throw new InvalidInput({ field: flag, problem: 'missing' })
  return value
}

export function searchOptionsFrom(flags: SearchFlags, budgetRequired: boolean): SearchOptions {
  if (flags.fusedBudget === true && !budgetRequired) throw new InvalidInput({ field: '--fused-budget', problem: 'only for search (a frontier has no budget to hold the fused child to)' })
  // The relaxed budgets' problems are not the one exported, so verify could not check the child against it.
  if (flags.fusedBudget === true && flags.exportProblem !== undefined)
    throw new InvalidInput({ field: '--fused-budget', problem: 'cannot be combined with --export-problem (the child is solved under relaxed budgets the export does not hold); drop one' })
  const structure: StructureOptions = {
    ...(flags.keepFirst === undefined ? {} : { keepFirst: positiveInt('--keep-first', flags.keepFirst) }),
    ...(flags.keepLast === undefined ? {} : { keepLast: positiveInt('--keep-last', flags.keepLast) }),
    ...(flags.minAttention === undefined ? {} : { minAttention: positiveInt('--min-attention', flags.minAttention) }),
    ...(flags.allow.length === 0 ? {} : { allowed: flags.allow.flatMap(parseAllow) }),
  }
  const num = (option: string, raw: string | undefined) => (raw === undefined ? undefined : positiveNumber(option, raw))
  const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>))
  return {
    parent: required('--parent', flags.parent),
    gpu: required('--gpu', flags.gpu),
    tp: positiveInt('--tp', flags.tp),
    weights: precision('--weights', flags.weights),
    ...optional('activations', flags.activations === undefined ? undefined : precision('--activations', flags.activations)),
    kv: precision('--kv', flags.kv),
    scenarios: (flags.scenario.length === 0 ? [defaultScenario] : flags.scenario).map(parseScenario),
    ...optional('speedup', num('--speedup', flags.speedup)),
    ...optional('throughput', num('--throughput', flags.throughput)),
    ...optional('latency', num('--latency', flags.latency)),
    ...optional('memory', num('--memory', flags.memory)),
    ...optional('params', num('--params', flags.params)),
    ...optional('ttft', num('--ttft', flags.ttft)),
    ...optional('tpot', num('--tpot', flags.tpot)),
    engine: flags.engine,
    batching: flags.batching,
    space: flags.space,
    ...optional('scores', flags.scores),
    ...optional('calibration', flags.calibration),
    structure,
    ...optional('objective', flags.objective === undefined ? undefined : parseWeights('--objective', flags.objective, true)),
    metricLimits: flags.limit.flatMap((l) => Object.entries(parseWeights('--limit', l, true)).map(([metric, max]) => ({ metric, max }))),
    budgetRequired,
    ...(flags.fusedBudget === true ? { fusedBudget: true } : {}),
    ...(typeof flags.fuseFfn === 'string' ? { fuseFfn: positiveInt('--fuse-ffn', flags.fuseFfn) } : flags.fuseFfn === true ? { fuseFfn: true } : {}),
  }
}
