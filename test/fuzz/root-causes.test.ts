/**
 * One regression test per root cause that fuzzing found (issue 15, A–J), each
 * named by its letter, plus the smaller findings beside them. Each checks the
 * refusal at the edge where the input enters: one line, the field named.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import { describe, expect, it, vi } from 'vitest'
import { parseSpecText } from '../../src/batch/spec.ts'
import { answerLine } from '../../src/cli/commands/predict.ts'
import { checkReportPath } from '../../src/cli/outputs.ts'
import { parseAllow, parseWeights } from '../../src/cli/search-flags.ts'
import { datasheetEfficiency } from '../../src/cost-model/efficiency.ts'
import { predict } from '../../src/cost-model/predict.ts'
import { ensureDir } from '../../src/io/ensure-dir.ts'
import { importHfConfig } from '../../src/io/hf-config.ts'
import { decodePuzzleLibrary } from '../../src/search/puzzle-library.ts'
import { measuredQuality, parseScores } from '../../src/search/quality/scores-file.ts'
import { puzzleSpace } from '../../src/search/space/puzzle.ts'
import { scoreSpace } from '../../src/search/pipeline/candidates.ts'
import { presetArchitecture } from '../../src/io/presets.ts'
import { nasSim } from '../cli-helpers.ts'

const reference = (name: string) => JSON.parse(readFileSync(new URL(`../../../shared/reference/models/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>
const llama8b = { ...reference('llama3.1_8b.json'), architectures: ['LlamaForCausalLM'], model_type: 'llama' }
const message = <E>(r: Result.Result<unknown, E>) => (Result.isFailure(r) ? (r.failure as Error).message : 'no error')
const thrown = (f: () => unknown) => {
  try {
    f()
    return 'no error'
  } catch (e) {
    return (e as Error).message
  }
}

describe('issue 15 root causes', () => {
  it('A: refuses a layer count of 2³¹, 2³² or 10⁷ at once, naming num_hidden_layers', () => {
    for (const layers of [2 ** 31, 2 ** 32, 1e7]) expect(message(importHfConfig({ ...llama8b, num_hidden_layers: layers }))).toMatch(/num_hidden_layers: expected at most 1024/)
  })

  it('B: refuses an ffn_mult of 1e300, naming the block and the field', () => {
    const super49b = reference('llama3.3_nemotron_super_49b.config.json') as { block_configs: { ffn: Record<string, unknown> }[] }
    super49b.block_configs[3]!.ffn['ffn_mult'] = 1e300
    expect(message(importHfConfig(super49b))).toMatch(/block_configs\[3\]\.ffn\.ffn_mult: expected at most 64/)
  })

  it('C: names the query’s dtype, not “weights”, when the GPU lacks its tensor cores', () => {
    const line = JSON.stringify({ id: 'q', gpu: 'a100', dtype: 'fp8', block: { type: 'linear', hidden: 4096 }, phase: 'decode', batch: 1, contextLen: 10 })
    // A100: no fp8 tensor cores (A100 datasheet; ../shared/reference/README.md, "GPUs").
    expect(JSON.parse(answerLine(line, 1, (q) => predict(q, datasheetEfficiency, undefined))).error).toMatch(/^line 1: dtype: fp8 \(NVIDIA A100/)
  })

  it('D: refuses a directory for predict --in in one line', () => {
    const r = nasSim(['predict', '--in', tmpdir()])
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual([`nas-sim: ${tmpdir()}: is a directory (give a JSON-lines file)`])
  })

  it('E: fails at once for an output directory that can never be made (under /proc), instead of looping', () => {
    expect(thrown(() => ensureDir('/proc/nas-sim-test/out'))).toMatch(/ENOENT|EACCES|EPERM|no such file/i)
    const fresh = join(mkdtempSync(join(tmpdir(), 'nas-sim-dir-')), 'a', 'b')
    ensureDir(fresh)
    expect(thrown(() => ensureDir(fresh))).toBe('no error')
  })

  it('F: refuses an --allow range past any model before expanding it', () => {
    expect(thrown(() => parseAllow('0-99999999:attn:kv8|ffn:100%'))).toMatch(/^invalid --allow: .*layer 99999999 is past any model/)
  })

  it('G: refuses negative, zero, empty and doubled objective weights', () => {
    for (const raw of ['kl_div=-1', 'kl_div=0', 'kl_div=', 'kl_div=1=2', 'kl_div=0x10', 'kl_div=1,kl_div=2'])
      expect(thrown(() => parseWeights('--objective', raw, true))).toMatch(/^invalid --objective: /)
    expect(parseWeights('--objective', 'kl_div=1,when2call=0.5', true)).toEqual({ kl_div: 1, when2call: 0.5 })
  })

  it('H: refuses blank, hexadecimal and negative score cells, naming row and column', () => {
    expect(message(parseScores('layer,variant,kl_div\n0,ffn:50%, \n', 's.csv'))).toBe('invalid s.csv: row 1: kl_div: blank (expected a number)')
    expect(message(parseScores('layer,variant,kl_div\n0,ffn:50%,0x10\n', 's.csv'))).toBe('invalid s.csv: row 1: kl_div: 0x10 (expected a number)')
    expect(message(parseScores('layer,variant,kl_div\n0,ffn:50%,-0.1\n', 's.csv'))).toMatch(/^invalid s\.csv: row 1: kl_div: -0\.1 \(a replace-1-block loss/)
  })

  it('I: refuses libraries with infinite figures, negative or missing KL, or no runtimes', () => {
    const library = JSON.parse(readFileSync(new URL('../../examples/puzzle-library-small.json', import.meta.url), 'utf8')) as Record<string, Record<string, { stats: Record<string, number>; metrics: Record<string, number> }>>
    const first = Object.keys(library['layer_0']!)[0]!
    const variant = (f: (e: { stats: Record<string, number>; metrics: Record<string, number> }) => void) => {
      const copy = structuredClone(library)
      f(copy['layer_0']![first]!)
      return message(decodePuzzleLibrary('lib.json', copy))
    }
    expect(variant((e) => (e.stats['runtime_ms'] = Infinity))).toMatch(/runtime_ms: Expected a finite number/)
    expect(variant((e) => (e.metrics['kl_div'] = -1))).toMatch(/metrics\.kl_div: Expected a value greater than or equal to 0/)
    expect(variant((e) => delete e.metrics['kl_div'])).toMatch(/metrics\.kl_div: missing/)
    const zero = structuredClone(library)
    for (const layer of Object.values(zero)) for (const e of Object.values(layer)) e.stats['runtime_ms'] = 0
    expect(message(decodePuzzleLibrary('lib.json', zero))).toMatch(/runtime_ms: zero in every entry/)
  })

  it('J: refuses a YAML spec with an unknown tag in one line, printing no warning of its own', async () => {
    const warn = vi.spyOn(process, 'emitWarning')
    const r = await Effect.runPromise(Effect.result(parseSpecText('defaults: !weird\n  parent: x\n', 'spec.yaml')))
    expect(message(r)).toMatch(/^spec\.yaml.*not valid YAML: Unresolved tag: !weird/)
    expect(message(r).split('\n')).toHaveLength(1)
    expect(warn).not.toHaveBeenCalled()
    warn.mockRestore()
  })
})

describe('issue 15 smaller findings', () => {
  it('says which score rows match no layer or variant, instead of dropping them', () => {
    const loaded = presetArchitecture('llama-3.1-8b')
    if (Result.isFailure(loaded)) throw loaded.failure
    const parent = loaded.success
    const table = parseScores('layer,variant,kl_div\n0,ffn:50%,0.01\n99,ffn:50%,0.02\n3,bogus,0.1\n', 's.csv')
    if (Result.isFailure(table)) throw table.failure
    const quality = measuredQuality(table.success)
    scoreSpace(parent, puzzleSpace(parent), quality)
    // Llama-3.1-8B has 32 layers (../shared/reference/models/llama3.1_8b.json): layer 99 does not exist.
    expect(quality.unusedRows?.()).toEqual(['layer 99 variant ffn:50%', 'layer 3 variant bogus'])
  })

  it('refuses a report file that is not HTML', () => {
    expect(thrown(() => checkReportPath('report.txt'))).toBe('invalid --report: report.txt (expected a file name ending in .html)')
    expect(thrown(() => checkReportPath('report.html'))).toBe('no error')
  })

  it('answers an unknown option in one line', () => {
    const r = nasSim(['search', '--bogus'])
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual(["nas-sim: error: unknown option '--bogus' (run with --help for usage)"])
  })
})
