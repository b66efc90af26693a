import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Effect from 'effect/Effect'
import * as Exit from 'effect/Exit'
import * as Result from 'effect/Result'
import { describe, expect, it } from 'vitest'
import { architectureParams, type Architecture } from '../blocks/index.ts'
import { loadModel } from './load-model.ts'
import { presetArchitecture, presetIds, presets, type PresetId } from './presets.ts'

function preset(id: PresetId): Architecture {
  return Result.getOrThrowWith(presetArchitecture(id), (error) => new Error(error.message))
}

async function loadError(idOrPath: string): Promise<string> {
  const exit = await Effect.runPromiseExit(loadModel(idOrPath))
  if (Exit.isSuccess(exit)) throw new Error(`expected ${idOrPath} to fail`)
  const error = exit.cause.reasons.find((reason) => reason._tag === 'Fail')
  if (error?._tag !== 'Fail') throw new Error('expected a typed failure')
  return error.error.message
}

describe('presets', () => {
  it('lists every model of the reference folder under its lower-case id, with a name, a source and its config file', () => {
    expect([...presetIds].sort()).toEqual(
      [
        'llama-3.1-8b', 'llama-3.1-70b', 'llama-3.3-70b', 'llama-3.1-405b', 'llama-3.2-3b', 'qwen-2.5-7b', 'qwen-2.5-72b',
        'nemotron-4-340b', 'nemotron-h-8b', 'nemotron-h-56b', 'nemotron-h-47b', 'nemotron-h-4b', 'hymba-1.5b',
        'llama-3.3-nemotron-super-49b',
      ].sort(),
    )
    for (const p of presets) {
      expect(p.name).not.toBe('')
      expect(p.source).not.toBe('')
      expect(p.file).toBe(`data/models/${p.id}.json`)
    }
  })

  it('imports every preset', () => {
    for (const id of presetIds) expect(Result.isSuccess(presetArchitecture(id))).toBe(true)
  })

  // ../shared/reference/README.md, "Parameter counts" (no biases; both norms per block, the final norm,
  // the embeddings and an untied LM head), to about 0.1%.
  it.each([
    ['llama-3.1-8b', 8.030e9],
    ['llama-3.1-70b', 70.554e9],
    ['llama-3.3-70b', 70.554e9],
    ['llama-3.1-405b', 405.853e9],
    ['llama-3.2-3b', 3.213e9],
    ['qwen-2.5-72b', 72.705e9],
    ['llama-3.3-nemotron-super-49b', 49.867e9],
  ] as const)('counts %s’s parameters as the reference table does', (id, expected) => {
    expect(Math.abs(architectureParams(preset(id)) / expected - 1)).toBeLessThan(1e-3)
  })

  // `param_count_computed` in ../shared/reference/models/nemotron_h_{8b,56b,47b,4b}.json.
  it.each([
    ['nemotron-h-8b', 8.101e9],
    ['nemotron-h-56b', 56.32e9],
    ['nemotron-h-47b', 46.79e9],
    ['nemotron-h-4b', 4.49e9],
  ] as const)('counts %s’s parameters as the reference config does', (id, expected) => {
    expect(Math.abs(architectureParams(preset(id)) / expected - 1)).toBeLessThan(1e-3)
  })

  it('counts Qwen-2.5-7B at its published 7.61 B (QKV bias of 0.1 M left out)', () => {
    // Qwen2.5-7B model card on Hugging Face: "Number of Parameters: 7.61B".
    expect(Math.abs(architectureParams(preset('qwen-2.5-7b')) / 7.61e9 - 1)).toBeLessThan(1e-3)
  })
})

describe('loadModel', () => {
  it('loads a preset by id under its display name', async () => {
    const arch = await Effect.runPromise(loadModel('llama-3.1-70b'))
    expect(arch.name).toBe('Llama-3.1-70B')
    expect(arch.layers).toHaveLength(80)
  })

  it('reads a config.json from a path, named after its folder and attributed to the file', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'nas-sim-io-')), 'my-child')
    await mkdir(dir)
    const { _source, ...config } = presets.find((p) => p.id === 'llama-3.2-3b')?.config ?? { _source: '' }
    const path = join(dir, 'config.json')
    await writeFile(path, JSON.stringify(config))
    const arch = await Effect.runPromise(loadModel(path))
    expect(arch.name).toBe('my-child')
    expect(arch.source).toBe(path)
    expect(arch.embedding.tied).toBe(true)
  })

  it('answers a bad path, bad JSON and an unknown id with one line each', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nas-sim-io-'))
    const broken = join(dir, 'broken.json')
    await writeFile(broken, '{"hidden_size": 4096,')
    expect(await loadError(broken)).toMatch(/^cannot load .*broken\.json: not valid JSON \(.+\)$/)
    expect(await loadError(join(dir, 'missing.json'))).toBe(`cannot load ${join(dir, 'missing.json')}: no such file`)
    expect(await loadError('llama-9')).toBe(`unknown model "llama-9": expected a path to a config.json or one of ${presetIds.join(', ')}`)
    for (const message of [await loadError(broken), await loadError('llama-9')]) expect(message).not.toContain('\n')
  })
})
