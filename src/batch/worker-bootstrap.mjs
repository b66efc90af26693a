// Worker threads do not inherit the parent's TypeScript loader (Node 20 applies
// `--import` and module hooks per thread), so each worker registers tsx itself
// before importing the TypeScript worker. Plain JS because nothing can load TS yet.
import { register } from 'tsx/esm/api'
import { workerData } from 'node:worker_threads'

register()
await import(workerData.entry)
