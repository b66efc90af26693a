/**
 * Writing results. Each file is written whole (to a temporary name, then
 * renamed), and files are written in order of value, so that a failure in a
 * later step (a report, a plot) never loses what was already computed.
 */
import { ensureDir } from '../io/ensure-dir.ts'
import { writeFileAtomic as atomicWrite } from '../batch/atomic-file.ts'
import { dirname, extname } from 'node:path'
import { FileError, InvalidInput, fileProblem } from '../errors.ts'
import { svgToPng } from '../../viz/index.ts'

/** Writes a result file whole (see the batch's {@link atomicWrite}: unique temporary, fsync, rename, directory fsync), creating its folder. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  try {
    ensureDir(dirname(path))
    atomicWrite(path, data)
  } catch (e) {
    throw new FileError({ path, problem: `cannot write: ${fileProblem(e)}` })
  }
}

export function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`)
}

/** Checks a plot path's extension before any work is done, so a typo fails at once. */
export function checkPlotPath(path: string | undefined, option = '--plot'): void {
  if (path === undefined) return
  const ext = extname(path).toLowerCase()
  if (ext !== '.svg' && ext !== '.png') throw new InvalidInput({ field: option, problem: `${path} (expected a .svg or .png file name)` })
}

/** Checks a report path's extension before any work is done: a report is HTML, and a .txt name would mislead. */
export function checkReportPath(path: string | undefined, option = '--report'): void {
  if (path === undefined) return
  if (!/\.html?$/i.test(path)) throw new InvalidInput({ field: option, problem: `${path} (expected a file name ending in .html)` })
}

/** A plot to `.svg` or `.png` (by extension); anything else is a one-line error naming `option`. */
export function writePlot(path: string, svg: string, option = '--plot'): void {
  checkPlotPath(path, option)
  writeFileAtomic(path, extname(path).toLowerCase() === '.svg' ? svg : svgToPng(svg))
}

/** Runs later output steps; the first failure is reported with what was already written. */
export function writeSteps(written: string[], steps: readonly (readonly [string, () => void])[]): void {
  for (const [path, step] of steps) {
    try {
      step()
      written.push(path)
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      const kept = written.length > 0 ? ` (already written: ${written.join(', ')})` : ''
      throw new FileError({ path, problem: `${message}${kept}` })
    }
  }
}
