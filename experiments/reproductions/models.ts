import * as Result from 'effect/Result'
import type { Architecture } from '../../src/blocks/architecture.ts'
import { importHfConfig } from '../../src/io/hf-config.ts'
import { presetArchitecture, type PresetId } from '../../src/io/presets.ts'

/** A shipped preset; a preset that fails to load is a bug, not a user mistake, so it throws. */
export function preset(id: PresetId): Architecture {
  return Result.getOrThrowWith(presetArchitecture(id), (error) => new Error(`preset ${id}: ${error.message}`))
}

/** An architecture from a config.json object built by an experiment. */
export function fromConfig(json: unknown, name: string): Architecture {
  return Result.getOrThrowWith(importHfConfig(json, { name }), (error) => new Error(`${name}: ${error.message}`))
}
