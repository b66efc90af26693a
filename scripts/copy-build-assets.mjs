// After `tsc -p tsconfig.build.json`: the files the compiled code reads beside itself that tsc does not emit.
// The worker bootstrap (plain JS) and the shipped calibrations (read from disk, not imported).
import { cpSync } from 'node:fs'

cpSync('src/batch/worker-bootstrap.mjs', 'dist/src/batch/worker-bootstrap.mjs')
cpSync('data/calibrations', 'dist/data/calibrations', { recursive: true })
