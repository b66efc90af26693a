/**
 * A request inside the engine. The engine knows `input + generated` tokens of
 * it; `computed` of them have their KV cache in the pool. Each step computes
 * some of the rest; when all known tokens are computed a new token is sampled.
 * A preempted sequence loses its cache (`computed` = 0) and later recomputes
 * its prompt and what it has generated, as vLLM's recompute preemption does.
 */
export interface Sequence {
  /** Index in the order of arrival (0, 1, …). */
  readonly id: number
  readonly arrival: number
  readonly input: number
  readonly output: number
  /** The closed-loop user that sent it (−1 for open workloads). */
  readonly user: number
  computed: number
  generated: number
  /** KV blocks it holds. */
  blocks: number
  /** Tokens scheduled in the current step. */
  scheduled: number
  /** Time its first token was sampled (NaN until then). */
  firstToken: number
  preemptions: number
}

export function newSequence(id: number, arrival: number, input: number, output: number, user: number): Sequence {
  return { id, arrival, input, output, user, computed: 0, generated: 0, blocks: 0, scheduled: 0, firstToken: Number.NaN, preemptions: 0 }
}

/** Tokens the engine knows and has not yet computed. */
export function pendingTokens(s: Sequence): number {
  return s.input + s.generated - s.computed
}

/** Whether this step is an ordinary decode: one new token after a cache holding everything else. */
export function isDecode(s: Sequence): boolean {
  return s.scheduled === 1 && s.generated >= 1 && s.computed === s.input + s.generated - 1
}
