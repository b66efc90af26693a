/** Messages between the batch runner and its worker threads. */

/** Runner → worker: run one job. */
export interface JobRequest {
  readonly id: string
  readonly job: unknown
}

/** Worker → runner, once the job module is loaded (or could not be). */
export type WorkerStarted = { readonly kind: 'ready' } | { readonly kind: 'load-failed'; readonly problem: string }

/** Worker → runner: one job finished. The result travels as JSON text, checked serialisable in the worker. */
export type JobOutcome =
  | { readonly kind: 'done'; readonly id: string; readonly ok: true; readonly resultJson: string; readonly seconds: number }
  | { readonly kind: 'done'; readonly id: string; readonly ok: false; readonly error: string; readonly seconds: number }

export type WorkerMessage = WorkerStarted | JobOutcome

/** What the runner hands a worker thread at start. */
export interface WorkerSetup {
  /** `file:` URL of the job module. */
  readonly jobModule: string
  /** `file:` URL of the worker's TypeScript entry, imported once the TypeScript loader is registered. */
  readonly entry: string
}
