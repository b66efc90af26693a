/** A serving scenario, Puzzle-style: a fixed batch, prompt length and output length, run together. */
export interface Scenario {
  /** Sequences served together. */
  readonly batch: number
  /** Prompt tokens per sequence. */
  readonly input: number
  /** Generated tokens per sequence (≥ 1; the first comes out of prefill). */
  readonly output: number
}

/** A run of decode steps whose cost is evaluated once, at `contextLen`, and counted `steps` times. */
export interface DecodeSegment {
  readonly contextLen: number
  readonly steps: number
}

/** At most this many evaluations integrate the decode phase. */
export const maxDecodeSegments = 16

/**
 * The decode steps of a scenario, grouped for integration. Prefill yields the
 * first output token; each further token is one decode step whose new token
 * attends over input + j cached tokens (itself included), j = 1 … output − 1.
 * Steps are split into ≤ 16 equal runs, each charged at its midpoint context
 * (the midpoint rule): exact wherever the step time is linear in context, which
 * the roofline is except at one kink where a kernel turns from compute- to
 * memory-bound.
 */
export function decodeSegments(s: Scenario): readonly DecodeSegment[] {
  const steps = s.output - 1
  if (steps <= 0) return []
  const count = Math.min(steps, maxDecodeSegments)
  const segments: DecodeSegment[] = []
  let done = 0
  for (let i = 0; i < count; i++) {
    const end = Math.round(((i + 1) * steps) / count)
    const n = end - done
    // Contexts input + done + 1 … input + end; their mean is the midpoint.
    segments.push({ contextLen: s.input + done + (n + 1) / 2, steps: n })
    done = end
  }
  return segments
}

export function scenarioKey(s: Scenario): string {
  return `${s.batch}|${s.input}|${s.output}`
}
