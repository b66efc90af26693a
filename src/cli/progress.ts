/**
 * Where progress lines go: stderr, when it is a terminal or `--progress`
 * asked for it; nowhere otherwise, so that pipes and log files hold only
 * results. stdout never carries progress.
 */
let forced = false

export function setProgress(on: boolean): void {
  forced = on
}

/** A writer of one progress line, or undefined when progress is off. */
export function progressWriter(stream: NodeJS.WriteStream = process.stderr): ((line: string) => void) | undefined {
  return forced || stream.isTTY === true ? (line) => void stream.write(`nas-sim: ${line}\n`) : undefined
}
