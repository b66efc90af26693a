import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import * as SchemaIssue from 'effect/SchemaIssue'
import { ConfigFieldError } from './errors.ts'

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

/** `['block_configs', 3, 'ffn', 'ffn_mult']` → `block_configs[3].ffn.ffn_mult`. */
export function fieldPath(path: readonly (PropertyKey | { readonly key: PropertyKey })[]): string {
  const text = path
    .map((segment) => (typeof segment === 'object' ? segment.key : segment))
    .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
    .join('')
    .replace(/^\./, '')
  return text === '' ? '(top level)' : text
}

/**
 * Decodes untrusted JSON against a config schema. Unknown keys are ignored (HF
 * configs carry many fields that do not change the cost), and the first
 * problem becomes a one-line {@link ConfigFieldError} naming the field, what
 * was expected and what was found.
 */
export function decodeConfig<T>(
  schema: Schema.ConstraintDecoder<T>,
  input: unknown,
): Result.Result<T, ConfigFieldError> {
  return Result.mapError(
    Schema.decodeUnknownResult(schema)(input, { errors: 'first', reportInput: true }),
    (error) => {
      const [first] = formatIssues(error.issue).issues
      const problem = first === undefined ? 'invalid value' : first.message
      return new ConfigFieldError({
        field: fieldPath(first?.path ?? []),
        problem: problem === 'Missing key' ? 'required but missing' : lowerFirst(problem),
      })
    },
  )
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}
