/**
 * The built-in prior's loss for a fused FFN run, used where no `fuse:FIRST-LAST`
 * row scores it. Like the rest of the prior (prior.ts) it is a guess, not a
 * measurement, and outputs that use it say so.
 *
 * What it assumes: fusing keeps every weight; what changes is that the j-th
 * FFN of a run (j = 0 for the first) reads the run's input, which lacks the
 * updates of the j FFNs before it. The FFN Fusion paper (arXiv:2503.18908,
 * §3–4) finds that change small where attention was removed, and larger the
 * more FFNs a run joins, so the prior charges the j-th FFN j × a fixed loss
 * at its layer's weight (prior.ts `layerWeight`): a run of k FFNs costs about
 * k(k−1)/2 units, so long runs cost much more than short ones and cutting
 * them (`--fuse-ffn K`) pays. The unit is our choice, not fitted: a tenth of
 * removing an FFN (`priorScales.ffnNoop`), because fusion keeps the FFN's
 * weights where removal drops them.
 */
import type { Architecture } from '../../blocks/architecture.ts'
import type { FusedRun } from '../../blocks/ffn-fusion.ts'
import { layerWeight } from './prior.ts'

/** KL (nats) per missed FFN update at layer weight 1 (our choice, see above): a tenth of `priorScales.ffnNoop` (0.04). */
export const fusionPriorScale = 0.004

/** The prior's KL for fusing `run` of the (unfused) child `arch`. */
export function priorFusionKl(arch: Architecture, run: FusedRun): number {
  const n = arch.layers.length
  let kl = 0
  let before = 0
  for (let l = run.first; l <= run.last; l++) {
    if (arch.layers[l]!.ffn.type !== 'ffn') continue
    kl += fusionPriorScale * before * layerWeight(l, n)
    before++
  }
  return kl
}
