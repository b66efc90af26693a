/** One line per concurrency of a frontier, on stderr when it is a terminal, so that long runs are never silent. */
import type { BatchProgress } from '../search/pipeline/run-frontier.ts'
import * as fmt from './format.ts'

export function frontierProgressLine(p: BatchProgress): string {
  const what = p.outcome === 'traced' || p.outcome === 'sampled' ? `${p.points.toLocaleString('en-US')} points${p.outcome === 'sampled' ? ' (sampled)' : ''}` : `skipped: ${p.outcome}`
  return `concurrency ${p.batch}: ${what}, ${fmt.seconds(p.seconds)}`
}

/** A progress callback writing to `stream` when it is a terminal; undefined otherwise, so pipes and files stay clean. */
export function frontierProgress(stream: NodeJS.WriteStream = process.stderr): ((p: BatchProgress) => void) | undefined {
  return stream.isTTY === true ? (p) => void stream.write(`nas-sim: ${frontierProgressLine(p)}\n`) : undefined
}
