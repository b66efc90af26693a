import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Effect from 'effect/Effect'
import * as Exit from 'effect/Exit'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expandSpec, loadBatchSpec, parseSpecText } from './spec.ts'
import type { ExpandedSpec } from './spec.ts'

const expand = (raw: unknown): ExpandedSpec => Effect.runSync(expandSpec(raw))

/** The one-line message a spec is rejected with. */
function rejection(raw: unknown): string {
  const exit = Effect.runSyncExit(expandSpec(raw))
  if (Exit.isSuccess(exit)) throw new Error(`accepted: ${JSON.stringify(raw)}`)
  const failure = exit.cause.reasons.find((reason) => reason._tag === 'Fail')
  if (failure === undefined) throw new Error(`died: ${String(exit.cause)}`)
  return failure.error.message
}

const base = { parent: 'llama-3.1-8b', gpu: 'h100-sxm', input: 128, output: 1024 }

describe('expandSpec', () => {
  it('crosses the axes over the defaults, first axis slowest, then adds the explicit jobs', () => {
    const { jobs } = expand({
      defaults: base,
      axes: { gpu: ['h100-sxm', 'h200'], speedup: [1.5, 2] },
      jobs: [{ parent: 'qwen-2.5-72b', tp: 4, throughput: 2000 }],
    })
    expect(jobs.map(({ job }) => [job.parent, job.gpu, job.tp, job.speedup, job.throughput])).toEqual([
      ['llama-3.1-8b', 'h100-sxm', 1, 1.5, undefined],
      ['llama-3.1-8b', 'h100-sxm', 1, 2, undefined],
      ['llama-3.1-8b', 'h200', 1, 1.5, undefined],
      ['llama-3.1-8b', 'h200', 1, 2, undefined],
      ['qwen-2.5-72b', 'h100-sxm', 4, undefined, 2000],
    ])
  })

  it('fills in the defaults and derives the group from every field but the budget', () => {
    const [first, second] = expand({ defaults: base, axes: { speedup: [1.5, 3] } }).jobs
    expect(first?.job).toEqual({
      ...base,
      tp: 1,
      weights: 'bf16',
      activations: 'bf16',
      kv: 'bf16',
      batch: 'auto',
      space: 'puzzle',
      engine: 'vllm',
      batching: 'inflight',
      top: 1,
      speedup: 1.5,
      group: 'llama-3.1-8b h100-sxm tp=1 w=bf16 a=bf16 kv=bf16 vllm inflight batch=auto in=128 out=1024 space=puzzle',
    })
    expect(second?.job.group).toBe(first?.job.group)
  })

  it('keeps ids stable across releases: the id of a known job is pinned', () => {
    // Resuming a batch written by an earlier version depends on this exact value. It changed once, on purpose, when
    // jobs gained an engine and a batching mode: results from before were costed as a static batch, and resuming
    // into such a directory must not mix them with in-flight results.
    const [only] = expand({ jobs: [{ ...base, speedup: 2 }] }).jobs
    expect(only?.id).toBe('f817f5a68907')
  })

  it('gives the same id whether a default is written out or left out', () => {
    const [implicit] = expand({ jobs: [{ ...base, speedup: 2 }] }).jobs
    const [explicit] = expand({ jobs: [{ ...base, speedup: 2, tp: 1, weights: 'bf16', batch: 'auto', top: 1 }] }).jobs
    expect(explicit?.id).toBe(implicit?.id)
  })

  it("lets a job's budget replace the defaults' budget", () => {
    const { jobs } = expand({ defaults: { ...base, speedup: 2 }, axes: { throughput: [1000] }, jobs: [{ memory: 80 }, { tp: 2 }] })
    expect(jobs.map(({ job }) => [job.speedup, job.throughput, job.memory])).toEqual([
      [undefined, 1000, undefined],
      [undefined, undefined, 80],
      [2, undefined, undefined],
    ])
  })

  it('counts the product of the axis lengths plus the explicit jobs', () => {
    const axes = fc.dictionary(
      fc.constantFrom('gpu', 'tp', 'input', 'space'),
      fc.integer({ min: 1, max: 4 }),
      { minKeys: 1 },
    )
    fc.assert(
      fc.property(axes, fc.integer({ min: 0, max: 5 }), (lengths, explicit) => {
        const values = (field: string, length: number): unknown[] =>
          Array.from({ length }, (_, index) => (field === 'gpu' || field === 'space' ? `${field}-${index}` : index + 1))
        const spec = {
          defaults: { ...base, speedup: 2 },
          axes: Object.fromEntries(Object.entries(lengths).map(([field, length]) => [field, values(field, length)])),
          jobs: Array.from({ length: explicit }, (_, index) => ({ parent: `explicit-${index}` })),
        }
        const product = Object.values(lengths).reduce((total, length) => total * length, 1)
        expect(expand(spec).jobs).toHaveLength(product + explicit)
      }),
    )
  })

  it('gives the same ids whatever the order of keys in the spec', () => {
    const shuffled = <T extends object>(value: T, order: readonly number[]): T => {
      const entries = Object.entries(value)
      const keyed = entries.map((entry, index) => ({ entry, rank: order[index % order.length] ?? 0 }))
      return Object.fromEntries(keyed.sort((a, b) => a.rank - b.rank).map(({ entry }) => entry)) as T
    }
    const spec = {
      defaults: { ...base, weights: 'fp8', kv: 'fp8', top: 3 },
      axes: { speedup: [1.5, 2], gpu: ['h100-sxm', 'b200'] },
      jobs: [{ parent: 'qwen-2.5-72b', tp: 8, latency: 20, scores: 'scores.json' }],
    }
    const ids = new Set(expand(spec).jobs.map(({ id }) => id))
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 8 }), (order) => {
        const reordered = {
          jobs: spec.jobs.map((job) => shuffled(job, order)),
          axes: shuffled(spec.axes, order),
          defaults: shuffled(spec.defaults, order),
        }
        // Axis order changes the order of the jobs, never their ids.
        expect(new Set(expand(reordered).jobs.map(({ id }) => id))).toEqual(ids)
      }),
    )
  })
})

describe('expandSpec rejects a bad spec with one line naming the place and what is expected', () => {
  const cases: readonly (readonly [string, unknown, string])[] = [
    ['a tp out of range in an axis', { defaults: { ...base, speedup: 2 }, axes: { tp: [1, 9] } }, 'axes.tp[1]: expected a value between 1 and 8, got 9'],
    ['an unknown precision in a job', { defaults: { ...base, speedup: 2 }, jobs: [{ weights: 'int4' }] }, 'jobs[0].weights: expected "bf16" | "fp16" | "fp8" | "fp4", got "int4"'],
    ['a misspelt job field', { defaults: { ...base, speedup: 2, tpp: 2 }, axes: {} }, 'defaults.tpp: unknown job field (known: parent, gpu, tp,'],
    ['a misspelt spec field', { default: base }, 'default: unknown spec field (known: name, defaults, axes, jobs)'],
    ['a missing parent', { defaults: { gpu: 'h200', input: 1, output: 1, speedup: 2 }, axes: { tp: [1] } }, 'defaults.parent: missing; set it in defaults or in axes'],
    ['no budget', { defaults: base, axes: { tp: [1] } }, 'defaults: expected exactly one budget of speedup, throughput, latency, memory, got none'],
    ['two budgets', { jobs: [{ ...base, speedup: 2, latency: 10 }] }, 'jobs[0]: expected exactly one budget of speedup, throughput, latency, memory, got speedup and latency'],
    ['two budget axes', { defaults: base, axes: { speedup: [2], memory: [80] } }, 'axes.speedup[0] and axes.memory[0]: expected exactly one budget'],
    ['a negative budget', { defaults: base, axes: { speedup: [-1] } }, 'axes.speedup[0]: expected a value greater than 0, got -1'],
    ['a fractional batch', { jobs: [{ ...base, speedup: 2, batch: 1.5 }] }, 'jobs[0].batch: expected an integer, got 1.5'],
    ['an empty axis', { defaults: { ...base, speedup: 2 }, axes: { tp: [] } }, 'axes.tp: expected a non-empty list of values'],
    ['an axis that is not a list', { defaults: { ...base, speedup: 2 }, axes: { tp: 2 } }, 'axes.tp: expected array, got 2'],
    ['a repeated job', { defaults: { ...base, speedup: 2 }, axes: { tp: [1] }, jobs: [{ tp: 1 }] }, 'jobs[0]: repeats the job of axes {"tp":1}'],
    ['no jobs at all', { defaults: { ...base, speedup: 2 } }, 'the spec holds no jobs'],
    ['a spec that is not an object', ['llama'], 'expected object'],
  ]
  it.each(cases)('%s', (_name, spec, message) => {
    const text = rejection(spec)
    expect(text).toContain(message)
    expect(text).not.toContain('\n')
  })

  it('never answers garbage with a stack trace or a second line', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        const exit = Effect.runSyncExit(expandSpec(raw))
        if (Exit.isFailure(exit)) {
          const failure = exit.cause.reasons.find((reason) => reason._tag === 'Fail')
          expect(failure?.error.message).not.toContain('\n')
        }
      }),
    )
  })
})

describe('loadBatchSpec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nas-sim-spec-'))

  it('reads YAML and JSON to the same jobs', () => {
    writeFileSync(join(dir, 'a.yaml'), 'defaults: { parent: llama-3.1-8b, gpu: h200, input: 128, output: 1024 }\naxes:\n  speedup: [1.5, 2]\n')
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ defaults: { parent: 'llama-3.1-8b', gpu: 'h200', input: 128, output: 1024 }, axes: { speedup: [1.5, 2] } }))
    const fromYaml = Effect.runSync(loadBatchSpec(join(dir, 'a.yaml')))
    const fromJson = Effect.runSync(loadBatchSpec(join(dir, 'a.json')))
    expect(fromYaml.jobs).toEqual(fromJson.jobs)
  })

  it('names the file in its errors', () => {
    writeFileSync(join(dir, 'b.yaml'), 'defaults: { parent: x, gpu: h200, input: 0, output: 1, speedup: 2 }\naxes: { tp: [1] }\n')
    const exit = Effect.runSyncExit(loadBatchSpec(join(dir, 'b.yaml')))
    expect(Exit.isFailure(exit) && String(exit.cause.reasons[0]?._tag === 'Fail' ? exit.cause.reasons[0].error.message : '')).toBe(
      `${join(dir, 'b.yaml')}: defaults.input: expected a value greater than or equal to 1, got 0`,
    )
  })

  it('rejects unparsable text and unknown extensions in one line', () => {
    for (const [text, file] of [['a: [1, 2', 'c.yaml'], ['{"a": ', 'c.json'], ['a=1', 'c.toml']] as const) {
      const exit = Effect.runSyncExit(parseSpecText(text, file))
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        const reason = exit.cause.reasons[0]
        const message = reason?._tag === 'Fail' ? reason.error.message : ''
        expect(message).toMatch(/^c\.(yaml|json|toml): (not valid (YAML|JSON)|expected a \.json)/)
        expect(message).not.toContain('\n')
      }
    }
  })

  it('expands the example specs', () => {
    const sweep = Effect.runSync(loadBatchSpec(new URL('../../examples/batch-sweep.yaml', import.meta.url).pathname))
    expect(sweep.jobs.length).toBeGreaterThanOrEqual(20)
    const smoke = Effect.runSync(loadBatchSpec(new URL('../../examples/batch-smoke.json', import.meta.url).pathname))
    expect(smoke.jobs.length).toBeGreaterThan(0)
  })
})
