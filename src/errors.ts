/**
 * Errors a user can cause, as tagged classes with structured fields; the
 * message is derived from the fields. Anything else that is thrown is a bug.
 * The CLI prints a user error as one line and exits 2.
 */
import * as Data from 'effect/Data'

/** A value the user gave is malformed or out of range. */
export class InvalidInput extends Data.TaggedError('InvalidInput')<{
  /** Where the value came from, e.g. `--batch`, `config.json: hidden_size`, `line 3: block.kvHeads`. */
  readonly field: string
  /** What was wrong and what is expected. */
  readonly problem: string
}> {
  override get message(): string {
    return `invalid ${this.field}: ${this.problem}`
  }
}

/** An id that names nothing known (a GPU, a model preset, a calibration). */
export class UnknownId extends Data.TaggedError('UnknownId')<{
  readonly kind: string
  readonly id: string
  readonly known: readonly string[]
}> {
  override get message(): string {
    return `unknown ${this.kind} "${this.id}"; known: ${this.known.join(', ')}`
  }
}

/** A file that cannot be read, parsed or written. */
export class FileError extends Data.TaggedError('FileError')<{
  readonly path: string
  readonly problem: string
}> {
  override get message(): string {
    return `${this.path}: ${this.problem}`
  }
}

/** A budget no candidate can meet, with the nearest achievable value. */
export class InfeasibleBudget extends Data.TaggedError('InfeasibleBudget')<{
  /** Which budget, e.g. `throughput`, `latency`, `memory`. */
  readonly budget: string
  /** The limit asked for, rendered with its unit. */
  readonly requested: string
  /** The best achievable value under the other constraints, rendered with its unit. */
  readonly nearest: string
  /**
   * `nearest` as a number in the budget's own unit, and which way is better, so that
   * callers comparing several failures (one per whole-model setting) need not parse text.
   */
  readonly nearestValue: number
  readonly better: 'higher' | 'lower'
}> {
  override get message(): string {
    return `infeasible budget: ${this.budget} ${this.requested} cannot be met; the best achievable is ${this.nearest}`
  }
}

export type UserError = InvalidInput | UnknownId | FileError | InfeasibleBudget

/**
 * Expected failures anywhere in nas-sim are `Data.TaggedError` subclasses (these
 * and the importers' own); a plain `Error` is a bug. This tells them apart.
 */
export function isUserError(e: unknown): e is Error & { readonly _tag: string } {
  return e instanceof Error && typeof (e as { _tag?: unknown })._tag === 'string'
}

/**
 * One line from an Effect Schema failure message, which reads
 * `Expected …\n  at ["block"]["kvHeads"]`: the path first, as `block.kvHeads`.
 */
export function schemaProblem(message: string): { path: string; problem: string } {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l.length > 0)
  const at = lines.find((l) => l.startsWith('at '))
  const problem = lines.filter((l) => !l.startsWith('at ')).join('; ')
  const path = at === undefined ? '' : [...at.matchAll(/\[(?:"([^"]*)"|(\d+))\]/g)].map((m) => m[1] ?? `[${m[2]}]`).join('.').replace(/\.\[/g, '[')
  return { path, problem }
}

/** An InvalidInput from a Schema failure, prefixed with where the input came from. */
export function invalidFromSchema(source: string, message: string): InvalidInput {
  const { path, problem } = schemaProblem(message)
  return new InvalidInput({ field: path === '' ? source : `${source}: ${path}`, problem })
}

/**
 * Plain words for the Node error codes a user can cause with a path: a wrong
 * name, a folder where a file was expected, a full disk. Anything else keeps
 * its code, so a rarer failure still says what the system said.
 */
const problems: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, expected a file',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
}

/** One line for a thrown file-system error: the plain words for its code, else its first line of message. */
export function fileProblem(thrown: unknown): string {
  const code = thrown instanceof Error && 'code' in thrown && typeof thrown.code === 'string' ? thrown.code : undefined
  const known = code === undefined ? undefined : problems[code]
  if (known !== undefined) return known
  const text = thrown instanceof Error ? thrown.message : String(thrown)
  return text.split('\n')[0] ?? text
}
