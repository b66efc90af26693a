import * as Result from 'effect/Result'
import { UnknownId } from '../../errors.ts'
import { isSystemId, systemIds, systems, type SystemSpec } from './system.ts'

/** The system (one GPU or a node) with this id, or an UnknownId error listing the known ids. */
export function findSystem(id: string): Result.Result<SystemSpec, UnknownId> {
  const key = id.trim().toLowerCase()
  return isSystemId(key) ? Result.succeed(systems[key]) : Result.fail(new UnknownId({ kind: 'GPU or system', id, known: systemIds }))
}
