import * as Data from 'effect/Data'

/** A plot input that cannot be drawn; the message names the field and what to fix. */
export class VizInputError extends Data.TaggedError('VizInputError')<{
  /** Path of the offending field, e.g. `series[1].points[3].throughput`. */
  readonly field: string
  /** What is wrong and what is expected. */
  readonly problem: string
}> {
  override get message(): string {
    return `invalid ${this.field}: ${this.problem}`
  }
}

/** Rejects NaN, infinities and (unless allowed) negative values before they reach a scale. */
export function requireFinite(field: string, value: number, options: { readonly nonNegative?: boolean } = {}): number {
  if (!Number.isFinite(value)) throw new VizInputError({ field, problem: `${value} (must be a finite number)` })
  if (options.nonNegative === true && value < 0) throw new VizInputError({ field, problem: `${value} (must be ≥ 0)` })
  return value
}

/** Rejects zero and negative values where a value divides or sizes something. */
export function requirePositive(field: string, value: number): number {
  requireFinite(field, value)
  if (value <= 0) throw new VizInputError({ field, problem: `${value} (must be > 0)` })
  return value
}
