import { createHash } from 'node:crypto'

/** Hex digits kept from the SHA-256: 48 bits, so two of ten thousand jobs collide with odds of about 2 in 10 million (n² / 2⁴⁹). */
const idLength = 12

/** JSON with object keys sorted at every depth, so equal content always gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  )
}

/** A job's stable id: the first 12 hex digits of the SHA-256 of its canonical JSON. */
export function jobId(job: unknown): string {
  return createHash('sha256').update(canonicalJson(job)).digest('hex').slice(0, idLength)
}
