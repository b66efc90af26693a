/**
 * The CLI's error boundary: a user error becomes one line on stderr and exit
 * code 2; a bug becomes one line plus a hint (the stack with --verbose) and exit code 1.
 */
import { isUserError } from '../errors.ts'

/**
 * 0 done; 1 a bug; 2 a mistake in the input; 3 some batch jobs failed (or shards are missing);
 * 4 the model does not fit in GPU memory at the setting asked for (`cost`), so no throughput is given.
 */
export const exitCodes = { ok: 0, bug: 1, userError: 2, someJobsFailed: 3, doesNotFit: 4 } as const

let verbose = false

export function setVerbose(on: boolean): void {
  verbose = on
}

export function reportError(e: unknown): number {
  if (isUserError(e)) {
    process.stderr.write(`nas-sim: ${e.message.split('\n').join(' ')}\n`)
    if (verbose && e.stack) process.stderr.write(`${e.stack}\n`)
    return exitCodes.userError
  }
  const message = e instanceof Error ? e.message : String(e)
  process.stderr.write(`nas-sim: internal error: ${message.split('\n')[0]}${verbose ? '' : ' (run with --verbose for the stack; please report it)'}\n`)
  if (verbose && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`)
  return exitCodes.bug
}

/** Wraps a command's action: runs it, and on failure reports and sets the exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => void | number | Promise<void | number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args)
      if (typeof code === 'number') process.exitCode = code
    } catch (e) {
      process.exitCode = reportError(e)
    }
  }
}
