#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so that `npm ci` is the only set-up step.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
