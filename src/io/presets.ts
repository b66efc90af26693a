import * as Result from 'effect/Result'
import type { Architecture } from '../blocks/architecture.ts'
import type { ConfigImportError } from './errors.ts'
import { importHfConfig } from './hf-config.ts'
import hymba15b from '../../data/models/hymba-1.5b.json' with { type: 'json' }
import llama31_405b from '../../data/models/llama-3.1-405b.json' with { type: 'json' }
import llama31_70b from '../../data/models/llama-3.1-70b.json' with { type: 'json' }
import llama31_8b from '../../data/models/llama-3.1-8b.json' with { type: 'json' }
import llama32_3b from '../../data/models/llama-3.2-3b.json' with { type: 'json' }
import llama33_70b from '../../data/models/llama-3.3-70b.json' with { type: 'json' }
import llama33NemotronSuper49b from '../../data/models/llama-3.3-nemotron-super-49b.json' with { type: 'json' }
import nemotron4_340b from '../../data/models/nemotron-4-340b.json' with { type: 'json' }
import nemotronH47b from '../../data/models/nemotron-h-47b.json' with { type: 'json' }
import nemotronH4b from '../../data/models/nemotron-h-4b.json' with { type: 'json' }
import nemotronH56b from '../../data/models/nemotron-h-56b.json' with { type: 'json' }
import nemotronH8b from '../../data/models/nemotron-h-8b.json' with { type: 'json' }
import qwen25_72b from '../../data/models/qwen-2.5-72b.json' with { type: 'json' }
import qwen25_7b from '../../data/models/qwen-2.5-7b.json' with { type: 'json' }

/** A model shipped with nas-sim: its Hugging Face config.json lives in `data/models/<id>.json`. */
export interface Preset {
  readonly id: PresetId
  /** Display name, as the model's publisher writes it. */
  readonly name: string
  /** Where the config's figures come from (the fixture's `_source`). */
  readonly source: string
  /** Path of the config fixture, relative to the repository root. */
  readonly file: string
  /** The config.json itself, embedded so that presets work without the data folder at run time. */
  readonly config: { readonly _source: string | readonly string[] }
}

/** Every preset id with its display name and config. */
const presetTable = {
  'llama-3.1-8b': { name: 'Llama-3.1-8B', config: llama31_8b },
  'llama-3.1-70b': { name: 'Llama-3.1-70B', config: llama31_70b },
  'llama-3.3-70b': { name: 'Llama-3.3-70B', config: llama33_70b },
  'llama-3.1-405b': { name: 'Llama-3.1-405B', config: llama31_405b },
  'llama-3.2-3b': { name: 'Llama-3.2-3B', config: llama32_3b },
  'qwen-2.5-7b': { name: 'Qwen-2.5-7B', config: qwen25_7b },
  'qwen-2.5-72b': { name: 'Qwen-2.5-72B', config: qwen25_72b },
  'nemotron-4-340b': { name: 'Nemotron-4-340B', config: nemotron4_340b },
  'nemotron-h-8b': { name: 'Nemotron-H-8B', config: nemotronH8b },
  'nemotron-h-56b': { name: 'Nemotron-H-56B', config: nemotronH56b },
  'nemotron-h-47b': { name: 'Nemotron-H-47B', config: nemotronH47b },
  'nemotron-h-4b': { name: 'Nemotron-H-4B', config: nemotronH4b },
  'hymba-1.5b': { name: 'Hymba-1.5B', config: hymba15b },
  'llama-3.3-nemotron-super-49b': { name: 'Llama-3.3-Nemotron-Super-49B', config: llama33NemotronSuper49b },
} as const satisfies Record<string, { readonly name: string; readonly config: Preset['config'] }>

export type PresetId = keyof typeof presetTable

export const presetIds = Object.keys(presetTable) as readonly PresetId[]

export const presets: readonly Preset[] = presetIds.map((id) => {
  const { name, config } = presetTable[id]
  return { id, name, config, source: [config._source].flat().join('; '), file: `data/models/${id}.json` }
})

export function isPresetId(id: string): id is PresetId {
  return Object.hasOwn(presetTable, id)
}

/** The architecture of a preset, named by its display name. */
export function presetArchitecture(id: PresetId): Result.Result<Architecture, ConfigImportError> {
  const { name, config } = presetTable[id]
  return importHfConfig(config, { name })
}
