/**
 * Renders the sample inputs to out/viz-samples/ as SVG and PNG, to look at
 * the plots as a reader would: `npx tsx viz/examples/render-samples.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { frontierSvg, svgToPng } from '../index.ts'
import { frontierSample } from '../../test/fixtures/viz/samples.ts'

const dir = join('out', 'viz-samples')
mkdirSync(dir, { recursive: true })

const plots: Readonly<Record<string, string>> = {
  frontier: frontierSvg(frontierSample),
  'frontier-speedup': frontierSvg({ ...frontierSample, x: 'speedup', title: 'Speedup over the parent' }),
}
for (const [name, svg] of Object.entries(plots)) {
  writeFileSync(join(dir, `${name}.svg`), svg)
  writeFileSync(join(dir, `${name}.png`), svgToPng(svg))
  console.log(join(dir, `${name}.png`))
}
