/**
 * Text width without a browser, for laying out labels and legends. Advance
 * widths (em) of DejaVu Sans 2.37, measured from node_modules/dejavu-fonts-ttf
 * with viz/examples/measure-font.ts; Verdana, the fallback, is within a few
 * per cent. Kerning is ignored, which only overestimates.
 */
const advance: Readonly<Record<string, number>> = {
  ' ': 0.318, '!': 0.401, '"': 0.46, '#': 0.838, $: 0.636, '%': 0.95, '&': 0.78, "'": 0.275, '(': 0.39, ')': 0.39,
  '*': 0.5, '+': 0.838, ',': 0.318, '-': 0.361, '.': 0.316, '/': 0.337, ':': 0.337, ';': 0.337, '<': 0.838,
  '=': 0.838, '>': 0.838, '?': 0.531, '@': 1, '[': 0.39, '\\': 0.337, ']': 0.39, '^': 0.838, _: 0.5, '`': 0.5,
  '{': 0.636, '|': 0.337, '}': 0.636, '~': 0.838,
  A: 0.709, B: 0.686, C: 0.698, D: 0.77, E: 0.632, F: 0.575, G: 0.775, H: 0.752, I: 0.295, J: 0.295, K: 0.656,
  L: 0.557, M: 0.863, N: 0.748, O: 0.787, P: 0.603, Q: 0.787, R: 0.695, S: 0.635, T: 0.595, U: 0.732, V: 0.684,
  W: 0.989, X: 0.685, Y: 0.611, Z: 0.685,
  a: 0.613, b: 0.635, c: 0.55, d: 0.635, e: 0.615, f: 0.344, g: 0.635, h: 0.634, i: 0.278, j: 0.278, k: 0.579,
  l: 0.278, m: 0.974, n: 0.634, o: 0.612, p: 0.635, q: 0.635, r: 0.395, s: 0.521, t: 0.392, u: 0.634, v: 0.592,
  w: 0.818, x: 0.592, y: 0.592, z: 0.525,
  '×': 0.838, '·': 0.318, '–': 0.5, '—': 1, '≥': 0.838, '≤': 0.838, 'Σ': 0.632, 'µ': 0.636, '↑': 0.838,
  '↓': 0.838, '…': 1, '≈': 0.838,
}
/** Digits share one advance in DejaVu Sans (tabular figures). */
const digitAdvance = 0.636
/** Unlisted characters (accents, CJK) are taken as wide as the widest Latin capitals, to err on the side of room. */
const fallbackAdvance = 1

/** Width in px of `text` set in the theme font at `size` px. */
export function textWidth(text: string, size: number): number {
  let em = 0
  for (const ch of text) em += /[0-9]/.test(ch) ? digitAdvance : (advance[ch] ?? fallbackAdvance)
  return em * size
}

/** Bold glyphs are 9–19% wider than regular ones in DejaVu Sans (digits 1425 vs 1303 units, colon 0.40 vs 0.34 em). */
const boldWidening = 1.12

/** Width in px of `text` set in the theme font's bold weight. */
export function boldTextWidth(text: string, size: number): number {
  return textWidth(text, size) * boldWidening
}

/** Greedy word wrap to lines no wider than `maxWidth` px; a single over-long word keeps a line of its own. */
export function wrapText(text: string, maxWidth: number, size: number): readonly string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const candidate = line === '' ? word : `${line} ${word}`
    if (line !== '' && textWidth(candidate, size) > maxWidth) {
      lines.push(line)
      line = word
    } else {
      line = candidate
    }
  }
  if (line !== '') lines.push(line)
  return lines
}
