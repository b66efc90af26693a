/**
 * The README's library example is examples/library.ts, word for word; the typecheck (tsconfig includes examples/)
 * checks its types against the package's exports, and this runs it.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'

describe('the README library example', () => {
  it('is examples/library.ts, word for word', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const example = readFileSync(new URL('../examples/library.ts', import.meta.url), 'utf8')
    expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``)
  })

  it('runs: the parent fits, the child reaches its 1.5× budget, and the plot is SVG', async () => {
    const lines: string[] = []
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
    try {
      await import('../examples/library.ts')
    } finally {
      log.mockRestore()
    }
    expect(lines[0]).toMatch(/^parent: \d+ tokens\/s per GPU, fits: true$/)
    const speedup = Number(/^child: ([\d.]+)× the parent/.exec(lines[1] ?? '')?.[1])
    expect(speedup).toBeGreaterThanOrEqual(1.5)
    expect(lines[2]).toMatch(/^frontier plot: \d+ bytes of SVG$/)
  })
})
