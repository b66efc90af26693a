import * as Data from 'effect/Data'

/**
 * A config field is missing or holds a value nas-sim cannot use. `field` is a
 * path into the JSON (`block_configs[3].ffn.ffn_mult`); `problem` says what was
 * expected and what was found.
 */
export class ConfigFieldError extends Data.TaggedError('ConfigFieldError')<{
  readonly field: string
  readonly problem: string
}> {
  override get message(): string {
    return `invalid config field ${this.field}: ${this.problem}`
  }
}

/** The config names a model family nas-sim does not model (or not yet). */
export class UnsupportedArchitectureError extends Data.TaggedError('UnsupportedArchitectureError')<{
  readonly architecture: string
  readonly reason: string
}> {
  override get message(): string {
    return `unsupported architecture ${this.architecture}: ${this.reason}`
  }
}

/** A config file could not be read or is not JSON. */
export class ConfigFileError extends Data.TaggedError('ConfigFileError')<{
  readonly path: string
  readonly reason: string
}> {
  override get message(): string {
    return `cannot load ${this.path}: ${this.reason}`
  }
}

/** `--model` is neither a preset id nor a path to a config file. */
export class UnknownModelError extends Data.TaggedError('UnknownModelError')<{
  readonly id: string
  readonly known: readonly string[]
}> {
  override get message(): string {
    return `unknown model "${this.id}": expected a path to a config.json or one of ${this.known.join(', ')}`
  }
}

/** An architecture that a DeciLM `config.json` cannot express. */
export class DeciLmExportError extends Data.TaggedError('DeciLmExportError')<{
  readonly field: string
  readonly problem: string
}> {
  override get message(): string {
    return `cannot export as DeciLM: ${this.field}: ${this.problem}`
  }
}

/** Everything that can go wrong turning a config JSON into an architecture. */
export type ConfigImportError = ConfigFieldError | UnsupportedArchitectureError

/** Everything that can go wrong resolving `--model`. */
export type ModelLoadError = ConfigImportError | ConfigFileError | UnknownModelError
