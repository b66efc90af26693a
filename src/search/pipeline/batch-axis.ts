/**
 * The batch axis of an `@auto` search: the grid it starts from, the batches it
 * refines towards around the best plan, the engine's cap, and which of two
 * plans can run any child faster per sequence (the tie-break's question).
 */
import { InvalidInput } from '../../errors.ts'
import type { ServingDeployment } from '../../serving/serving-deployment.ts'
import type { SearchProblem } from '../problem.ts'
import { runtimeDim } from './candidates.ts'
import type { ScenarioSpec } from './request.ts'

/** Batches `auto` tries: powers of two up to 4096. */
export const autoBatches = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096] as const

/**
 * Untried batches between `best` and its nearest tried neighbours: on each side the one halfway (geometric mean)
 * to the neighbour, and with `adjacent` the one next to `best` too. The halfway points narrow the gap round after
 * round; the adjacent ones, offered in the first round, settle at once a best that sits next to its grid point (the
 * largest batch that still fits, typically, which the halving alone reaches only after eight rounds). Offered in
 * every round they cost a full proof each on a plateau of ties (Llama-3.1-405B at TP 8 with --params 253: 33 s
 * against 18 s). `settlePlans` solves them in order of their bounds.
 */
export function batchesAround(best: number, tried: readonly number[], adjacent = true): number[] {
  const below = Math.max(0, ...tried.filter((b) => b < best))
  const above = Math.min(...tried.filter((b) => b > best))
  const out: number[] = []
  if (best - below >= 2) out.push(...(adjacent ? [best - 1] : []), below >= 1 ? Math.round(Math.sqrt(below * best)) : Math.floor(best / 2))
  if (Number.isFinite(above) && above - best >= 2) out.push(...(adjacent ? [best + 1] : []), Math.round(Math.sqrt(best * above)))
  return [...new Set(out)].filter((b) => b !== best && b > below && b < above && !tried.includes(b) && b >= 1)
}

/**
 * The largest concurrency a search tries on its own: in flight, the engine's limit on sequences (vLLM's
 * max_num_seqs), past which the engine would not run the batch however small the child's cache; a static batch has none.
 */
export function largestAutoBatch(d: ServingDeployment): number {
  return d.batching === 'inflight' ? d.engine.limits(d.system.gpu).maxSequences : Infinity
}

/** Rounds of batch refinement around the best plan at most (see `runSearchInSpace`). */
export const maxBatchRefinements = 8

/** Batch plans: the given batches, or every auto batch for a single auto scenario. */
export function batchPlans(scenarios: readonly ScenarioSpec[], hints: readonly number[] = []): number[][] {
  const auto = scenarios.filter((s) => s.batch === 'auto').length
  if (auto === 0) return [scenarios.map((s) => s.batch as number)]
  if (scenarios.length > 1)
    throw new InvalidInput({ field: '--scenario', problem: 'give a batch for each scenario when searching over several (e.g. 128/1024@64); batch auto works with one scenario' })
  return [...new Set([...autoBatches, ...hints])].sort((a, b) => a - b).map((b) => [b])
}

/** Whether every variant (and the base) of `p` at batch `bp` takes no less runtime per sequence than in `s` at batch `bs`. */
export function perSequenceNoFaster(p: SearchProblem, bp: number, s: SearchProblem, bs: number): boolean {
  const name = runtimeDim(0)
  if ((p.baseCosts?.[name] ?? 0) / bp < (s.baseCosts?.[name] ?? 0) / bs) return false
  return p.layers.every((layer, l) => layer.variants.every((v, i) => (v.costs[name] ?? 0) / bp >= (s.layers[l]!.variants[i]!.costs[name] ?? 0) / bs))
}
