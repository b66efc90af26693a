/** Number formats shared by plots, tooltips and tables, so a value reads the same everywhere. */
import { format } from 'd3'

/** A count or a width with thousands separators, e.g. `28,672`. */
export const formatInteger = format(',.0f')

/** Tokens/s per GPU, e.g. `2,431`. */
export const formatThroughput = formatInteger

const twoDecimals = format('.2~f')
/** Speedup over the parent, e.g. `2.17×`. */
export function formatSpeedup(speedup: number): string {
  return `${twoDecimals(speedup)}×`
}

/** Quality loss to four significant digits, e.g. `0.1234`. */
export const formatQuality = format('.4~g')

export interface DisplayUnit {
  readonly symbol: string
  /** Multiply an SI value by this to get the value in `symbol`. */
  readonly factor: number
}

/** The largest time unit in which `seconds` is at least 1 (down to µs). */
export function timeUnit(seconds: number): DisplayUnit {
  if (seconds >= 1) return { symbol: 's', factor: 1 }
  if (seconds >= 1e-3) return { symbol: 'ms', factor: 1e3 }
  return { symbol: 'µs', factor: 1e6 }
}

/** Decimal byte units (GB = 10⁹ B), as GPU datasheets state memory. */
export function byteUnit(bytes: number): DisplayUnit {
  if (bytes >= 1e9) return { symbol: 'GB', factor: 1e-9 }
  if (bytes >= 1e6) return { symbol: 'MB', factor: 1e-6 }
  if (bytes >= 1e3) return { symbol: 'kB', factor: 1e-3 }
  return { symbol: 'B', factor: 1 }
}

const threeSignificant = format('.3~r')
/** A value in a display unit, three significant digits: `41.2 ms`. */
export function formatIn(unit: DisplayUnit, value: number): string {
  return `${threeSignificant(value * unit.factor)} ${unit.symbol}`
}
