import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { frontierSample } from '../test/fixtures/viz/samples.ts'
import { frontierSvg } from './frontier.ts'
import { fontFiles, svgToPng } from './png.ts'
import { svgDocument, textEl } from './svg.ts'

/** The eight bytes every PNG starts with (PNG specification, section 5.2). */
const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** Width and height from the IHDR chunk, which must come first: bytes 16–23, big-endian (PNG specification, 11.2.2). */
function ihdrSize(png: Uint8Array): { readonly width: number; readonly height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR')
  return { width: view.getUint32(16), height: view.getUint32(20) }
}

describe('svgToPng', () => {
  it('writes a PNG twice the SVG size by default', () => {
    const png = svgToPng(frontierSvg(frontierSample))
    expect([...png.subarray(0, 8)]).toEqual(pngSignature)
    expect(ihdrSize(png)).toEqual({ width: 1280, height: 880 })
  })

  it('scales to the requested pixels per SVG px', () => {
    expect(ihdrSize(svgToPng(frontierSvg({ ...frontierSample, width: 500, height: 400 }), { scale: 1.5 }))).toEqual({ width: 750, height: 600 })
  })

  it('draws text with the shipped font, with no system fonts loaded', () => {
    expect(fontFiles.every((f) => existsSync(f))).toBe(true)
    const page = (text: string) => svgDocument({ width: 200, height: 40, className: 't', label: 't' }, textEl('text', { x: 10, y: 28, 'font-size': 20 }, text))
    // Without a usable font resvg drops text silently; glyphs make the image differ from a blank one.
    expect(svgToPng(page('Throughput')).equals(svgToPng(page('')))).toBe(false)
    expect(svgToPng(page('Throughput')).equals(svgToPng(page('Throughput')))).toBe(true)
  })

  it('rejects a non-positive scale, naming it', () => {
    expect(() => svgToPng(frontierSvg(frontierSample), { scale: 0 })).toThrow('invalid scale: 0 (must be > 0)')
  })
})
