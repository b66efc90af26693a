import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { threadId } from 'node:worker_threads'

/** Writes all of `bytes` to `fd`; `writeSync` may write fewer bytes than asked, so it loops until done. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0
  while (written < bytes.length) written += writeSync(fd, bytes, written)
}

/**
 * A temporary name beside `file` that no other writer can hold: process,
 * thread and 8 random hex digits, opened with O_EXCL below. A fixed `.tmp`
 * name let two writers of one file write into each other's temporary.
 */
function temporaryName(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${threadId}.${randomBytes(4).toString('hex')}.tmp`)
}

/** Error codes of platforms whose directories cannot be opened or fsynced (Windows); the rename is then as durable as they allow. */
const unsyncableDirectory = new Set(['EISDIR', 'EINVAL', 'EPERM', 'EACCES', 'ENOTSUP'])

/** Flushes a directory's entries, so that a rename into it survives a crash (rename(2) alone is atomic but not durable). */
export function syncDirectory(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : ''
    if (!unsyncableDirectory.has(code)) throw e
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/**
 * Replaces `file` with `data` so that a reader, or the file after a crash,
 * holds either the old content or the new, never a mix: write a temporary file
 * of a unique name beside it, flush it, rename it over the old one, then flush
 * the directory so the rename itself is on disk. A failed write leaves no
 * temporary behind.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const temporary = temporaryName(file)
  const fd = openSync(temporary, 'wx')
  try {
    try {
      writeAll(fd, typeof data === 'string' ? Buffer.from(data) : data)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temporary, file)
  } catch (e) {
    rmSync(temporary, { force: true })
    throw e
  }
  syncDirectory(dirname(file))
}
