/** Human-readable units and plain-text tables for terminal output. */

export function seconds(s: number): string {
  if (s < 1e-3) return `${(s * 1e6).toFixed(1)} µs`
  if (s < 1) return `${(s * 1e3).toFixed(2)} ms`
  return `${s.toFixed(2)} s`
}

export function bytes(b: number): string {
  if (b >= 1e12) return `${(b / 1e12).toFixed(2)} TB`
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} GB`
  if (b >= 1e6) return `${(b / 1e6).toFixed(1)} MB`
  if (b >= 1e3) return `${(b / 1e3).toFixed(1)} kB`
  return `${b} B`
}

export function count(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(3)} B`
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`
  return n.toLocaleString('en-US')
}

export function rate(tokensPerSecond: number): string {
  return `${tokensPerSecond.toLocaleString('en-US', { maximumFractionDigits: tokensPerSecond < 100 ? 1 : 0 })} tok/s`
}

/** A left-aligned first column and right-aligned others, separated by two spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}
