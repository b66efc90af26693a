/**
 * The prior's guesses for Hymba's moves (a replace-1-block KL, nats, at layer
 * weight 1, like the rest of prior.ts; magnitudes are our choice, not fitted):
 * - Turning attention into hybrid heads with the same heads costs a little
 *   (`hybridConversion`): the new Mamba branch must be trained, though Hymba
 *   reports hybrid heads matching or beating attention alone after training.
 * - Fewer attention heads or KV heads cost log₂ of the reduction × 0.002, as
 *   fewer KV heads do in the Puzzle space; a narrower Mamba branch than a hybrid
 *   parent's the same per halving.
 * - A sliding window costs `hybridWindow` × log₂(8192 / window): the Mamba
 *   heads keep a summary of what falls outside the window (Hymba's argument for
 *   windows in most layers), so it is half the KV-halving scale per halving of
 *   the reach. 8192 is Hymba-1.5B's trained length (`max_position_embeddings`
 *   in ../shared/reference/models/hymba_1.5b_base.json).
 * - Reusing the previous layer's KV cache costs `kvSharing`, half a KV halving:
 *   it halves the pair's cache, and Hymba reports no loss from it.
 * - Meta tokens are a whole-model credit: 128 of them (Hymba-1.5B's count) earn
 *   `metaTokens` over the whole model, fewer in proportion, none past 128;
 *   Hymba's ablation reports that meta tokens improve accuracy.
 * Each is relative to the parent: a child never scores better than its parent
 * on a per-layer axis, and a parent's own window, sharing or meta tokens cost
 * nothing.
 */
import type { HybridHeadsSpec, MixerSpec } from '../../blocks/spec.ts'

export const hymbaPriorScales = {
  hybridConversion: 0.001,
  headHalving: 0.002,
  hybridWindow: 0.001,
  kvSharing: 0.001,
  metaTokens: 0.01,
} as const

/** The length a window is measured against (see above). */
const referenceContext = 8192
/** Meta tokens past this many earn nothing more (Hymba-1.5B's 128). */
const metaSaturation = 128

function halvings(from: number, to: number): number {
  return Math.max(0, Math.log2(from / to))
}

function windowCost(window: number | undefined): number {
  return window === undefined ? 0 : hymbaPriorScales.hybridWindow * halvings(referenceContext, window)
}

/** The prior's loss of a hybrid-head mixer in place of the parent's attention or hybrid-head mixer. */
export function hybridHeadsLoss(parent: MixerSpec, child: HybridHeadsSpec, kvHalving: number): number {
  if (parent.type !== 'attention' && parent.type !== 'hybrid-heads') return Number.NaN
  const conversion = parent.type === 'attention' ? hymbaPriorScales.hybridConversion : 0
  const narrower = parent.type === 'hybrid-heads' ? hymbaPriorScales.headHalving * halvings(parent.ssmInner, child.ssmInner) : 0
  const window = Math.max(0, windowCost(child.window) - windowCost(parent.window))
  const sharing = child.sharesKv === true && parent.sharesKv !== true ? hymbaPriorScales.kvSharing : 0
  return conversion + kvHalving * halvings(parent.kvHeads, child.kvHeads) + hymbaPriorScales.headHalving * halvings(parent.heads, child.heads) + narrower + window + sharing
}

/** The whole model's prior loss for `meta` meta tokens where the parent has `parentMeta` (negative: a credit). */
export function metaTokenLoss(parentMeta: number, meta: number): number {
  const credit = (m: number) => (hymbaPriorScales.metaTokens * Math.min(m, metaSaturation)) / metaSaturation
  return credit(parentMeta) - credit(meta)
}
