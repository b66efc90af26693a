/** Point markers: shape and colour both tell series apart, so the plot survives greyscale printing and colour blindness. */
import { symbol, symbolCircle, symbolDiamond, symbolSquare, symbolStar, symbolTriangle, symbolWye } from 'd3'
import type { SymbolType } from 'd3'
import { seriesColours } from './theme.ts'

/** Marker area in px² (d3-symbol's size); 56 px² is a circle of radius ≈ 4.2 px. */
export const markerArea = 56
/** Radius in px of a circle of `markerArea`, used to keep labels clear of markers. */
export const markerRadius = Math.sqrt(markerArea / Math.PI)

/** Series shapes; the star and the diamond are kept for the parent and references. */
const seriesShapes: readonly SymbolType[] = [symbolCircle, symbolSquare, symbolTriangle, symbolWye]

export interface SeriesStyle {
  readonly colour: string
  readonly marker: string
}

export function seriesStyle(index: number): SeriesStyle {
  const shape = seriesShapes[index % seriesShapes.length] ?? symbolCircle
  const colour = seriesColours[index % seriesColours.length] ?? seriesColours[0]
  return { colour, marker: markerPath(shape, markerArea) }
}

function markerPath(shape: SymbolType, area: number): string {
  return symbol(shape, area).digits(2)() ?? ''
}

/** The parent: a star, larger than series markers because it anchors the reader. */
export const parentMarker = markerPath(symbolStar, markerArea * 2.2)
/** Named reference architectures. */
export const referenceMarker = markerPath(symbolDiamond, markerArea * 1.4)
