import { setTimeout as sleep } from 'node:timers/promises'
import { jobId } from '../job-id.ts'
import type { Job } from '../job.ts'

/**
 * A stand-in for the search in batch tests: it takes a few milliseconds and
 * returns a result that depends only on the job, so runs can be compared.
 * Parent `bad-model` throws as an unknown model would, a speedup above 100
 * throws as an infeasible budget would, parent `crash-worker` ends its
 * worker thread mid-job, and parent `slow-model` takes a minute.
 */
export async function runJob(job: Job): Promise<{ readonly quality: number; readonly speedup: number }> {
  if (job.parent === 'bad-model') throw new Error('unknown parent "bad-model"')
  if (job.parent === 'crash-worker') process.exit(3)
  if (job.parent === 'slow-model') await sleep(60_000)
  if (job.speedup !== undefined && job.speedup > 100) throw new Error(`infeasible budget: speedup ${job.speedup} (the best achievable is 4.2)`)
  const digest = Number.parseInt(jobId(job).slice(0, 6), 16)
  await sleep(2 + (digest % 8))
  return { quality: (digest % 1000) / 1000, speedup: job.speedup ?? 1 }
}
