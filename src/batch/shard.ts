import * as Effect from 'effect/Effect'
import { BatchOptionError } from './errors.ts'

/** The `index`-th of `count` shards, 1-based as in `--shard 2/8` and a Slurm array's task ids. */
export interface Shard {
  readonly index: number
  readonly count: number
}

/** The environment variables a Slurm job array sets in each task (sbatch docs, "OUTPUT ENVIRONMENT VARIABLES"). */
export type SlurmEnvironment = Readonly<Record<string, string | undefined>>

/**
 * Parses `--shard`: `i/n` with integers 1 ≤ i ≤ n, or `slurm`, which reads
 * the task's place in its job array from the environment, so that an array
 * numbered from 0 (`--array=0-7`) or from 1 works without arithmetic.
 */
export function parseShard(text: string, env: SlurmEnvironment = {}): Effect.Effect<Shard, BatchOptionError> {
  if (text.trim() === 'slurm') return slurmShard(env)
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (match !== null && index >= 1 && index <= count) return Effect.succeed({ index, count })
  const hint = match !== null && index === 0 && count > 0 ? '; shards count from 1, and --shard slurm reads a Slurm array numbered from 0 itself' : ''
  return Effect.fail(new BatchOptionError({ option: '--shard', problem: `"${text}" is not i/n with integers 1 ≤ i ≤ n (e.g. 2/8)${hint}` }))
}

/**
 * The shard of a Slurm array task: its rank among the array's task ids.
 * SLURM_ARRAY_TASK_ID runs from SLURM_ARRAY_TASK_MIN; SLURM_ARRAY_TASK_COUNT
 * counts the tasks. Arrays with a step (`--array=0-15:4`) are refused, as the
 * ids then do not map one-to-one onto 1…count.
 */
function slurmShard(env: SlurmEnvironment): Effect.Effect<Shard, BatchOptionError> {
  const read = (name: string): number | undefined => {
    const text = env[name]
    return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) : undefined
  }
  const id = read('SLURM_ARRAY_TASK_ID')
  const count = read('SLURM_ARRAY_TASK_COUNT')
  const min = read('SLURM_ARRAY_TASK_MIN') ?? 0
  const max = read('SLURM_ARRAY_TASK_MAX')
  const fail = (problem: string) => Effect.fail(new BatchOptionError({ option: '--shard', problem }))
  if (id === undefined || count === undefined || count === 0)
    return fail('slurm: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT are not set to integers; run it as a Slurm array task (sbatch --array) or give i/n')
  if (max !== undefined && max - min + 1 !== count)
    return fail(`slurm: the array's ids ${min}…${max} are not ${count} consecutive numbers (a step in --array?); give i/n instead`)
  const index = id - min + 1
  return index >= 1 && index <= count ? Effect.succeed({ index, count }) : fail(`slurm: task ${id} lies outside the array's ${count} tasks from ${min}`)
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
