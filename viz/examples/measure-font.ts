/**
 * Measures the advance widths in viz/text-width.ts from the shipped DejaVu
 * Sans: `npx tsx viz/examples/measure-font.ts`. resvg reports ink bounds, not
 * advances, so each character is set ten times between two H's and the width
 * of "HH" is subtracted: what remains is ten advances.
 */
import { Resvg } from '@resvg/resvg-js'
import { fontFiles } from '../png.ts'
import { escapeXml } from '../svg.ts'

const size = 100
const repeats = 10

function inkWidth(text: string): number {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="200"><text x="10" y="150" font-family="DejaVu Sans" font-size="${size}" xml:space="preserve">${escapeXml(text)}</text></svg>`
  const bbox = new Resvg(svg, { font: { fontFiles: [...fontFiles], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' } }).getBBox()
  if (bbox === undefined) throw new Error(`nothing drawn for ${JSON.stringify(text)}`)
  return bbox.width
}

const base = inkWidth('HH')
const ascii = Array.from({ length: 127 - 32 }, (_, i) => String.fromCharCode(32 + i))
const symbols = ['×', '·', '–', '—', '≥', '≤', 'Σ', 'µ', '↑', '↓', '…', '≈']
for (const ch of [...ascii, ...symbols]) {
  const em = (inkWidth(`H${ch.repeat(repeats)}H`) - base) / repeats / size
  console.log(`${JSON.stringify(ch)}: ${em.toFixed(3)}`)
}
