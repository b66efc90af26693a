import type { Architecture } from '../../src/blocks/architecture.ts'
import { bestServingSetting, type ServingEstimate, type ServingQuery } from '../../src/serving/best-setting.ts'

/** The best (or the fixed) setting, or the reasons none fits, joined into one line. */
export function serve(arch: Architecture, q: ServingQuery): { readonly best?: ServingEstimate; readonly why: string } {
  const { best, rejected } = bestServingSetting(arch, q)
  return best === undefined ? { why: rejected.join('; ') } : { best, why: '' }
}

/** `TP 2, batch 369`. */
export function settingLabel(e: ServingEstimate): string {
  return `TP ${e.tp}, batch ${e.batch}`
}

/** Bytes as GB with one decimal. */
export function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`
}
