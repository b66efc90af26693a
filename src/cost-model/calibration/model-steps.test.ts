import { describe, expect, it } from 'vitest'
import { InvalidInput } from '../../errors.ts'
import { fitStepOverhead, parseModelCases, parseModelSteps, prepareStepRows } from './model-steps.ts'

const arch = {
  name: 'tiny',
  hidden: 64,
  embedding: { vocabSize: 100, hidden: 64, tied: true },
  layers: [{ mixer: { type: 'attention', hidden: 64, heads: 4, kvHeads: 2, headDim: 16 }, ffn: { type: 'ffn', hidden: 64, intermediate: 128, activation: 'swiglu' } }],
}
const cases = JSON.stringify({ gpu: 'h200', seed: 1, models: [{ id: 'tiny', origin: 'preset', parent: 'tiny', architecture: arch, scenarios: [{ id: 's', batch: 1, input: 8, output: 4 }] }] })
const row = (over: Record<string, unknown>) =>
  JSON.stringify({ kind: 'model-step', model: 'tiny', scenario: 's', gpu: 'h200', dtype: 'bf16', phase: 'decode', batch: 1, contextLen: 9, measuredUs: 100, noSleepUs: 130, torch: 't', date: 'd', ...over })

describe('model step rows', () => {
  it('prepare a step as the whole model’s kernels, weighted so that one model’s rows count as one block row', () => {
    const rows = prepareStepRows(parseModelSteps([row({}), row({ contextLen: 10, eagerUs: 4000 })].join('\n'), 'x'), parseModelCases(cases, 'c'))
    expect(rows).toHaveLength(2)
    expect(rows[0]!.kernels.map((k) => k.name)).toContain('rope')
    expect(rows[0]!.kernels.map((k) => k.name)).toContain('lm_head')
    expect(rows[0]!.weight).toBeCloseTo(1 / Math.SQRT2, 12)
    const launch = fitStepOverhead(rows)
    expect(launch.graphLaunchUs).toBe(30)
    expect(launch.eagerLaunchUsPerKernel).toBeCloseTo(4000 / rows[1]!.kernelCount, 3)
  })

  it('reject garbage with the line and field named', () => {
    expect(() => parseModelSteps(row({ measuredUs: -1 }), 'steps.jsonl')).toThrow(InvalidInput)
    expect(() => parseModelSteps(row({ measuredUs: -1 }), 'steps.jsonl')).toThrow(/steps\.jsonl line 1: measuredUs/)
    expect(() => parseModelSteps(row({ phase: 'train' }), 'steps.jsonl')).toThrow(/phase/)
    expect(() => prepareStepRows(parseModelSteps(row({ model: 'other' }), 'x'), parseModelCases(cases, 'c'))).toThrow(/model other/)
    expect(() => parseModelCases(JSON.stringify({ gpu: 'h200', seed: 1, models: [{ id: 'x' }] }), 'cases.json')).toThrow(/cases\.json: models\[0\]/)
  })
})
