/** Parsers for option values: each returns the value or throws an InvalidInput naming the option. */
import * as Result from 'effect/Result'
import type { Precision } from '../blocks/precision.ts'
import { precisions } from '../blocks/precision.ts'
import { InvalidInput } from '../errors.ts'
import { decimal } from '../io/decimal.ts'

export function positiveInt(option: string, raw: string): number {
  const n = Number(raw)
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n <= 0)
    throw new InvalidInput({ field: option, problem: `"${raw}" (expected a positive integer)` })
  return n
}

/**
 * The longest prompt or output nas-sim accepts, in tokens: 2²⁴, over a hundred times the longest context of the
 * reference models (131,072, ../shared/reference/models).
 */
export const maxTokens = 2 ** 24

/** A prompt or output length in tokens, from 1 to {@link maxTokens}. */
export function tokenCount(option: string, raw: string): number {
  const n = positiveInt(option, raw)
  if (n > maxTokens) throw new InvalidInput({ field: option, problem: `${n} (expected at most ${maxTokens.toLocaleString('en-US')} tokens)` })
  return n
}

/** The largest batch or concurrency nas-sim accepts: 2²⁰ sequences, far past what any GPU's memory holds. */
export const maxBatch = 2 ** 20

/** A batch or concurrency, from 1 to {@link maxBatch}. */
export function batchSize(option: string, raw: string): number {
  const n = positiveInt(option, raw)
  if (n > maxBatch) throw new InvalidInput({ field: option, problem: `${n} (expected at most ${maxBatch.toLocaleString('en-US')} sequences)` })
  return n
}

export function positiveNumber(option: string, raw: string): number {
  const n = decimal(raw)
  if (!Number.isFinite(n) || n <= 0) throw new InvalidInput({ field: option, problem: `"${raw}" (expected a positive number)` })
  return n
}

export function precision(option: string, raw: string): Precision {
  const p = raw.trim().toLowerCase()
  if ((precisions as readonly string[]).includes(p)) return p as Precision
  throw new InvalidInput({ field: option, problem: `"${raw}" (expected one of ${precisions.join(', ')})` })
}

/** Unwraps a Result, throwing its (tagged) error. */
export function orThrow<A, E>(r: Result.Result<A, E>): A {
  if (Result.isFailure(r)) throw r.failure
  return r.success
}
