import { Effect, Exit } from 'effect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseShard, selectShard } from './shard.ts'

describe('parseShard', () => {
  it('reads i/n', () => {
    expect(Effect.runSync(parseShard('2/8'))).toEqual({ index: 2, count: 8 })
    expect(Effect.runSync(parseShard(' 1 / 1 '))).toEqual({ index: 1, count: 1 })
  })

  it.each(['0/4', '5/4', '1/0', '-1/4', '1.5/4', '2', 'a/b', '', '1/4/2'])('rejects %j in one line', (text) => {
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
