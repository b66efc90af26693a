/**
 * Renders the sample inputs to out/viz-samples/ as SVG and PNG, to look at
 * the plots as a reader would: `npx tsx viz/examples/render-samples.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { architectureMapSvg, breakdownSvg, frontierSvg, layerChoiceTable, reportHtml, svgToPng } from '../index.ts'
import type { ArchitectureMapInput } from '../index.ts'
import { breakdownSample, child2x, child3x, frontierSample, llama70b } from '../../test/fixtures/viz/samples.ts'

const dir = join('out', 'viz-samples')
mkdirSync(dir, { recursive: true })

const map: ArchitectureMapInput = { parent: llama70b, children: [child2x, child3x], title: 'Llama-3.3-70B and two children' }

const plots: Readonly<Record<string, string>> = {
  frontier: frontierSvg(frontierSample),
  'frontier-speedup': frontierSvg({ ...frontierSample, x: 'speedup', title: 'Speedup over the parent' }),
  'architecture-map': architectureMapSvg(map),
  breakdown: breakdownSvg(breakdownSample),
}
for (const [name, svg] of Object.entries(plots)) {
  writeFileSync(join(dir, `${name}.svg`), svg)
  writeFileSync(join(dir, `${name}.png`), svgToPng(svg))
  console.log(join(dir, `${name}.png`))
}

const report = reportHtml({
  title: 'nas-sim sample report',
  subtitle: 'Sample data, not a search result',
  frontier: frontierSample,
  architectureMap: map,
  breakdown: breakdownSample,
  tables: [layerChoiceTable(map)],
})
writeFileSync(join(dir, 'report.html'), report)
console.log(join(dir, 'report.html'))
