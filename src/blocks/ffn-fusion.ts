/**
 * FFN Fusion (Bercovich et al., "FFN Fusion: Rethinking Sequential Computation
 * in Large Language Models", arXiv:2503.18908): once attention is removed from
 * a stretch of layers, the FFNs there follow one another directly, and fusing
 * them feeds all of them the stretch's input and sums their outputs. The sum
 * of SwiGLU FFNs on one input is one SwiGLU FFN whose gate, up and down
 * matrices are the parts' concatenated, so a fused run is one FFN block of the
 * summed width: one norm, one residual add, one all-reduce under tensor
 * parallelism, one sequential step. Its cost is that wider FFN block's cost;
 * nothing here is a new constant.
 *
 * A fused architecture is written as Llama-Nemotron Ultra's config writes it
 * (../shared/reference/models/llama3.1_nemotron_ultra_253b.config.json,
 * layers 117–125): the run keeps its layer slots, every slot but the last
 * becomes empty (no-op attention, no-op FFN) and the last holds the fused FFN.
 * Empty layers are identities, so they neither break a run nor join one.
 */
import type { Architecture, LayerChoice } from './architecture.ts'
import type { FfnSpec } from './spec.ts'

/** A run of layers whose FFNs fuse into one, placed in `last`; both ends inclusive, 0-based. */
export interface FusedRun {
  readonly first: number
  readonly last: number
}

/** A run as users write it in scores and flags: `fuse:117-125`. */
export function fusedRunId(run: FusedRun): string {
  return `fuse:${run.first}-${run.last}`
}

const isEmpty = (l: LayerChoice) => l.mixer.type === 'noop' && l.ffn.type === 'noop'
/** A layer that can take part in a run: attention (any mixer) removed, an FFN kept. */
const isBareFfn = (l: LayerChoice): l is LayerChoice & { readonly ffn: FfnSpec } => l.mixer.type === 'noop' && l.ffn.type === 'ffn'

/**
 * Every maximal run: the longest stretches of layers that hold only bare FFNs
 * and empty layers, trimmed to start and end on an FFN, with at least two FFNs
 * of one activation. A change of activation ends a run (a SwiGLU and a squared
 * ReLU FFN do not concatenate into one FFN).
 */
export function maximalRuns(arch: Architecture): FusedRun[] {
  const runs: FusedRun[] = []
  let first = -1
  let last = -1
  let ffns = 0
  let activation: FfnSpec['activation'] | undefined
  const close = () => {
    if (ffns >= 2) runs.push({ first, last })
    first = -1
    ffns = 0
    activation = undefined
  }
  arch.layers.forEach((layer, i) => {
    if (isEmpty(layer)) return
    if (!isBareFfn(layer) || (activation !== undefined && layer.ffn.activation !== activation)) close()
    if (!isBareFfn(layer)) return
    if (first < 0) first = i
    last = i
    ffns++
    activation = layer.ffn.activation
  })
  close()
  return runs
}

/** Why `runs` cannot be fused in `arch`, naming the first bad run, or undefined when they can. */
export function fusionError(arch: Architecture, runs: readonly FusedRun[]): string | undefined {
  const sorted = [...runs].sort((a, b) => a.first - b.first)
  for (const [i, run] of sorted.entries()) {
    const id = fusedRunId(run)
    if (!(Number.isInteger(run.first) && Number.isInteger(run.last) && run.first >= 0 && run.last < arch.layers.length))
      return `${id}: layers outside 0-${arch.layers.length - 1}`
    if (run.last <= run.first) return `${id}: a run needs at least two layers (first < last)`
    const previous = sorted[i - 1]
    if (previous !== undefined && previous.last >= run.first) return `${id}: overlaps ${fusedRunId(previous)}`
    const layers = arch.layers.slice(run.first, run.last + 1)
    const bad = layers.findIndex((l) => !isEmpty(l) && !isBareFfn(l))
    if (bad >= 0) return `${id}: layer ${run.first + bad} keeps attention or a linear block (only attention-free FFN layers fuse)`
    const ffns = layers.filter(isBareFfn)
    if (ffns.length < 2) return `${id}: holds ${ffns.length} FFN${ffns.length === 1 ? '' : 's'} (a run fuses at least two)`
    if (new Set(ffns.map((l) => l.ffn.activation)).size > 1) return `${id}: mixes FFN activations`
  }
  return undefined
}

/** The run's FFNs as one FFN of the summed width. */
export function fusedFfn(arch: Architecture, run: FusedRun): FfnSpec {
  const ffns = arch.layers.slice(run.first, run.last + 1).filter(isBareFfn)
  const head = ffns[0]!.ffn
  return { type: 'ffn', hidden: head.hidden, intermediate: ffns.reduce((s, l) => s + l.ffn.intermediate, 0), activation: head.activation }
}

/**
 * The architecture with each run fused, in Ultra's layout: the run's last slot
 * holds the fused FFN, the others are empty. Throws on runs `fusionError`
 * rejects; callers that take runs from users check them first.
 */
export function fuseRuns(arch: Architecture, runs: readonly FusedRun[]): Architecture {
  const problem = fusionError(arch, runs)
  if (problem !== undefined) throw new Error(`cannot fuse: ${problem}`)
  if (runs.length === 0) return arch
  const layers = [...arch.layers]
  for (const run of runs) {
    const fused = fusedFfn(arch, run)
    const hidden = fused.hidden
    for (let l = run.first; l < run.last; l++) layers[l] = { mixer: { type: 'noop', hidden }, ffn: { type: 'noop', hidden } }
    layers[run.last] = { mixer: { type: 'noop', hidden }, ffn: fused }
  }
  return { ...arch, layers }
}

/**
 * The maximal runs, each cut into the fewest runs of at most `maxFfns` FFNs,
 * as even as possible (earlier runs take the extra FFN; a lone FFN left over,
 * as with K = 2 and an odd count, stays unfused): Ultra fuses its
 * 33-layer attention-free stretch as four runs, not one (its config, layers
 * 117–149). Without `maxFfns`, the maximal runs.
 */
export function fusionRuns(arch: Architecture, maxFfns?: number): FusedRun[] {
  if (maxFfns !== undefined && !(Number.isInteger(maxFfns) && maxFfns >= 2)) throw new Error(`maxFfns: ${maxFfns} (expected an integer ≥ 2)`)
  return maximalRuns(arch).flatMap((run) => {
    const at = arch.layers.flatMap((l, i) => (i >= run.first && i <= run.last && l.ffn.type === 'ffn' ? [i] : []))
    const pieces = maxFfns === undefined ? 1 : Math.ceil(at.length / maxFfns)
    const out: FusedRun[] = []
    let start = 0
    for (let p = 0; p < pieces; p++) {
      const size = Math.floor(at.length / pieces) + (p < at.length % pieces ? 1 : 0)
      if (size >= 2) out.push({ first: at[start]!, last: at[start + size - 1]! })
      start += size
    }
    return out
  })
}

/** Every maximal run fused (cut to at most `maxFfns` FFNs each when given): the search move `--fuse-ffn`. */
export function fuseMaximalRuns(arch: Architecture, maxFfns?: number): { readonly architecture: Architecture; readonly runs: readonly FusedRun[] } {
  const runs = fusionRuns(arch, maxFfns)
  return { architecture: fuseRuns(arch, runs), runs }
}
