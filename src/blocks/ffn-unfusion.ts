/**
 * The inverse view of FFN Fusion, for models published already fused: where
 * a config such as Llama-Nemotron Ultra's holds fused FFNs (an attention-free
 * layer whose FFN is wider than any single FFN of its parent, after empty
 * layers; its config.json, layers 117–149), which slots each one spans, and an
 * unfused child that fuses back into it.
 */
import type { Architecture, LayerChoice } from './architecture.ts'
import type { FusedRun } from './ffn-fusion.ts'

const isEmpty = (l: LayerChoice) => l.mixer.type === 'noop' && l.ffn.type === 'noop'

/**
 * The fused layers of `arch` as runs: each attention-free layer whose FFN is
 * wider than `widestSingle` (the parent's FFN width: no pruned FFN exceeds
 * it), spanning back over the empty layers just before it.
 */
export function fusedLayerRuns(arch: Architecture, widestSingle: number): FusedRun[] {
  const runs: FusedRun[] = []
  arch.layers.forEach((l, last) => {
    if (l.mixer.type !== 'noop' || l.ffn.type !== 'ffn' || l.ffn.intermediate <= widestSingle) return
    let first = last
    while (first > 0 && isEmpty(arch.layers[first - 1]!)) first--
    if (first < last) runs.push({ first, last })
  })
  return runs
}

/**
 * An unfused child: each run's fused FFN spread over all its slots, in
 * multiples of `granule` (a loader's rounding unit), as evenly as possible.
 * The published per-layer widths before fusion are not in the config, so this
 * is one child that fuses back exactly, not the one that was trained.
 */
export function unfuseRuns(arch: Architecture, runs: readonly FusedRun[], granule: number): Architecture {
  const layers = [...arch.layers]
  for (const { first, last } of runs) {
    const fused = arch.layers[last]!.ffn
    if (fused.type !== 'ffn' || fused.intermediate % granule !== 0) throw new Error(`layer ${last}: not a fused FFN in multiples of ${granule}`)
    const slots = last - first + 1
    const units = fused.intermediate / granule
    for (let i = 0; i < slots; i++) {
      const share = Math.floor(units / slots) + (i < units % slots ? 1 : 0)
      layers[first + i] = { mixer: { type: 'noop', hidden: arch.hidden }, ffn: { ...fused, intermediate: share * granule } }
    }
  }
  return { ...arch, layers }
}
