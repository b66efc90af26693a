import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { syncDirectory, writeFileAtomic } from './atomic-file.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nas-sim-atomic-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary behind', () => {
    writeFileSync(join(dir, 'a.json'), 'old')
    writeFileAtomic(join(dir, 'a.json'), 'new')
    writeFileAtomic(join(dir, 'a.json'), new Uint8Array([0x6e, 0x65, 0x77, 0x32]))
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('new2')
    expect(readdirSync(dir)).toEqual(['a.json'])
  })

  it('never touches a temporary another writer of the same file left (unique names, opened exclusively)', () => {
    // The fixed name the old writer used: a second writer must not write into it.
    writeFileSync(join(dir, 'a.json.tmp'), 'theirs')
    writeFileAtomic(join(dir, 'a.json'), 'mine')
    expect(readFileSync(join(dir, 'a.json.tmp'), 'utf8')).toBe('theirs')
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('mine')
  })

  it('throws and leaves nothing when the folder does not exist', () => {
    expect(() => writeFileAtomic(join(dir, 'missing', 'a.json'), 'x')).toThrow(/ENOENT/)
    expect(readdirSync(dir)).toEqual([])
  })
})

describe('syncDirectory', () => {
  it('flushes an existing directory without error', () => {
    expect(() => syncDirectory(dir)).not.toThrow()
  })
})
