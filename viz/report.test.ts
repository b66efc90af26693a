import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { breakdownSample, child2x, frontierSample, llama70b } from '../test/fixtures/viz/samples.ts'
import { layerChoiceTable } from './layer-table.ts'
import { reportHtml } from './report.ts'
import type { ReportInput } from './types.ts'

const map = { parent: llama70b, children: [child2x] }
const input: ReportInput = {
  title: 'Llama-3.3-70B → 2× throughput <sample>',
  subtitle: 'H100 SXM, TP1, FP8',
  frontier: frontierSample,
  architectureMap: map,
  breakdown: breakdownSample,
  tables: [
    {
      title: 'Result',
      columns: ['', 'Parent', 'Child'],
      rows: [
        { label: 'Throughput', values: ['1,180 tokens/s per GPU', '2,395 tokens/s per GPU'] },
        { label: 'Speedup', values: ['1×', '2.03×'] },
        { label: 'Quality loss', values: ['0 nats', '0.07 nats (built-in prior)'] },
      ],
    },
    layerChoiceTable(map),
  ],
}

describe('reportHtml', () => {
  const html = reportHtml(input)

  it('embeds the three plots inline and the tables', () => {
    expect(html.match(/<svg /g)).toHaveLength(3)
    expect(html).toContain('<th scope="row">Speedup</th><td>1×</td><td>2.03×</td>')
    expect(html).toContain('<summary>Show 80 rows</summary>')
  })

  it('escapes text and says where the quality scores came from', () => {
    expect(html).toContain('<title>Llama-3.3-70B → 2× throughput &lt;sample&gt;</title>')
    expect(html).toContain('Quality scores: built-in prior: estimated, not measured.')
  })

  it('needs no network: no external scripts, styles, fonts or images', () => {
    expect(html).not.toMatch(/\b(src|href)\s*=/i)
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/)
    expect(html).not.toMatch(/@import|url\(/)
    expect(html).not.toMatch(/NaN/)
  })
})

/**
 * The report in a real browser: Debian's chromium, which .ci/run installs.
 * Without it the test is skipped on a developer machine and fails in CI.
 */
const chromiumPath = '/usr/bin/chromium'
const haveChromium = existsSync(chromiumPath)
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false'
const artifacts = resolve('test-artifacts')
if (!haveChromium && !inCi) console.warn(`viz/report.test.ts: skipping the browser test, ${chromiumPath} is missing (apt-get install chromium)`)

describe.skipIf(!haveChromium && !inCi)(
  haveChromium ? 'the HTML report in headless Chromium' : `the HTML report in headless Chromium (skipped: ${chromiumPath} is missing; apt-get install chromium)`,
  () => {
    it('shows the plots at a readable size, shows a tooltip on hover, and loads nothing from outside', async () => {
      expect(haveChromium, `${chromiumPath} is missing in CI: .ci/run must install Debian's chromium`).toBe(true)
      mkdirSync(artifacts, { recursive: true })
      const file = join(artifacts, 'report.html')
      writeFileSync(file, reportHtml(input))

      const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox'] })
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
        const external: string[] = []
        const errors: string[] = []
        page.on('request', (request) => {
          if (!request.url().startsWith('file:')) external.push(request.url())
        })
        page.on('pageerror', (error) => errors.push(error.message))
        await page.goto(pathToFileURL(file).href)

        for (const id of ['frontier', 'architecture', 'breakdown']) {
          const svg = page.locator(`#${id} svg`)
          await expect(svg.isVisible()).resolves.toBe(true)
          const box = await svg.boundingBox()
          expect(box?.width, `${id} width`).toBeGreaterThan(500)
          expect(box?.height, `${id} height`).toBeGreaterThan(150)
        }

        const tooltip = page.locator('#tooltip')
        await expect(tooltip.isVisible()).resolves.toBe(false)
        await page.locator('#frontier path.point[data-architecture-id="3-4"]').hover()
        await expect(tooltip.isVisible()).resolves.toBe(true)
        expect(await tooltip.textContent()).toContain('tokens/s per GPU')
        await page.screenshot({ path: join(artifacts, 'report-tooltip-frontier.png') })

        await page.locator('#architecture rect.cell[data-slot="ffn"][data-layer="40"]').last().hover()
        expect(await tooltip.textContent()).toMatch(/^Child, 2× throughput · layer 40\nFFN: /)
        await page.screenshot({ path: join(artifacts, 'report-tooltip-map.png') })

        await page.mouse.move(5, 5)
        await expect(tooltip.isVisible()).resolves.toBe(false)
        await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true })

        expect(errors).toEqual([])
        expect(external).toEqual([])
      } finally {
        await browser.close()
      }
    })
  },
)
