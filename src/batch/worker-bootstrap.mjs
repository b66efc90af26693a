// Worker threads do not inherit the parent's TypeScript loader (Node 20 applies
// `--import` and module hooks per thread), so a worker running the TypeScript
// sources registers tsx itself before importing them; the compiled worker
// (dist/, worker.js) needs no loader. Plain JS because nothing can load TS yet.
import { workerData } from 'node:worker_threads'

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api')
  register()
}
await import(workerData.entry)
