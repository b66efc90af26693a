import * as SchemaIssue from 'effect/SchemaIssue'
import type * as Schema from 'effect/Schema'

/** The first problem a schema found, with the path to the offending value. */
export interface FirstIssue {
  readonly path: readonly PropertyKey[]
  readonly message: string
}

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

export function firstIssue(error: Schema.SchemaError): FirstIssue {
  const issue = formatter(error.issue).issues[0]
  const path = (issue?.path ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment))
  const message = issue?.message ?? error.message
  return { path, message: message.charAt(0).toLowerCase() + message.slice(1) }
}

/** `a.b[2].c` from `['a', 'b', 2, 'c']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : index === 0 ? String(segment) : `.${String(segment)}`,
    )
    .join('')
}
