/** `--export-problem FILE`: collects every batch plan's problem while a search runs, then writes FILE (JSON) and MPS beside it. */
import { InvalidInput } from '../errors.ts'
import type { SearchProblem } from '../search/problem.ts'
import { problemMps } from '../search/export/mps.ts'
import { problemExport, problemJson, type ProblemPlan } from '../search/export/problem-json.ts'
import { writeFileAtomic } from './outputs.ts'

/** `problem.json` → `problem`; the MPS files take this stem. */
const stemOf = (file: string) => file.replace(/\.json$/i, '')

/** The MPS path of each plan: `stem.mps` for one plan, `stem.batch-64.mps` (`stem.batch-64-32.mps` for two scenarios) for several. */
export function mpsPaths(file: string, plans: readonly ProblemPlan[]): string[] {
  const stem = stemOf(file)
  return plans.length === 1 ? [`${stem}.mps`] : plans.map((p) => `${stem}.batch-${p.batches.join('-')}.mps`)
}

export interface ProblemRecorder {
  readonly onProblem: (batches: readonly number[], problem: SearchProblem) => void
  /** Writes the JSON and the MPS files (nothing when no plan was built) and returns the paths written. */
  readonly write: (note?: string) => string[]
}

export function problemRecorder(file: string): ProblemRecorder {
  if (file.trim() === '' || file.endsWith('/')) throw new InvalidInput({ field: '--export-problem', problem: `"${file}" is not a file name (e.g. problem.json)` })
  const plans: ProblemPlan[] = []
  return {
    onProblem: (batches, problem) => plans.push({ batches: [...batches], problem }),
    write: (note) => {
      if (plans.length === 0) return []
      const exported = problemExport(plans, note)
      writeFileAtomic(file, problemJson(exported))
      const paths = mpsPaths(file, exported.plans)
      exported.plans.forEach((p, i) => writeFileAtomic(paths[i]!, problemMps(p.problem, `nas-sim batch ${p.batches.join('/')}`)))
      return [file, ...paths]
    },
  }
}
