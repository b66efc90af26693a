/** Parsers for option values: each returns the value or throws an InvalidInput naming the option. */
import { Result } from 'effect'
import type { Precision } from '../blocks/precision.ts'
import { precisions } from '../blocks/precision.ts'
import { InvalidInput } from '../errors.ts'

export function positiveInt(option: string, raw: string): number {
  const n = Number(raw)
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n <= 0)
    throw new InvalidInput({ field: option, problem: `"${raw}" (expected a positive integer)` })
  return n
}

export function positiveNumber(option: string, raw: string): number {
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidInput({ field: option, problem: `"${raw}" (expected a positive number)` })
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
