import { readFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import type { Architecture } from '../blocks/architecture.ts'
import { ConfigFileError, type ModelLoadError, UnknownModelError } from './errors.ts'
import { importHfConfig } from './hf-config.ts'
import { isPresetId, presetArchitecture, presetIds } from './presets.ts'

/** Parses config text; bad JSON becomes one line naming the file and the parser's complaint. */
export function parseConfigJson(text: string, path: string): Result.Result<unknown, ConfigFileError> {
  return Result.try({
    try: (): unknown => JSON.parse(text),
    catch: (error) => new ConfigFileError({ path, reason: `not valid JSON (${error instanceof Error ? error.message : String(error)})` }),
  })
}

/** A name for a config read from disk: the folder of a `config.json` (HF's layout), else the file's own name. */
export function nameFromPath(path: string): string {
  const file = basename(path)
  return file === 'config.json' ? basename(dirname(path)) : file.replace(/\.json$/i, '')
}

/** Decodes a config read from `path` into an architecture (pure; the reading is {@link readConfigText}'s job). */
export function architectureFromText(text: string, path: string): Result.Result<Architecture, ModelLoadError> {
  return Result.flatMap(parseConfigJson(text, path), (json) =>
    importHfConfig(json, { defaultName: nameFromPath(path), source: path }),
  )
}

/** What `--model` names: a preset, a config file, or nothing known. */
export type ModelReference =
  | { readonly kind: 'preset'; readonly id: (typeof presetIds)[number] }
  | { readonly kind: 'file'; readonly path: string }

/** A preset id wins; anything that looks like a path (a separator or a `.json` ending) is a file. */
export function resolveModelReference(idOrPath: string): Result.Result<ModelReference, UnknownModelError> {
  if (isPresetId(idOrPath)) return Result.succeed({ kind: 'preset', id: idOrPath })
  if (/[\\/]/.test(idOrPath) || /\.json$/i.test(idOrPath)) return Result.succeed({ kind: 'file', path: idOrPath })
  return Result.fail(new UnknownModelError({ id: idOrPath, known: presetIds }))
}

/** Plain words for the Node error codes a user can cause by naming the wrong path. */
const readFailures: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, expected a config.json file',
}

/** The file-system edge: the text of a config file, or a one-line error. */
export function readConfigText(path: string): Effect.Effect<string, ConfigFileError> {
  return Effect.tryPromise({
    try: () => readFile(path, 'utf8'),
    catch: (error) => {
      const code = error instanceof Error && 'code' in error ? String(error.code) : undefined
      return new ConfigFileError({ path, reason: (code === undefined ? undefined : readFailures[code]) ?? `cannot read (${code ?? String(error)})` })
    },
  })
}

/** Resolves `--model`: a preset id, or a path to a Hugging Face config.json to read and decode. */
export function loadModel(idOrPath: string): Effect.Effect<Architecture, ModelLoadError> {
  return Effect.gen(function* () {
    const reference = yield* Effect.fromResult(resolveModelReference(idOrPath))
    if (reference.kind === 'preset') return yield* Effect.fromResult(presetArchitecture(reference.id))
    const text = yield* readConfigText(reference.path)
    return yield* Effect.fromResult(architectureFromText(text, reference.path))
  })
}
