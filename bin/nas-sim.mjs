#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm ci` through the prepare script), which starts in a fraction of a
// second. Without a build, or with NAS_SIM_FROM_SOURCE=1 (the tests, so that they test the sources), it runs the
// TypeScript through tsx's loader instead (a development dependency: a clone has it, an installed package has dist/).
import { existsSync } from 'node:fs'

const compiled = new URL('../dist/src/cli/main.js', import.meta.url)
if (process.env.NAS_SIM_FROM_SOURCE !== '1' && existsSync(compiled)) {
  await import(compiled.href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli/main.ts')
}
