import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import type { Architecture } from '../blocks/architecture.ts'
import { type ConfigImportError, UnsupportedArchitectureError } from './errors.ts'
import type { ImportOptions } from './hf-architecture.ts'
import { decodeConfig } from './hf-decode.ts'
import { importDeciLm } from './hf-decilm.ts'
import { importLlama, importQwen2 } from './hf-llama.ts'
import { importNemotron } from './hf-nemotron.ts'
import { importNemotronH } from './hf-nemotron-h.ts'
import { importHymba } from './hf-hymba.ts'
import { hfSettings } from './hf-settings.ts'

type Importer = (json: unknown, options?: ImportOptions) => Result.Result<Architecture, ConfigImportError>

/** Supported `architectures[0]` classes, each with its HF `model_type` and importer. */
const importers = {
  LlamaForCausalLM: { modelType: 'llama', importer: importLlama },
  Qwen2ForCausalLM: { modelType: 'qwen2', importer: importQwen2 },
  NemotronForCausalLM: { modelType: 'nemotron', importer: importNemotron },
  NemotronHForCausalLM: { modelType: 'nemotron_h', importer: importNemotronH },
  DeciLMForCausalLM: { modelType: 'nemotron-nas', importer: importDeciLm },
  HymbaForCausalLM: { modelType: 'hymba', importer: importHymba },
} satisfies Record<string, { readonly modelType: string; readonly importer: Importer }>

type SupportedClass = keyof typeof importers

export const supportedArchitectures = Object.keys(importers) as readonly SupportedClass[]

/** Only the family-identifying keys; the rest is the family schema's job. */
const ConfigHeader = Schema.Struct({
  architectures: Schema.optionalKey(Schema.Array(Schema.String)),
  model_type: Schema.optionalKey(Schema.String),
})

function isSupported(name: string): name is SupportedClass {
  return Object.hasOwn(importers, name)
}

/** The architecture class a config names, from `architectures[0]`, else from `model_type`. */
function classOf(header: Schema.Schema.Type<typeof ConfigHeader>): string | undefined {
  const named = header.architectures?.[0]
  if (named !== undefined) return named
  return Object.entries(importers).find(([, family]) => family.modelType === header.model_type)?.[0] ?? header.model_type
}

/**
 * Turns a Hugging Face `config.json` (already parsed) into an architecture.
 * The family comes from `architectures[0]` (or `model_type`); its schema then
 * decodes the fields. Never throws: any input gives either an architecture or
 * a tagged error whose message is one line naming the field. The config's
 * non-architectural fields ride along as the architecture's `settings`.
 *
 * @param options display name and provenance (see {@link ImportOptions}).
 */
export function importHfConfig(json: unknown, options: ImportOptions = {}): Result.Result<Architecture, ConfigImportError> {
  return Result.gen(function* () {
    const header = yield* decodeConfig(ConfigHeader, json)
    const architecture = classOf(header)
    if (architecture !== undefined && isSupported(architecture)) {
      const imported = yield* importers[architecture].importer(json, options)
      const settings = hfSettings(json)
      return Object.keys(settings).length === 0 ? imported : { ...imported, settings }
    }
    const reason = `expected architectures[0] to be one of ${supportedArchitectures.join(', ')}`
    return yield* Result.fail(new UnsupportedArchitectureError({ architecture: architecture ?? '(none named)', reason }))
  })
}
