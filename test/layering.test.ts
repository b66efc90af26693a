import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Layers in dependency order: each may import only from those listed for it. */
const allowed: Record<string, readonly string[]> = {
  'src/blocks': ['src/blocks', 'src/errors.ts', 'src/random.ts', 'data'],
  'src/cost-model': ['src/blocks', 'src/cost-model', 'src/errors.ts', 'src/random.ts', 'data'],
  'src/io': ['src/blocks', 'src/io', 'src/errors.ts', 'src/random.ts', 'data'],
  'src/batch': ['src/blocks', 'src/io', 'src/batch', 'src/errors.ts', 'src/random.ts'],
  'src/serving': ['src/blocks', 'src/cost-model', 'src/serving', 'src/errors.ts', 'src/random.ts', 'data'],
  'src/search': ['src/blocks', 'src/cost-model', 'src/serving', 'src/io', 'src/search', 'src/errors.ts', 'src/random.ts', 'data'],
  viz: ['src/blocks', 'src/cost-model', 'src/serving', 'src/search', 'viz', 'src/errors.ts', 'src/random.ts', 'data', 'test/fixtures'],
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === '__snapshots__' ? [] : sourceFiles(path)
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : []
  })
}

describe('import direction', () => {
  for (const [layer, may] of Object.entries(allowed)) {
    it(`${layer} imports only from ${may.join(', ')}`, () => {
      const offending: string[] = []
      for (const file of sourceFiles(join(root, layer))) {
        for (const m of readFileSync(file, 'utf8').matchAll(/from\s+'(\.[^']+)'/g)) {
          const target = relative(root, resolve(dirname(file), m[1]!))
          if (!may.some((p) => target === p || target.startsWith(`${p}/`))) offending.push(`${relative(root, file)} → ${target}`)
        }
      }
      expect(offending).toEqual([])
    })
  }
})
