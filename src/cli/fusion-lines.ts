/** What `search` shows of a fused child (`--fuse-ffn`): its lines of text, and its runs on the architecture map. */
import type { ChildArchitecture, SearchResult } from '../search/pipeline/result.ts'
import type { ArchitectureMapInput } from '../../viz/types.ts'
import * as fmt from './format.ts'

export function fusionLines(child: ChildArchitecture): string[] {
  const f = child.fusion
  if (f === undefined) return []
  const now = child.scenarios[0]!.child.metrics.outputTokensPerSecondPerGpu
  const before = f.unfused.scenarios[0]!.child.metrics.outputTokensPerSecondPerGpu
  const objectiveGrowth = child.objective - f.unfused.objective
  return [
    `fused: ${f.runs.length} run${f.runs.length === 1 ? '' : 's'} (${f.runs.map((r) => `${r.id}: ${r.ffns} FFNs → ${fmt.count(r.intermediate)} wide`).join('; ')})`,
    `fusion re-evaluated: ${fmt.rate(now)} per GPU vs ${fmt.rate(before)} unfused (${(now / before).toFixed(3)}×), objective ${child.objective.toFixed(4)} vs ${f.unfused.objective.toFixed(4)} (+${objectiveGrowth.toFixed(4)}${f.runs.some((r) => r.fromPrior) ? ', fusion prior' : ''})`,
  ]
}

/** The architecture map's input for a search result: parent, child and alternatives, with each one's fused runs. */
export function searchMapInput(r: SearchResult): ArchitectureMapInput {
  const children = [r.child, ...r.alternatives]
  return {
    parent: r.parent.architecture,
    children: children.map((c) => c.architecture),
    ...(children.some((c) => c.fusion !== undefined) ? { fusedRuns: children.map((c) => c.fusion?.runs) } : {}),
  }
}
