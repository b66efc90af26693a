import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs'

/** Writes all of `bytes` to `fd`; `writeSync` may write fewer bytes than asked, so it loops until done. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0
  while (written < bytes.length) written += writeSync(fd, bytes, written)
}

/**
 * Replaces `file` with `text` so that a reader, or the file after a crash,
 * holds either the old content or the new, never a mix: write a temporary
 * file beside it, flush it to disk, then rename it over the old one.
 */
export function writeFileAtomic(file: string, text: string): void {
  const temporary = `${file}.tmp`
  const fd = openSync(temporary, 'w')
  try {
    writeAll(fd, Buffer.from(text))
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(temporary, file)
}
