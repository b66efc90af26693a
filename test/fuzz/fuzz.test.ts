/**
 * Our own fuzz suite over every input family a user hands nas-sim: model
 * configs, predict lines, command-line values, score files, block libraries
 * and batch specs. The oracle is the CLI's contract: either a one-line error
 * that names a field, or a valid result whose every number is finite and
 * within its physical range. A fixed seed keeps the normal suite
 * deterministic; `npm run fuzz` runs many more cases (FUZZ_RUNS).
 */
import { readFileSync } from 'node:fs'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { architectureError } from '../../src/blocks/architecture-validation.ts'
import { batchSize, positiveNumber, tokenCount } from '../../src/cli/parse.ts'
import { decimal } from '../../src/io/decimal.ts'
import { parseAllow, parseScenario, parseWeights } from '../../src/cli/search-flags.ts'
import { answerLine } from '../../src/cli/commands/predict.ts'
import { predict } from '../../src/cost-model/predict.ts'
import { deployment } from '../../src/cost-model/deployment.ts'
import { systems } from '../../src/cost-model/hardware/system.ts'
import { datasheetEfficiency } from '../../src/cost-model/efficiency.ts'
import { isUserError } from '../../src/errors.ts'
import { importHfConfig } from '../../src/io/hf-config.ts'
import { expandSpec } from '../../src/batch/spec.ts'
import { decodePuzzleLibrary } from '../../src/search/puzzle-library.ts'
import { parseScores } from '../../src/search/quality/scores-file.ts'
import { architectureCost } from '../../src/serving/architecture-cost.ts'
import { servingDeployment } from '../../src/serving/serving-deployment.ts'

const runs = Number(process.env.FUZZ_RUNS ?? 150)
const seed = Number(process.env.FUZZ_SEED ?? 20261201)
const params = { numRuns: runs, seed }

const reference = (name: string) => JSON.parse(readFileSync(new URL(`../../../shared/reference/models/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>

/** Reference configs as Hugging Face would ship them (the notes say to add `architectures` and `model_type`). */
const configs: readonly Record<string, unknown>[] = [
  { ...reference('llama3.1_8b.json'), architectures: ['LlamaForCausalLM'], model_type: 'llama' },
  { ...reference('qwen2.5_7b.json'), architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2' },
  { ...reference('nemotron_h_8b.json'), architectures: ['NemotronHForCausalLM'], model_type: 'nemotron_h' },
  { ...reference('hymba_1.5b_base.json'), architectures: ['HymbaForCausalLM'], model_type: 'hymba' },
  reference('llama3.3_nemotron_super_49b.config.json'),
]

/** Values a mutation plants: absurd sizes, signs, fractions, wrong types. */
const badValue = fc.constantFrom<unknown>(-1, 0, 1, 3, 2 ** 31, 2 ** 32, 1e7, 1e300, -0.5, 0.5, 1e-300, 'x', '', null, true, [], {}, 7.25)

/** A field path inside a config: a top-level key, or one inside a DeciLM block. */
function mutate(config: Record<string, unknown>, pick: number, value: unknown): unknown {
  const copy = structuredClone(config)
  const blocks = copy['block_configs']
  const keys = Object.keys(copy).filter((k) => k !== 'block_configs')
  if (Array.isArray(blocks) && pick % 2 === 1) {
    const block = blocks[pick % blocks.length] as Record<string, Record<string, unknown>>
    const part = pick % 4 === 1 ? block['attention']! : block['ffn']!
    const fields = Object.keys(part)
    part[fields[pick % fields.length]!] = value
  } else copy[keys[pick % keys.length]!] = value
  return copy
}

/** A user error's contract: one line that names where the problem is. */
function expectOneLineUserError(e: unknown): void {
  expect(isUserError(e)).toBe(true)
  const message = (e as Error).message
  expect(message.split('\n')).toHaveLength(1)
  expect(message).toMatch(/[\w\]]+[:(]|invalid |unknown |missing/)
}

const h200 = servingDeployment(deployment(systems.h200, { weights: 'bf16', activations: 'bf16', kv: 'bf16' }))

describe('fuzz: Hugging Face configs', () => {
  it('import as an architecture with finite, positive costs, or fail in one line naming the field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...configs), fc.nat(), badValue, (config, pick, value) => {
        const r = importHfConfig(mutate(config, pick, value))
        if (Result.isFailure(r)) return expectOneLineUserError(r.failure)
        const arch = r.success
        if (architectureError(arch, 1) !== undefined) return
        const cost = architectureCost(arch, { batch: 2, input: 64, output: 8 }, h200)
        for (const v of [cost.params, cost.metrics.runSeconds, cost.metrics.ttftSeconds, cost.metrics.outputTokensPerSecondPerGpu, cost.memory.weights]) {
          expect(Number.isFinite(v)).toBe(true)
          expect(v).toBeGreaterThan(0)
        }
      }),
      params,
    )
  })
})

describe('fuzz: predict lines', () => {
  const valid = { id: 'q', gpu: 'h200', dtype: 'bf16', block: { type: 'attention', hidden: 4096, heads: 32, kvHeads: 8, headDim: 128 }, phase: 'decode', batch: 4, contextLen: 512 }
  it('answer each line with a finite prediction or an error naming the field', () => {
    fc.assert(
      fc.property(fc.constantFrom('id', 'gpu', 'dtype', 'phase', 'batch', 'contextLen', 'seqLen', 'block.hidden', 'block.heads', 'block.kvHeads', 'block.type'), badValue, (field, value) => {
        const query = structuredClone(valid) as Record<string, unknown>
        const [head, tail] = field.split('.')
        if (tail === undefined) query[head!] = value
        else (query[head!] as Record<string, unknown>)[tail] = value
        const out = JSON.parse(answerLine(JSON.stringify(query), 1, (q) => predict(q, datasheetEfficiency, undefined))) as { error?: string; latencyUs?: number }
        if (out.error !== undefined) {
          expect(out.error.split('\n')).toHaveLength(1)
          expect(out.error).toMatch(/^line 1: \S+/)
        } else {
          expect(Number.isFinite(out.latencyUs)).toBe(true)
          expect(out.latencyUs).toBeGreaterThanOrEqual(0)
        }
      }),
      params,
    )
  })
})

describe('fuzz: command-line values', () => {
  const attempt = (f: () => unknown): unknown => {
    try {
      return f()
    } catch (e) {
      expectOneLineUserError(e)
      return undefined
    }
  }
  const noise = fc.oneof(fc.string({ maxLength: 24 }), fc.constantFrom('128/1024@auto', '1/1', '0/5', '99999999999/1', '128/1024@0', '0x10', '1e9', ' 2 ', '3.5', '-1', 'NaN', 'Infinity'))

  it('scenarios, lengths and batches parse within their bounds or fail in one line', () => {
    fc.assert(
      fc.property(noise, (raw) => {
        const s = attempt(() => parseScenario(raw)) as { input: number; output: number; batch: number | 'auto' } | undefined
        if (s !== undefined) {
          expect(s.input).toBeGreaterThanOrEqual(1)
          expect(s.output).toBeLessThanOrEqual(2 ** 24)
          if (s.batch !== 'auto') expect(s.batch).toBeLessThanOrEqual(2 ** 20)
        }
        const t = attempt(() => tokenCount('--input', raw)) as number | undefined
        if (t !== undefined) expect(Number.isSafeInteger(t) && t >= 1 && t <= 2 ** 24).toBe(true)
        const b = attempt(() => batchSize('--batch', raw)) as number | undefined
        if (b !== undefined) expect(Number.isSafeInteger(b) && b >= 1 && b <= 2 ** 20).toBe(true)
        const p = attempt(() => positiveNumber('--speedup', raw)) as number | undefined
        if (p !== undefined) expect(Number.isFinite(p) && p > 0).toBe(true)
      }),
      params,
    )
  })

  it('objective weights, limits and allow-lists are finite and bounded, or fail in one line', () => {
    fc.assert(
      fc.property(fc.oneof(noise, fc.constantFrom('kl_div=1', 'kl_div=-1', 'kl_div=', 'kl_div=1=2', 'a=1,a=2', '0-99999999:attn:kv8', '3-1:x', '0-3:attn:kv8|ffn:100%')), (raw) => {
        const w = attempt(() => parseWeights('--objective', raw, true)) as Record<string, number> | undefined
        if (w !== undefined) for (const v of Object.values(w)) expect(Number.isFinite(v) && v > 0).toBe(true)
        const a = attempt(() => parseAllow(raw)) as { layer: number }[] | undefined
        if (a !== undefined) for (const { layer } of a) expect(layer).toBeLessThan(1024)
      }),
      params,
    )
  })

  it('reads only plain decimals as numbers', () => {
    // Root cause H: Number() reads '' and ' ' as 0 and '0x10' as 16.
    for (const raw of ['', ' ', '0x10', '0b1', '1e', '--1', 'Infinity']) expect(decimal(raw)).toBeNaN()
    for (const [raw, v] of [['1', 1], ['-0.5', -0.5], ['2e-3', 0.002], ['.5', 0.5]] as const) expect(decimal(raw)).toBe(v)
  })
})

describe('fuzz: score files', () => {
  const cell = fc.oneof(fc.constantFrom('0.01', '0', '-0.2', '', ' ', '0x10', '1e999', 'nan', '"0.3"', '1e-3'), fc.double({ noNaN: false }).map(String))
  it('give finite, non-negative scores or fail in one line naming the row and column', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(fc.nat(100).map(String), fc.constantFrom('-1', 'x', '')), fc.constantFrom('ffn:50%', 'attn:kv4', 'attn:kv4|ffn:50%', ''), cell), { maxLength: 6 }), (rows) => {
        const text = ['layer,variant,kl_div', ...rows.map((r) => r.join(','))].join('\n')
        const r = parseScores(text, 'scores.csv')
        if (Result.isFailure(r)) return expectOneLineUserError(r.failure)
        for (const byVariant of r.success.byLayer.values()) for (const m of byVariant.values()) for (const v of Object.values(m)) expect(Number.isFinite(v) && v >= 0).toBe(true)
      }),
      params,
    )
  })
})

describe('fuzz: block libraries', () => {
  const library = JSON.parse(readFileSync(new URL('../../examples/puzzle-library-small.json', import.meta.url), 'utf8')) as Record<string, Record<string, { stats: Record<string, unknown>; metrics: Record<string, unknown> }>>
  it('decode with finite, non-negative stats and metrics, or fail in one line naming the entry', () => {
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom('runtime_ms', 'memory_mib', 'num_params', 'kl_div', 'lm_loss'), badValue, (pick, field, value) => {
        const copy = structuredClone(library)
        const layers = Object.keys(copy)
        const layer = copy[layers[pick % layers.length]!]!
        const variants = Object.keys(layer)
        const entry = layer[variants[pick % variants.length]!]!
        if (field === 'kl_div' || field === 'lm_loss') entry.metrics[field] = value
        else entry.stats[field] = value
        const r = decodePuzzleLibrary('lib.json', copy)
        if (Result.isFailure(r)) return expectOneLineUserError(r.failure)
        for (const variantsOfLayer of r.success.layers)
          for (const [, e] of variantsOfLayer) {
            for (const v of [...Object.values(e.stats), ...Object.values(e.metrics)]) expect(Number.isFinite(v) && v >= 0).toBe(true)
          }
      }),
      params,
    )
  })
})

describe('fuzz: batch specs', () => {
  const field = fc.constantFrom('parent', 'gpu', 'tp', 'batch', 'input', 'output', 'speedup', 'latency', 'engine', 'batching', 'ttft', 'space', 'top', 'bogus')
  it('expand into valid jobs or fail in one line naming the path', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(field, badValue, { maxKeys: 4 }), async (overrides) => {
        const spec = { defaults: { parent: 'llama-3.1-8b', gpu: 'h100-sxm', input: 128, output: 128, speedup: 1.5 }, jobs: [overrides] }
        const r = await Effect.runPromise(Effect.result(expandSpec(spec)))
        if (Result.isFailure(r)) return expectOneLineUserError(r.failure)
        for (const { job } of r.success.jobs) {
          expect(job.input).toBeGreaterThanOrEqual(1)
          expect(job.tp).toBeLessThanOrEqual(8)
        }
      }),
      params,
    )
  })
})
