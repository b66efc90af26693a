import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const bin = fileURLToPath(new URL('../bin/nas-sim.mjs', import.meta.url))

export interface CliResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the real `nas-sim` binary, as a user would. */
export function nasSim(args: readonly string[], input?: string, timeout = 120_000): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', timeout })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
