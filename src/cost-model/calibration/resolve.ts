/**
 * `--calibration NAME|FILE`: a shipped calibration by name, or a calibration
 * file by path, decoded and checked against the GPU it will time.
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import { FileError, InvalidInput, UnknownId, invalidFromSchema } from '../../errors.ts'
import { datasheetEfficiency, type EfficiencyModel } from '../efficiency.ts'
import { findSystem } from '../hardware/lookup.ts'
import { calibratedEfficiency } from './calibrated-efficiency.ts'
import { CalibrationSchema, type Calibration } from './format.ts'
import { defaultCalibrationFor, isShippedCalibration, shippedCalibrations, shippedCalibrationUrl } from './shipped.ts'

const decodeCalibration = Schema.decodeUnknownResult(CalibrationSchema)

/** Plain words for the Node error codes a user can cause by naming the wrong path. */
const readFailures: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, expected a calibration JSON file',
}

/** A calibration from its JSON text; `source` names the file in errors. */
export function parseCalibration(text: string, source: string): Result.Result<Calibration, FileError | InvalidInput> {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return Result.fail(new FileError({ path: source, problem: `not valid JSON (${e instanceof Error ? e.message : String(e)})` }))
  }
  const decoded = decodeCalibration(json)
  return Result.isFailure(decoded) ? Result.fail(invalidFromSchema(source, decoded.failure.message)) : Result.succeed(decoded.success)
}

/** Where a `--calibration` value points: a shipped name wins; anything with a path separator or `.json` is a file. */
function locate(nameOrPath: string): string {
  if (isShippedCalibration(nameOrPath)) return fileURLToPath(shippedCalibrationUrl(nameOrPath))
  if (/[\\/]/.test(nameOrPath) || /\.json$/i.test(nameOrPath)) return nameOrPath
  throw new UnknownId({ kind: 'calibration', id: nameOrPath, known: shippedCalibrations })
}

/** Reads and decodes a calibration by shipped name or path. */
export async function loadCalibration(nameOrPath: string): Promise<Calibration> {
  const path = locate(nameOrPath)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : undefined
    throw new FileError({ path: nameOrPath, problem: (code === undefined ? undefined : readFailures[code]) ?? `cannot read (${code ?? String(e)})` })
  }
  const calibration = parseCalibration(text, nameOrPath)
  if (Result.isFailure(calibration)) throw calibration.failure
  return calibration.success
}

/**
 * The efficiency model of a calibration, for `gpu` when given (a GPU or system
 * id): a calibration fitted on another GPU is refused, since its fractions are of
 * that GPU's peaks.
 */
export async function resolveCalibration(nameOrPath: string, gpu: string | undefined): Promise<EfficiencyModel> {
  const calibration = await loadCalibration(nameOrPath)
  if (gpu !== undefined) {
    const system = findSystem(gpu)
    if (Result.isSuccess(system) && system.success.gpu.id !== calibration.gpu)
      throw new InvalidInput({ field: '--calibration', problem: `${calibration.name} was fitted on ${calibration.gpu}, not ${system.success.gpu.id}` })
  }
  return calibratedEfficiency(calibration)
}

/** The `--calibration` value that selects the datasheet roofline explicitly. */
export const datasheetFlag = 'datasheet'

/**
 * The efficiency model for a `--calibration` value: `datasheet` for the
 * datasheet roofline; a name or file; or, when none is given, the shipped
 * calibration of `gpu` where one exists (h200-pytorch on the H200,
 * h100-sxm-derived on the H100 SXM), else the datasheet roofline.
 */
export async function resolveEfficiency(flag: string | undefined, gpu: string | undefined): Promise<EfficiencyModel> {
  if (flag === datasheetFlag) return datasheetEfficiency
  if (flag !== undefined) return resolveCalibration(flag, gpu)
  const system = gpu === undefined ? undefined : findSystem(gpu)
  const shipped = system !== undefined && Result.isSuccess(system) ? defaultCalibrationFor(system.success.gpu.id) : undefined
  return shipped === undefined ? datasheetEfficiency : resolveCalibration(shipped, gpu)
}
