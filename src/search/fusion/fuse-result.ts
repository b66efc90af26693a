/**
 * `--fuse-ffn` applied to a whole search result: the child and each diverse
 * alternative fused and re-evaluated (fuse-child.ts), with notes that say how
 * the fused figures were obtained and what they do not claim.
 */
import type { SearchResult } from '../pipeline/result.ts'
import { fuseChild, type FusionContext } from './fuse-child.ts'

/** The note every fused result carries: the method, in the user's terms. */
export const fusionMethodNote =
  'FFN Fusion (--fuse-ffn) by exact re-evaluation: the solver chose the child without fusion; every maximal run of attention-free FFN layers (cut to at most K FFNs with --fuse-ffn K) was then fused into one FFN and the fused child re-costed by the cost model at the same batch (child.fusion.unfused keeps the solver\'s child). The fused child is not proven optimal among fused children.'

export function fuseSearchResult(result: SearchResult, ctx: FusionContext): SearchResult {
  const child = fuseChild(result.child, ctx)
  const alternatives = result.alternatives.map((a) => fuseChild(a, ctx))
  const notes = [...result.notes]
  if (child.fusion === undefined) notes.push('--fuse-ffn: the child has no run of two or more attention-free FFN layers, so nothing was fused')
  else {
    notes.push(fusionMethodNote)
    const prior = child.fusion.runs.filter((r) => r.fromPrior).map((r) => r.id)
    if (prior.length > 0 && ctx.quality.file !== undefined)
      notes.push(`fused run${prior.length === 1 ? '' : 's'} ${prior.join(', ')} had no score row in ${ctx.quality.file} and use${prior.length === 1 ? 's' : ''} the built-in fusion prior (not measured)`)
    const tight = child.scenarios.filter((s) => !s.child.memory.fits)
    if (tight.length > 0) notes.push(`the fused child's wider FFN activations do not fit at batch ${tight.map((s) => s.child.batch).join(', ')}: run it at a smaller batch`)
  }
  const unused = ctx.quality.unusedFusedRows?.() ?? []
  if (unused.length > 0) notes.push(`score rows ${unused.join(', ')} match no fused run of the child and were ignored`)
  return { ...result, child, alternatives, speedup: child.scenarios[0]?.speedup, notes }
}
