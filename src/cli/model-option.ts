/** `--model preset|config.json`: load, then check every block against the deployment's TP split. */
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import type { Architecture } from '../blocks/architecture.ts'
import { architectureError } from '../blocks/architecture-validation.ts'
import type { Deployment } from '../cost-model/deployment.ts'
import { InvalidInput } from '../errors.ts'
import { loadModel } from '../io/load-model.ts'

/** A preset or config file, or its (tagged, one-line) error thrown. */
export async function loadArchitecture(flag: string): Promise<Architecture> {
  const loaded = await Effect.runPromise(Effect.result(loadModel(flag)))
  if (Result.isFailure(loaded)) throw loaded.failure
  return loaded.success
}

/** As loadArchitecture, and every block must split over the deployment's TP. */
export async function loadModelOrThrow(flag: string, d: Deployment): Promise<Architecture> {
  const arch = await loadArchitecture(flag)
  const problem = architectureError(arch, d.tp)
  if (problem !== undefined) throw new InvalidInput({ field: `--model ${flag}`, problem: `${problem} (try another --tp)` })
  return arch
}
