/**
 * A single self-contained HTML report: the plots inline as SVG, the result's
 * tables, and a few lines of inline script that turn each SVG `<title>` into a
 * styled tooltip. It loads nothing from the network, so it opens anywhere.
 */
import { architectureMapSvg } from './architecture-map.ts'
import { breakdownSvg } from './breakdown.ts'
import { frontierSvg } from './frontier.ts'
import { describeQualitySource } from './quality-source.ts'
import { timelineSvg } from './timeline.ts'
import { escapeXml } from './svg.ts'
import { fontFamily } from './theme.ts'
import type { ReportInput, ReportTable } from './types.ts'

/** Tables longer than this start folded, so the plots stay near the top. */
const foldAfterRows = 24

const style = `
:root { color-scheme: light; }
body { font-family: ${fontFamily}; color: #222; background: #fff; margin: 0 auto; padding: 24px 32px 48px; max-width: 1040px; line-height: 1.45; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.subtitle, .quality-source { color: #555; margin: 2px 0; font-size: 14px; }
figure { margin: 8px 0; }
figure svg { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; margin: 6px 0; }
th, td { text-align: left; padding: 3px 12px 3px 0; border-bottom: 1px solid #eee; vertical-align: top; }
thead th { border-bottom: 1px solid #999; }
tbody th { font-weight: normal; color: #444; }
.note { color: #555; font-size: 12.5px; margin: 4px 0 0; }
details summary { cursor: pointer; color: #0a4f8a; margin: 6px 0; }
[data-tip] { cursor: default; }
svg [data-tip]:hover { stroke: #000; stroke-width: 1.5px; }
#tooltip { position: fixed; z-index: 10; pointer-events: none; background: #222; color: #fff; font-size: 12.5px; padding: 6px 9px; border-radius: 4px; white-space: pre-line; max-width: 360px; box-shadow: 0 2px 6px rgba(0,0,0,.25); }
#tooltip[hidden] { display: none; }
`

/** Moves each SVG `<title>` into `data-tip` (kept as the accessible name) and shows it in one floating box that follows the pointer. */
const script = `
(() => {
  const tip = document.getElementById('tooltip');
  for (const title of Array.from(document.querySelectorAll('svg title'))) {
    const host = title.parentElement;
    if (!host || host.tagName.toLowerCase() === 'svg') continue;
    host.setAttribute('data-tip', title.textContent || '');
    host.setAttribute('aria-label', title.textContent || '');
    title.remove();
  }
  const place = (event) => {
    const gap = 14;
    const { innerWidth, innerHeight } = window;
    const box = tip.getBoundingClientRect();
    const left = event.clientX + gap + box.width > innerWidth ? event.clientX - gap - box.width : event.clientX + gap;
    const top = event.clientY + gap + box.height > innerHeight ? event.clientY - gap - box.height : event.clientY + gap;
    tip.style.left = Math.max(0, left) + 'px';
    tip.style.top = Math.max(0, top) + 'px';
  };
  document.addEventListener('pointerover', (event) => {
    const host = event.target instanceof Element ? event.target.closest('[data-tip]') : null;
    if (!host) { tip.hidden = true; return; }
    tip.textContent = host.getAttribute('data-tip');
    tip.hidden = false;
    place(event);
  });
  document.addEventListener('pointermove', (event) => { if (!tip.hidden) place(event); });
  document.addEventListener('pointerleave', () => { tip.hidden = true; });
})();
`

function tableHtml(table: ReportTable): string {
  const head =
    table.columns === undefined || table.columns.length === 0
      ? ''
      : `<thead><tr>${table.columns.map((c) => `<th scope="col">${escapeXml(c)}</th>`).join('')}</tr></thead>`
  const body = table.rows
    .map((row) => `<tr><th scope="row">${escapeXml(row.label)}</th>${row.values.map((v) => `<td>${escapeXml(v)}</td>`).join('')}</tr>`)
    .join('\n')
  const note = table.note === undefined ? '' : `<p class="note">${escapeXml(table.note)}</p>`
  const content = `<table>${head}<tbody>\n${body}\n</tbody></table>${note}`
  const folded = table.rows.length > foldAfterRows ? `<details><summary>Show ${table.rows.length} rows</summary>${content}</details>` : content
  return `<section class="table"><h2>${escapeXml(table.title)}</h2>${folded}</section>`
}

function figure(id: string, heading: string, svg: string): string {
  return `<section id="${id}"><h2>${escapeXml(heading)}</h2><figure>${svg}</figure></section>`
}

/** Renders the whole report as one HTML document. Throws `VizInputError` when a plot's input is invalid. */
export function reportHtml(input: ReportInput): string {
  const sections = [
    input.frontier === undefined ? '' : figure('frontier', 'Pareto frontier', frontierSvg(input.frontier)),
    input.architectureMap === undefined ? '' : figure('architecture', 'Architecture, layer by layer', architectureMapSvg(input.architectureMap)),
    input.breakdown === undefined ? '' : figure('breakdown', 'Where time and memory go', breakdownSvg(input.breakdown)),
    input.timeline === undefined ? '' : figure('timeline', 'Engine timeline', timelineSvg(input.timeline)),
    ...input.tables.map(tableHtml),
  ].filter((s) => s !== '')
  const subtitle = input.subtitle === undefined ? '' : `<p class="subtitle">${escapeXml(input.subtitle)}</p>`
  const quality =
    input.frontier === undefined ? '' : `<p class="quality-source">Quality scores: ${escapeXml(describeQualitySource(input.frontier.qualitySource))}.</p>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="nas-sim">
<title>${escapeXml(input.title)}</title>
<style>${style}</style>
</head>
<body>
<header><h1>${escapeXml(input.title)}</h1>${subtitle}${quality}</header>
<main>
${sections.join('\n')}
</main>
<div id="tooltip" role="tooltip" hidden></div>
<script>${script}</script>
</body>
</html>
`
}
