import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // The README's library example imports the package by name; the tests run it against the sources.
  resolve: { alias: { 'nas-sim': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['src/**/*.test.ts', 'viz/**/*.test.ts', 'experiments/**/*.test.ts', 'test/**/*.test.ts'],
    // Spawned CLIs run the TypeScript sources, not a dist/ build that may be older than them.
    env: { NAS_SIM_FROM_SOURCE: '1' },
    setupFiles: ['test/setup-fast-check.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
