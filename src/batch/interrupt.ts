/** The two stages of stopping a batch from the keyboard. */
export interface InterruptSignals {
  /** Aborted by the first SIGINT: start no more jobs, let those in flight finish. */
  readonly stop: AbortSignal
  /** Aborted by the second SIGINT: abandon the jobs in flight. */
  readonly abandon: AbortSignal
  /** Stops listening for SIGINT, restoring its default (ending the process). */
  readonly dispose: () => void
}

/** Listens for SIGINT (Ctrl-C) on `target`: the first stops the batch gently, the second abandons what is in flight. */
export function interruptOnSigint(target: Pick<NodeJS.Process, 'on' | 'off'> = process): InterruptSignals {
  const stop = new AbortController()
  const abandon = new AbortController()
  const onSigint = (): void => {
    if (!stop.signal.aborted) stop.abort()
    else abandon.abort()
  }
  target.on('SIGINT', onSigint)
  return { stop: stop.signal, abandon: abandon.signal, dispose: () => void target.off('SIGINT', onSigint) }
}
