import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import * as Effect from 'effect/Effect'
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import { parseDocument } from 'yaml'
import { SpecError, describeThrown } from './errors.ts'
import { JobFields, budgetKinds, jobFieldNames, resolveJob } from './job.ts'
import type { Job } from './job.ts'
import { canonicalJson, jobId } from './job-id.ts'
import { firstIssue, formatPath } from './schema-issue.ts'

/**
 * A batch spec: `defaults` holds fields shared by every job, the cross product
 * of `axes` (each over the defaults) gives a sweep, and `jobs` adds explicit
 * jobs (each also over the defaults). Where a job or an axis sets a budget,
 * the defaults' budget is dropped, so a spec can hold one default budget and
 * still sweep another kind.
 */
export const BatchSpec = Schema.Struct({
  /** Title of the batch, written beside its results. */
  name: Schema.optionalKey(Schema.NonEmptyString),
  defaults: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown)),
  axes: Schema.optionalKey(
    Schema.Record(
      Schema.String,
      Schema.Array(Schema.Unknown).check(Schema.isMinLength(1, { message: 'expected a non-empty list of values' })),
    ),
  ),
  jobs: Schema.optionalKey(Schema.Array(Schema.Record(Schema.String, Schema.Unknown))),
})
export type BatchSpec = typeof BatchSpec.Type

/** A job with its content-derived id. */
export interface IdentifiedJob {
  readonly id: string
  readonly job: Job
}

/** A decoded spec and the jobs it gives, in spec order, all validated. */
export interface ExpandedSpec {
  readonly name?: string
  readonly spec: BatchSpec
  readonly jobs: readonly IdentifiedJob[]
}

/** More jobs than this is almost surely a mistaken axis, and would take minutes just to expand. */
const maxJobs = 1_000_000

type Fields = Readonly<Record<string, unknown>>

/** A job before validation, with the place in the spec each of its fields came from. */
interface DraftJob {
  readonly fields: Fields
  readonly origin: Readonly<Record<string, string>>
  /** How to name the job in an error: `jobs[3]` or `axes {"gpu":"h200"}`. */
  readonly label: string
  /** Where to point when the job as a whole is wrong (its budget): the places its budget came from. */
  readonly wholePath: string
  /** Where to point when a required field is missing, and where to set it. */
  readonly missing: (field: string) => { readonly path: string; readonly hint: string }
}

const isBudgetField = (field: string): boolean => (budgetKinds as readonly string[]).includes(field)

/** Lays `upper` over `lower`; a budget in `upper` replaces every budget in `lower`. */
function layer(lower: Fields, upper: Fields): Record<string, unknown> {
  const upperHasBudget = Object.keys(upper).some(isBudgetField)
  const kept = Object.entries(lower).filter(([field]) => !(upperHasBudget && isBudgetField(field)))
  return { ...Object.fromEntries(kept), ...upper }
}

function originsOf(fields: Fields, place: (field: string) => string): Record<string, string> {
  return Object.fromEntries(Object.keys(fields).map((field) => [field, place(field)]))
}

function checkFieldNames(fields: Fields, place: (field: string) => string): SpecError | undefined {
  const unknown = Object.keys(fields).find((field) => !jobFieldNames.includes(field))
  return unknown === undefined
    ? undefined
    : new SpecError({ path: place(unknown), problem: `unknown job field (known: ${jobFieldNames.join(', ')})` })
}

function* sweepDrafts(defaults: Fields, axes: Readonly<Record<string, readonly unknown[]>>): Generator<DraftJob> {
  const names = Object.keys(axes)
  const lengths = names.map((name) => axes[name]?.length ?? 0)
  const count = lengths.reduce((product, length) => product * length, 1)
  for (let index = 0; index < count; index++) {
    // Mixed-radix digits of `index`, the first axis varying slowest.
    const picks: Record<string, unknown> = {}
    const axisOrigin: Record<string, string> = {}
    let rest = index
    for (let axis = names.length - 1; axis >= 0; axis--) {
      const name = names[axis] as string
      const length = lengths[axis] as number
      const digit = rest % length
      rest = Math.floor(rest / length)
      picks[name] = axes[name]?.[digit]
      axisOrigin[name] = `axes.${name}[${digit}]`
    }
    const fields = layer(defaults, picks)
    const origin = { ...originsOf(fields, (field) => `defaults.${field}`), ...axisOrigin }
    const budgetPlaces = budgetKinds.flatMap((kind) => (origin[kind] === undefined ? [] : [origin[kind]]))
    yield {
      fields,
      origin,
      label: `axes ${canonicalJson(picks)}`,
      wholePath: budgetPlaces.length === 0 ? 'defaults' : budgetPlaces.join(' and '),
      missing: (field) => ({ path: `defaults.${field}`, hint: 'set it in defaults or in axes' }),
    }
  }
}

function explicitDraft(defaults: Fields, job: Fields, index: number): DraftJob {
  const fields = layer(defaults, job)
  return {
    fields,
    origin: { ...originsOf(fields, (field) => `defaults.${field}`), ...originsOf(job, (field) => `jobs[${index}].${field}`) },
    label: `jobs[${index}]`,
    wholePath: `jobs[${index}]`,
    missing: (field) => ({ path: `jobs[${index}].${field}`, hint: 'set it in the job or in defaults' }),
  }
}

const decodeJob = Schema.decodeUnknownResult(JobFields, { onExcessProperty: 'error', reportInput: true })

function validateDraft(draft: DraftJob): Job | SpecError {
  const decoded = decodeJob(draft.fields)
  if (Result.isSuccess(decoded)) return resolveJob(decoded.success)
  const issue = firstIssue(decoded.failure)
  const [field, ...inner] = issue.path
  if (field === undefined) return new SpecError({ path: draft.wholePath, problem: issue.message })
  const name = String(field)
  const place = draft.origin[name]
  if (place === undefined) {
    const { path, hint } = draft.missing(name)
    return new SpecError({ path, problem: `missing; ${hint}` })
  }
  return new SpecError({ path: place + (inner.length === 0 ? '' : formatPath(['', ...inner])), problem: issue.message })
}

const specFieldNames: readonly string[] = Object.keys(BatchSpec.fields)

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

const decodeSpec = Schema.decodeUnknownResult(BatchSpec, { onExcessProperty: 'error', reportInput: true })

/** Validates a parsed spec and expands it into its jobs; the first problem found fails it, as one line. */
export function expandSpec(raw: unknown): Effect.Effect<ExpandedSpec, SpecError> {
  return Effect.suspend(() => {
    const stray = isPlainObject(raw) ? Object.keys(raw).find((key) => !specFieldNames.includes(key)) : undefined
    if (stray !== undefined)
      return Effect.fail(new SpecError({ path: stray, problem: `unknown spec field (known: ${specFieldNames.join(', ')})` }))
    const decoded = decodeSpec(raw)
    if (Result.isFailure(decoded)) {
      const issue = firstIssue(decoded.failure)
      return Effect.fail(new SpecError({ path: formatPath(issue.path), problem: issue.message }))
    }
    const spec = decoded.success
    const expanded = expandDecoded(spec)
    return expanded instanceof SpecError
      ? Effect.fail(expanded)
      : Effect.succeed({ ...(spec.name === undefined ? {} : { name: spec.name }), spec, jobs: expanded })
  })
}

function expandDecoded(spec: BatchSpec): readonly IdentifiedJob[] | SpecError {
  const defaults = spec.defaults ?? {}
  const nameError =
    checkFieldNames(defaults, (field) => `defaults.${field}`) ??
    checkFieldNames(spec.axes ?? {}, (field) => `axes.${field}`) ??
    (spec.jobs ?? []).reduce<SpecError | undefined>(
      (found, job, index) => found ?? checkFieldNames(job, (field) => `jobs[${index}].${field}`),
      undefined,
    )
  if (nameError !== undefined) return nameError
  const sweepCount = spec.axes === undefined ? 0 : Object.values(spec.axes).reduce((product, values) => product * values.length, 1)
  const total = sweepCount + (spec.jobs?.length ?? 0)
  if (total === 0) return new SpecError({ path: '', problem: 'the spec holds no jobs: give axes (their cross product gives the jobs) or a jobs list' })
  if (total > maxJobs) return new SpecError({ path: 'axes', problem: `the spec gives ${total} jobs, more than the ${maxJobs} a batch may hold` })

  const drafts = [
    ...(spec.axes === undefined ? [] : sweepDrafts(defaults, spec.axes)),
    ...(spec.jobs ?? []).map((job, index) => explicitDraft(defaults, job, index)),
  ]
  const jobs: IdentifiedJob[] = []
  const seen = new Map<string, { readonly label: string; readonly content: string }>()
  for (const draft of drafts) {
    const job = validateDraft(draft)
    if (job instanceof SpecError) return job
    const content = canonicalJson(job)
    const id = jobId(job)
    const earlier = seen.get(id)
    if (earlier !== undefined) {
      const problem =
        earlier.content === content
          ? `repeats the job of ${earlier.label} (id ${id}); remove one of them`
          : `has the same id ${id} as ${earlier.label} without being the same job (a hash collision); change either slightly`
      return new SpecError({ path: draft.label, problem })
    }
    seen.set(id, { label: draft.label, content })
    jobs.push({ id, job })
  }
  return jobs
}

/**
 * YAML text → value. Warnings (an unknown tag, say) are refused like errors, in one line, instead of the YAML
 * library printing them to stderr and carrying on (root cause J of issue 15).
 */
function yamlValue(text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false })
  const problem = doc.errors[0] ?? doc.warnings[0]
  if (problem !== undefined) throw new Error(problem.message.split('\n')[0])
  return doc.toJS() as unknown
}

/** Parses spec text by its file's extension: `.json`, `.yaml` or `.yml`. */
export function parseSpecText(text: string, file: string): Effect.Effect<unknown, SpecError> {
  const extension = extname(file).toLowerCase()
  if (extension !== '.json' && extension !== '.yaml' && extension !== '.yml')
    return Effect.fail(new SpecError({ file, path: '', problem: `expected a .json, .yaml or .yml file, got "${extension}"` }))
  return Effect.try({
    try: () => (extension === '.json' ? (JSON.parse(text) as unknown) : yamlValue(text)),
    catch: (thrown) => new SpecError({ file, path: '', problem: `not valid ${extension === '.json' ? 'JSON' : 'YAML'}: ${describeThrown(thrown)}` }),
  })
}

/** Reads, parses, validates and expands a spec file; every error names the file. */
export function loadBatchSpec(file: string): Effect.Effect<ExpandedSpec, SpecError> {
  return Effect.try({
    try: () => readFileSync(file, 'utf8'),
    catch: (thrown) => new SpecError({ file, path: '', problem: `cannot read: ${describeThrown(thrown)}` }),
  }).pipe(
    Effect.flatMap((text) => parseSpecText(text, file)),
    Effect.flatMap(expandSpec),
    Effect.mapError((error) => (error.file === undefined ? new SpecError({ file, path: error.path, problem: error.problem }) : error)),
  )
}
