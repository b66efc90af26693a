/** One line per concurrency of a frontier, on stderr when it is a terminal, so that long runs are never silent. */
import type { BatchProgress } from '../search/pipeline/run-frontier.ts'
import * as fmt from './format.ts'
import { progressWriter } from './progress.ts'

export function frontierProgressLine(p: BatchProgress): string {
  const what = p.outcome === 'traced' || p.outcome === 'sampled' ? `${p.points.toLocaleString('en-US')} points${p.outcome === 'sampled' ? ' (sampled)' : ''}` : `skipped: ${p.outcome}`
  return `concurrency ${p.batch}: ${what}, ${fmt.seconds(p.seconds)}`
}

/** A progress callback writing to `stream` when it is a terminal (or `--progress` asked); undefined otherwise, so pipes and files stay clean. */
export function frontierProgress(stream: NodeJS.WriteStream = process.stderr): ((p: BatchProgress) => void) | undefined {
  const write = progressWriter(stream)
  return write === undefined ? undefined : (p) => write(frontierProgressLine(p))
}
