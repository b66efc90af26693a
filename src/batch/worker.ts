import { parentPort, workerData } from 'node:worker_threads'
import type { JobOutcome, JobRequest, WorkerSetup, WorkerStarted } from './worker-protocol.ts'

/**
 * A worker thread: loads the job module once, then runs one job per message.
 * It imports nothing heavy itself, so a worker starts as fast as its job module loads.
 */

type RunJob = (job: unknown) => unknown

const port = parentPort
if (port === null) throw new Error('worker.ts runs only as a worker thread')
const setup = workerData as WorkerSetup

const messageOf = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown))

async function loadRunJob(): Promise<RunJob | string> {
  try {
    const module = (await import(setup.jobModule)) as { readonly runJob?: unknown }
    return typeof module.runJob === 'function' ? (module.runJob as RunJob) : 'exports no runJob function'
  } catch (thrown) {
    return `cannot be loaded: ${messageOf(thrown)}`
  }
}

async function runOne(runJob: RunJob, request: JobRequest): Promise<JobOutcome> {
  const start = performance.now()
  // Milliseconds: finer digits would only record noise.
  const seconds = (): number => Math.round(performance.now() - start) / 1000
  let result: unknown
  try {
    result = await runJob(request.job)
  } catch (thrown) {
    return { kind: 'done', id: request.id, ok: false, error: messageOf(thrown), seconds: seconds() }
  }
  try {
    return { kind: 'done', id: request.id, ok: true, resultJson: JSON.stringify(result ?? null), seconds: seconds() }
  } catch (thrown) {
    return { kind: 'done', id: request.id, ok: false, error: `the result cannot be written as JSON: ${messageOf(thrown)}`, seconds: seconds() }
  }
}

const runJob = await loadRunJob()
if (typeof runJob === 'string') {
  port.postMessage({ kind: 'load-failed', problem: runJob } satisfies WorkerStarted)
} else {
  port.on('message', (request: JobRequest) => {
    void runOne(runJob, request).then((outcome) => port.postMessage(outcome))
  })
  port.postMessage({ kind: 'ready' } satisfies WorkerStarted)
}
