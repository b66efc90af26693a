import { Effect } from 'effect'
import { BatchOptionError } from './errors.ts'

/** The `index`-th of `count` shards, 1-based as in `--shard 2/8` and a Slurm array's task ids. */
export interface Shard {
  readonly index: number
  readonly count: number
}

/** Parses `i/n` with integers 1 ≤ i ≤ n. */
export function parseShard(text: string): Effect.Effect<Shard, BatchOptionError> {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  return match !== null && index >= 1 && index <= count
    ? Effect.succeed({ index, count })
    : Effect.fail(new BatchOptionError({ option: '--shard', problem: `"${text}" is not i/n with integers 1 ≤ i ≤ n (e.g. 2/8)` }))
}

/**
 * The shard (1-based) each id belongs to: ids sorted, then dealt round-robin,
 * so shards differ in size by at most one job and every machine given the
 * same spec agrees on the split.
 */
export function shardAssignment(ids: readonly string[], count: number): ReadonlyMap<string, number> {
  const sorted = [...ids].sort()
  return new Map(sorted.map((id, position) => [id, (position % count) + 1]))
}

/** The items whose id falls in `shard`, in their original order. */
export function selectShard<T extends { readonly id: string }>(items: readonly T[], shard: Shard): readonly T[] {
  const assignment = shardAssignment(items.map((item) => item.id), shard.count)
  return items.filter((item) => assignment.get(item.id) === shard.index)
}
