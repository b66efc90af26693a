import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import * as Effect from 'effect/Effect'
import type * as Scope from 'effect/Scope'
import { JobModuleError } from './errors.ts'
import type { JobOutcome, JobRequest, WorkerMessage, WorkerSetup } from './worker-protocol.ts'

/** A job whose worker is gone: it crashed or exited mid-job, or was stopped when the job ran out of time. */
export interface WorkerLost {
  readonly kind: 'lost'
  /** What happened, as the job's recorded error. */
  readonly error: string
}

/** One worker thread with the job module loaded. */
export interface JobWorker {
  /** Runs one job; interrupting it stops waiting, and the worker is terminated when its scope closes. */
  readonly run: (request: JobRequest) => Effect.Effect<JobOutcome | WorkerLost>
}

const bootstrap = new URL('./worker-bootstrap.mjs', import.meta.url)
// worker.ts beside the sources, worker.js beside the compiled code: the same extension as this module's.
const entry = new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href

/** A worker thread and, once it has died, why. */
interface Thread {
  readonly worker: Worker
  death: string | undefined
}

/**
 * Listens to a worker until `onMessage` returns a value or the worker dies,
 * then stops listening. `send` runs once the listeners are attached, so no
 * reply can arrive before them.
 */
function listen<A>(
  thread: Thread,
  onMessage: (message: WorkerMessage) => A | undefined,
  onDeath: (problem: string) => A,
  send: () => void = () => undefined,
): Effect.Effect<A> {
  return Effect.callback<A>((resume) => {
    const { worker } = thread
    if (thread.death !== undefined) {
      resume(Effect.succeed(onDeath(thread.death)))
      return
    }
    const stopListening = (): void => {
      worker.off('message', message).off('error', error).off('exit', exit)
    }
    const settle = (value: A): void => {
      stopListening()
      resume(Effect.succeed(value))
    }
    const message = (value: WorkerMessage): void => {
      const settled = onMessage(value)
      if (settled !== undefined) settle(settled)
    }
    const error = (thrown: Error): void => settle(onDeath(thrown.message))
    const exit = (code: number): void => settle(onDeath(`the worker exited with code ${code}`))
    worker.on('message', message).on('error', error).on('exit', exit)
    send()
    // Runs only when the wait is interrupted.
    return Effect.sync(stopListening)
  })
}

/** Starts a worker thread that loads `jobModule` (a `file:` URL); it is terminated when the scope closes. */
export function startJobWorker(jobModule: string): Effect.Effect<JobWorker, JobModuleError, Scope.Scope> {
  return Effect.gen(function* () {
    const setup: WorkerSetup = { jobModule, entry }
    const thread = yield* Effect.acquireRelease(
      Effect.sync(() => {
        // Listening for good keeps a worker's death between jobs from being an unhandled 'error' event.
        const started: Thread = { worker: new Worker(bootstrap, { workerData: setup }), death: undefined }
        started.worker
          .on('error', (thrown: Error) => (started.death ??= thrown.message))
          .on('exit', (code: number) => (started.death ??= `the worker exited with code ${code}`))
        return started
      }),
      (started) => Effect.promise(() => started.worker.terminate()),
    )
    const started = yield* listen<string | true>(
      thread,
      (message) => (message.kind === 'ready' ? true : message.kind === 'load-failed' ? message.problem : undefined),
      (problem) => problem,
    )
    if (started !== true) return yield* Effect.fail(new JobModuleError({ module: jobModule, problem: started }))
    const run = (request: JobRequest): Effect.Effect<JobOutcome | WorkerLost> =>
      listen<JobOutcome | WorkerLost>(
        thread,
        (message) => (message.kind === 'done' && message.id === request.id ? message : undefined),
        (problem) => ({ kind: 'lost', error: `the worker crashed: ${problem}` }),
        () => thread.worker.postMessage(request),
      )
    return { run }
  })
}
