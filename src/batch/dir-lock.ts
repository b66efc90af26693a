/**
 * A lock on a batch's output directory, so that two runs (two resumers, or a
 * resume beside a run still going) never run one job twice or interleave
 * their results. The lock is a file created with O_EXCL, which only one
 * process can do; it names its holder. A lock whose holder was on this host
 * and is gone (killed, crashed) is stale and taken over; one from another
 * host cannot be checked and is left for the user to judge.
 *
 * Why not proper-lockfile from npm: it keeps a lock alive by rewriting its
 * mtime on a timer and judges staleness by age, which needs a timer in every
 * run and a guess at the longest pause; a batch runs on one host, where
 * whether the holder's pid still runs is a sure answer.
 */
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import * as Effect from 'effect/Effect'
import type * as Scope from 'effect/Scope'
import { writeAll } from './atomic-file.ts'
import { BatchFileError, BatchLocked } from './errors.ts'
import { fileProblem } from '../errors.ts'

/** Who holds a lock: written into the lock file as JSON. */
export interface LockHolder {
  readonly pid: number
  readonly host: string
  /** ISO 8601 time the lock was taken. */
  readonly since: string
}

export const lockFileName = '.lock'

/** Whether a process with this pid runs on this host (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: it runs, under another user.
    return e instanceof Error && 'code' in e && e.code === 'EPERM'
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.since === 'string'
      ? { pid: parsed.pid, host: parsed.host, since: parsed.since }
      : undefined
  } catch {
    return undefined
  }
}

/** Creates the lock file if no one has it; the holder's record otherwise (undefined when the file is unreadable, e.g. half-written). */
function tryCreate(file: string, me: LockHolder): { readonly taken: true } | { readonly taken: false; readonly holder: LockHolder | undefined } {
  let fd: number
  try {
    fd = openSync(file, 'wx')
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'EEXIST') return { taken: false, holder: readHolder(file) }
    throw e
  }
  try {
    writeAll(fd, Buffer.from(`${JSON.stringify(me)}\n`))
  } finally {
    closeSync(fd)
  }
  return { taken: true }
}

export interface LockOptions {
  /** This process, by default; tests pass others. */
  readonly me?: LockHolder
  readonly alive?: (pid: number) => boolean
}

/**
 * Takes the lock of `dir`, or fails with {@link BatchLocked} naming who holds
 * it. A stale lock (its holder on this host no longer runs) is removed and
 * taken. Pure of Effect so that tests can drive it; see {@link lockDirectory}.
 */
export function acquireDirLock(dir: string, options: LockOptions = {}): Effect.Effect<LockHolder, BatchLocked | BatchFileError> {
  const file = join(dir, lockFileName)
  const me = options.me ?? { pid: process.pid, host: hostname(), since: new Date().toISOString() }
  const alive = options.alive ?? processAlive
  return Effect.try({
    try: () => {
      // Two rounds: the second after removing a stale lock, which another process may take first.
      for (let round = 0; round < 2; round++) {
        const attempt = tryCreate(file, me)
        if (attempt.taken) return { taken: true as const }
        const holder = attempt.holder
        const stale = holder !== undefined && holder.host === me.host && holder.pid !== me.pid && !alive(holder.pid)
        if (!stale) return { taken: false as const, holder }
        rmSync(file, { force: true })
      }
      return { taken: false as const, holder: readHolder(file) }
    },
    catch: (e) => new BatchFileError({ file, problem: `cannot take the lock: ${fileProblem(e)}` }),
  }).pipe(Effect.flatMap((r) => (r.taken ? Effect.succeed(me) : Effect.fail(new BatchLocked({ dir, file, holder: r.holder })))))
}

/** Removes the lock if it is still this holder's. */
export function releaseDirLock(dir: string, me: LockHolder): void {
  const file = join(dir, lockFileName)
  const holder = readHolder(file)
  if (holder !== undefined && holder.pid === me.pid && holder.host === me.host && holder.since === me.since) rmSync(file, { force: true })
}

/** The lock of `dir` for the life of the scope. */
export function lockDirectory(dir: string, options: LockOptions = {}): Effect.Effect<LockHolder, BatchLocked | BatchFileError, Scope.Scope> {
  return Effect.acquireRelease(acquireDirLock(dir, options), (me) => Effect.sync(() => releaseDirLock(dir, me)))
}
