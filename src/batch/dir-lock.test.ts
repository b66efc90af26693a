import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Effect from 'effect/Effect'
import * as Exit from 'effect/Exit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { acquireDirLock, lockDirectory, lockFileName, processAlive, releaseDirLock, type LockHolder } from './dir-lock.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nas-sim-lock-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const holder = (pid: number, host = 'node-a'): LockHolder => ({ pid, host, since: '2026-12-01T17:00:00.000Z' })
const failure = (exit: Exit.Exit<unknown, { readonly message: string }>): string => {
  if (Exit.isSuccess(exit)) throw new Error('expected the lock to be refused')
  const reason = exit.cause.reasons[0]
  return reason?._tag === 'Fail' ? reason.error.message : ''
}

describe('acquireDirLock', () => {
  it('takes a free directory and records its holder in the lock file', () => {
    Effect.runSync(acquireDirLock(dir, { me: holder(101) }))
    expect(JSON.parse(readFileSync(join(dir, lockFileName), 'utf8'))).toEqual(holder(101))
  })

  it('refuses a second run while the first runs, naming the holder and what to do', () => {
    Effect.runSync(acquireDirLock(dir, { me: holder(101) }))
    const exit = Effect.runSyncExit(acquireDirLock(dir, { me: holder(202), alive: () => true }))
    expect(failure(exit)).toBe(`${dir} is in use by process 101 on node-a since 2026-12-01T17:00:00.000Z; wait for it to finish, or delete ${join(dir, lockFileName)} if that run is gone`)
  })

  it('takes over a lock whose holder on this host is gone', () => {
    Effect.runSync(acquireDirLock(dir, { me: holder(101) }))
    Effect.runSync(acquireDirLock(dir, { me: holder(202), alive: (pid) => pid !== 101 }))
    expect(JSON.parse(readFileSync(join(dir, lockFileName), 'utf8')).pid).toBe(202)
  })

  it('leaves a lock from another host alone, since its process cannot be checked from here', () => {
    Effect.runSync(acquireDirLock(dir, { me: holder(101, 'node-b') }))
    const exit = Effect.runSyncExit(acquireDirLock(dir, { me: holder(202, 'node-a'), alive: () => false }))
    expect(failure(exit)).toContain('process 101 on node-b')
  })

  it('refuses on an unreadable lock file rather than guess', () => {
    writeFileSync(join(dir, lockFileName), '{"pid": 1')
    expect(failure(Effect.runSyncExit(acquireDirLock(dir, { me: holder(202), alive: () => false })))).toContain('in use by another run')
  })
})

describe('lockDirectory', () => {
  it('holds the lock for the scope and releases it after, so the next run gets it', async () => {
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* lockDirectory(dir, { me: holder(101) })
          expect(existsSync(join(dir, lockFileName))).toBe(true)
          const second = yield* Effect.exit(acquireDirLock(dir, { me: holder(202), alive: () => true }))
          expect(Exit.isFailure(second)).toBe(true)
        }),
      ),
    )
    expect(existsSync(join(dir, lockFileName))).toBe(false)
    Effect.runSync(acquireDirLock(dir, { me: holder(202) }))
  })

  it('never removes a lock another run took over', () => {
    writeFileSync(join(dir, lockFileName), JSON.stringify(holder(202)))
    releaseDirLock(dir, holder(101))
    expect(existsSync(join(dir, lockFileName))).toBe(true)
  })
})

describe('processAlive', () => {
  it('knows this process runs', () => {
    expect(processAlive(process.pid)).toBe(true)
  })
})
