/**
 * SVG to PNG with resvg, using only the fonts nas-sim ships (DejaVu Sans) so a
 * PNG is the same on a laptop and on a bare CI machine with no system fonts.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Resvg } from '@resvg/resvg-js'
import { requirePositive } from './errors.ts'

const require = createRequire(import.meta.url)
const fontDir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf')

/** The font files given to resvg: regular and bold, the two weights the plots use. */
export const fontFiles: readonly string[] = [join(fontDir, 'DejaVuSans.ttf'), join(fontDir, 'DejaVuSans-Bold.ttf')]

export interface PngOptions {
  /** Output pixels per SVG px; default 2, i.e. 192 dpi for the 96-dpi CSS px, sharp in print at column width. */
  readonly scale?: number
}

/** Rasterises an SVG string; returns the PNG file's bytes. */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const scale = requirePositive('scale', options.scale ?? 2)
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    font: {
      fontFiles: [...fontFiles],
      loadSystemFonts: false,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  })
  return resvg.render().asPng()
}
