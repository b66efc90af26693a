import * as Data from 'effect/Data'
import { fileProblem } from '../errors.ts'

/** A spec that cannot be read or does not describe valid jobs. `path` locates the value inside the spec (`axes.tp[2]`). */
export class SpecError extends Data.TaggedError('SpecError')<{
  readonly file?: string
  readonly path: string
  readonly problem: string
}> {
  override get message(): string {
    const where = [this.file, this.path].filter((part) => part !== undefined && part !== '').join(': ')
    return where === '' ? this.problem : `${where}: ${this.problem}`
  }
}

/** A batch option with a value it cannot take (`workers: 0`). */
export class BatchOptionError extends Data.TaggedError('BatchOptionError')<{
  readonly option: string
  readonly problem: string
}> {
  override get message(): string {
    return `${this.option}: ${this.problem}`
  }
}

/** A fresh batch pointed at a directory that already holds files. */
export class OutDirNotEmpty extends Data.TaggedError('OutDirNotEmpty')<{ readonly dir: string }> {
  override get message(): string {
    return `output directory ${this.dir} is not empty: pass --resume to continue the batch there, or choose another --out`
  }
}

/** An output directory another batch run is using (its lock file names the holder). */
export class BatchLocked extends Data.TaggedError('BatchLocked')<{
  readonly dir: string
  readonly file: string
  readonly holder: { readonly pid: number; readonly host: string; readonly since: string } | undefined
}> {
  override get message(): string {
    const who = this.holder === undefined ? 'another run' : `process ${this.holder.pid} on ${this.holder.host} since ${this.holder.since}`
    return `${this.dir} is in use by ${who}; wait for it to finish, or delete ${this.file} if that run is gone`
  }
}

/** A results, jobs or spec file that cannot be read, parsed or written. */
export class BatchFileError extends Data.TaggedError('BatchFileError')<{
  readonly file: string
  readonly problem: string
}> {
  override get message(): string {
    return `${this.file}: ${this.problem}`
  }
}

/** The job module could not be loaded in a worker, or exports no `runJob`. */
export class JobModuleError extends Data.TaggedError('JobModuleError')<{
  readonly module: string
  readonly problem: string
}> {
  override get message(): string {
    return `job module ${this.module}: ${this.problem}`
  }
}

/** A group's summary hook (the combined Pareto plot) failed; the results themselves are saved. */
export class GroupHookError extends Data.TaggedError('GroupHookError')<{
  readonly group: string
  readonly problem: string
}> {
  override get message(): string {
    return `summary of group "${this.group}" failed: ${this.problem}`
  }
}

/** Shard directories that cannot be merged (they come from different specs). */
export class MergeError extends Data.TaggedError('MergeError')<{ readonly problem: string }> {
  override get message(): string {
    return `merge: ${this.problem}`
  }
}

export type BatchError = SpecError | BatchOptionError | OutDirNotEmpty | BatchLocked | BatchFileError | JobModuleError | GroupHookError

/** The message of anything thrown, as one line. */
export function describeThrown(thrown: unknown): string {
  return fileProblem(thrown)
}
