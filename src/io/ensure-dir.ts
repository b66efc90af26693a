/**
 * `mkdir -p` one level at a time. Node's own recursive mkdir loops forever on
 * paths it can never create, such as under /proc (root cause E of issue 15);
 * walking down from the first existing ancestor fails at once instead.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname } from 'node:path'

export function ensureDir(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' })
    return
  }
  const parent = dirname(dir)
  if (parent !== dir) ensureDir(parent)
  mkdirSync(dir)
}
