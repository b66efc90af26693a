/** How a quality source is described to a reader: always naming the built-in prior when it was used. */
import type { QualitySource } from './types.ts'

export function describeQualitySource(source: QualitySource): string {
  const detail = source.description === undefined || source.description === '' ? '' : ` (${source.description})`
  switch (source.kind) {
    case 'prior':
      return `built-in prior${detail}: estimated, not measured`
    case 'measured':
      return `measured${detail}`
    case 'mixed':
      return `measured where available${detail}, built-in prior elsewhere`
  }
}
