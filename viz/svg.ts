/**
 * SVG as strings: the plots never touch a DOM, so they render identically in
 * Node, in a test and in the browser. Numbers are rounded to 0.01 px, which is
 * below any renderer's precision and keeps the output byte-stable.
 */
import { fontFamily, fontSize, ink } from './theme.ts'

export type AttrValue = string | number | undefined
export type Attrs = Readonly<Record<string, AttrValue>>

/** A coordinate or length as text; a non-finite value is a bug upstream, so it throws rather than print `NaN`. */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`non-finite SVG number: ${value}`)
  const rounded = Math.round(value * 100) / 100
  return String(Object.is(rounded, -0) ? 0 : rounded)
}

const xmlEscapes: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => xmlEscapes[c] ?? c)
}

function attrText(attrs: Attrs): string {
  return Object.entries(attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${typeof value === 'number' ? num(value) : escapeXml(value)}"`)
    .join('')
}

/** An element whose children are already-built markup. */
export function el(tag: string, attrs: Attrs, ...children: readonly string[]): string {
  const open = `<${tag}${attrText(attrs)}`
  const body = children.filter((child) => child !== '')
  if (body.length === 0) return `${open}/>`
  return `${open}>${body.join('\n')}</${tag}>`
}

/** An element holding escaped text. */
export function textEl(tag: string, attrs: Attrs, content: string): string {
  return `<${tag}${attrText(attrs)}>${escapeXml(content)}</${tag}>`
}

/** A `<title>` child: the native tooltip, which the HTML report restyles. */
export function tooltip(content: string): string {
  return textEl('title', {}, content)
}

export function translate(x: number, y: number): string {
  return `translate(${num(x)},${num(y)})`
}

/** The root element on a white background, sized in CSS px and scalable through its viewBox; `label` is its accessible name. */
export function svgDocument(
  options: { readonly width: number; readonly height: number; readonly className: string; readonly label: string },
  ...children: readonly string[]
): string {
  const { width, height } = options
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      class: options.className,
      width,
      height,
      viewBox: `0 0 ${num(width)} ${num(height)}`,
      role: 'img',
      'aria-label': options.label,
      'font-family': fontFamily,
      'font-size': fontSize.label,
      fill: ink.text,
    },
    el('rect', { width, height, fill: '#ffffff' }),
    ...children,
  )
}
