import { createReadStream, existsSync, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Command } from 'commander'
import * as Result from 'effect/Result'
import * as Schema from 'effect/Schema'
import { predict, PredictQuerySchema } from '../../cost-model/predict.ts'
import { FileError, schemaProblem } from '../../errors.ts'
import type { EfficiencyModel } from '../../cost-model/efficiency.ts'
import { addCalibrationOption, efficiencyFrom } from '../calibration-option.ts'
import { action } from '../run-action.ts'

const decodeQuery = Schema.decodeUnknownResult(PredictQuerySchema)

/** The id of a line that failed to decode, when it has one. */
function idOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'id' in value ? (value as { id: unknown }).id : null
}

/** The `gpu` a query line names, when it is JSON with a string there (the rest is checked by answerLine). */
function gpuOfLine(line: string): string | undefined {
  try {
    const value: unknown = JSON.parse(line)
    return typeof value === 'object' && value !== null && 'gpu' in value && typeof value.gpu === 'string' ? value.gpu : undefined
  } catch {
    return undefined
  }
}

/** One output line for one input line: a prediction or `{id, error}`; never throws. */
export function answerLine(line: string, lineNo: number, answer: (q: typeof PredictQuerySchema.Type) => Result.Result<object, string>): string {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return JSON.stringify({ id: null, error: `line ${lineNo}: not valid JSON` })
  }
  const q = decodeQuery(value)
  if (Result.isFailure(q)) {
    const { path, problem } = schemaProblem(q.failure.message)
    return JSON.stringify({ id: idOf(value), error: `line ${lineNo}: ${path === '' ? '' : `${path}: `}${problem}` })
  }
  const r = answer(q.success)
  return JSON.stringify(Result.isSuccess(r) ? r.success : { id: q.success.id, error: `line ${lineNo}: ${r.failure}` })
}

export function registerPredict(program: Command): void {
  const cmd = program
    .command('predict')
    .description('per-block predictions for JSON-lines queries (stdin or --in), one JSON line out per query, in order')
    .option('--gpu <id>', 'GPU for queries that name none')
    .option('--in <file>', 'read queries from a file instead of standard input')
    .option('--kernels', 'include each kernel’s time and bound')
  addCalibrationOption(cmd).action(
    action(async (flags: { gpu?: string; in?: string; calibration?: string; kernels?: boolean }) => {
      // A named calibration (or "datasheet") prices every query; without one, each query's GPU gets its own
      // shipped calibration where one exists, and every answer names the model it used.
      const named = flags.calibration === undefined ? undefined : await efficiencyFrom(flags.calibration, flags.gpu)
      const byGpu = new Map<string, EfficiencyModel>()
      const efficiencyFor = async (line: string): Promise<EfficiencyModel> => {
        if (named !== undefined) return named
        const gpu = gpuOfLine(line) ?? flags.gpu ?? ''
        let e = byGpu.get(gpu)
        if (e === undefined) byGpu.set(gpu, (e = await efficiencyFrom(undefined, gpu === '' ? undefined : gpu)))
        return e
      }
      if (flags.in !== undefined && !existsSync(flags.in)) throw new FileError({ path: flags.in, problem: 'no such file' })
      // Root cause D of issue 15: a directory would fail deep inside the reader.
      if (flags.in !== undefined && statSync(flags.in).isDirectory()) throw new FileError({ path: flags.in, problem: 'is a directory (give a JSON-lines file)' })
      const input = flags.in === undefined ? process.stdin : createReadStream(flags.in)
      let lineNo = 0
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        lineNo++
        if (line.trim() === '') continue
        const efficiency = await efficiencyFor(line)
        const used = { efficiency: efficiency.name, ...(efficiency.derivedFrom === undefined ? {} : { derivedFrom: efficiency.derivedFrom }) }
        process.stdout.write(`${answerLine(line, lineNo, (q) => Result.map(predict(q, efficiency, flags.gpu, flags.kernels), (p) => ({ ...p, ...used })))}\n`)
      }
    }),
  )
}
