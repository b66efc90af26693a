/**
 * A plain decimal number as a user writes one (`1`, `-0.5`, `2e-3`), or NaN. `Number()` alone would also read blanks
 * as 0 and take hexadecimal and binary (root cause H of issue 15), so every user-given number goes through this.
 */
export function decimal(raw: string): number {
  return /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(raw) ? Number(raw) : NaN
}
