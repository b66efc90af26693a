import * as Effect from 'effect/Effect'
import * as Exit from 'effect/Exit'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseShard, selectShard } from './shard.ts'

describe('parseShard', () => {
  it('reads i/n', () => {
    expect(Effect.runSync(parseShard('2/8'))).toEqual({ index: 2, count: 8 })
    expect(Effect.runSync(parseShard(' 1 / 1 '))).toEqual({ index: 1, count: 1 })
  })

  it('reads a Slurm array task from the environment, numbered from 0 or from 1', () => {
    // sbatch --array=0-7 sets SLURM_ARRAY_TASK_ID 0…7, SLURM_ARRAY_TASK_MIN 0, SLURM_ARRAY_TASK_MAX 7, SLURM_ARRAY_TASK_COUNT 8.
    const task = (id: number, min: number) => ({ SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: String(min), SLURM_ARRAY_TASK_MAX: String(min + 7), SLURM_ARRAY_TASK_COUNT: '8' })
    expect(Effect.runSync(parseShard('slurm', task(0, 0)))).toEqual({ index: 1, count: 8 })
    expect(Effect.runSync(parseShard('slurm', task(7, 0)))).toEqual({ index: 8, count: 8 })
    expect(Effect.runSync(parseShard('slurm', task(1, 1)))).toEqual({ index: 1, count: 8 })
    expect(Effect.runSync(parseShard('slurm', task(8, 1)))).toEqual({ index: 8, count: 8 })
  })

  it('refuses slurm outside an array task, or in an array with a step, naming what to give instead', () => {
    const message = (env: Record<string, string>) => {
      const exit = Effect.runSyncExit(parseShard('slurm', env))
      const reason = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
      return reason?._tag === 'Fail' ? reason.error.message : ''
    }
    expect(message({})).toMatch(/^--shard: slurm: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT are not set/)
    expect(message({ SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '12', SLURM_ARRAY_TASK_COUNT: '4' })).toMatch(/not 4 consecutive numbers/)
  })

  it('points a 0-based index to --shard slurm', () => {
    const exit = Effect.runSyncExit(parseShard('0/4'))
    const reason = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
    expect(reason?._tag === 'Fail' ? reason.error.message : '').toMatch(/shards count from 1, and --shard slurm reads a Slurm array numbered from 0 itself$/)
  })

  it.each(['5/4', '1/0', '-1/4', '1.5/4', '2', 'a/b', '', '1/4/2'])('rejects %j in one line', (text) => {
    const exit = Effect.runSyncExit(parseShard(text))
    expect(Exit.isFailure(exit)).toBe(true)
    if (Exit.isFailure(exit)) {
      const reason = exit.cause.reasons[0]
      expect(reason?._tag === 'Fail' ? reason.error.message : '').toBe(`--shard: "${text}" is not i/n with integers 1 ≤ i ≤ n (e.g. 2/8)`)
    }
  })
})

describe('selectShard', () => {
  const ids = fc.uniqueArray(fc.stringMatching(/^[0-9a-f]{12}$/), { maxLength: 200 })

  it('puts every job in exactly one of n shards, the shards within one job of each other in size', () => {
    fc.assert(
      fc.property(ids, fc.integer({ min: 1, max: 40 }), (list, count) => {
        const items = list.map((id) => ({ id }))
        const shards = Array.from({ length: count }, (_, index) => selectShard(items, { index: index + 1, count }))
        const seen = shards.flat().map(({ id }) => id)
        expect(seen.sort()).toEqual([...list].sort())
        const sizes = shards.map((shard) => shard.length)
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
      }),
    )
  })

  it('splits the same way whatever order the jobs come in, and keeps their order within a shard', () => {
    fc.assert(
      fc.property(ids, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }), (list, count, pick) => {
        const shard = { index: Math.min(pick, count), count }
        const forward = selectShard(list.map((id) => ({ id })), shard).map(({ id }) => id)
        const backward = selectShard([...list].reverse().map((id) => ({ id })), shard).map(({ id }) => id)
        expect(backward).toEqual([...forward].reverse())
      }),
    )
  })
})
