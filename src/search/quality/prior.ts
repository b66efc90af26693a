/**
 * nas-sim's built-in quality prior: a plausible replace-1-block KL divergence
 * (nats) for every block, so that the tool works without measured scores. It is
 * a prior, not a measurement, and every output that uses it says so.
 *
 * Assumptions, each a qualitative finding of the Puzzle paper (arXiv:2411.19146,
 * §5 and its figures of block scores and chosen architectures) turned into a
 * simple formula, with magnitudes chosen by us, not fitted to any number:
 * - The first layers and the last layer matter most; a layer's weight is
 *   1 + 2·e^(−l/2) + 1.5·e^(−(L−1−l)/2).
 * - Attention matters less in the second half of the network (Puzzle's children
 *   drop attention mostly there): attention losses scale by 1.25 − 0.75·(l/(L−1)).
 * - Fewer KV heads cost log₂ of the reduction; replacing attention by a linear
 *   layer costs more, and removing it more still; Mamba-2 in place of attention
 *   sits between fewer KV heads and a linear layer.
 * - A narrower FFN costs (1 − fraction)^1.5; a linear FFN or none costs more than
 *   the narrowest FFN.
 */
import type { LayerChoice } from '../../blocks/architecture.ts'
import type { FfnSlotSpec, MixerSpec } from '../../blocks/spec.ts'
import { hybridHeadsLoss } from './hymba-prior.ts'
import type { QualityModel } from './types.ts'

/** Loss scales of the prior, nats of KL per block at layer weight 1 (our choice, see above). */
export const priorScales = {
  kvHalving: 0.002,
  attentionMamba: 0.008,
  attentionLinear: 0.012,
  attentionNoop: 0.015,
  ffnShrink: 0.03,
  ffnLinear: 0.035,
  ffnNoop: 0.04,
} as const

export function layerWeight(layer: number, layerCount: number): number {
  return 1 + 2 * Math.exp(-layer / 2) + 1.5 * Math.exp(-(layerCount - 1 - layer) / 2)
}

export function attentionPosition(layer: number, layerCount: number): number {
  return 1.25 - 0.75 * (layerCount > 1 ? layer / (layerCount - 1) : 0)
}

function mixerLoss(parent: MixerSpec, child: MixerSpec): number {
  // Hymba's hybrid heads in place of attention or of other hybrid heads: see hymba-prior.ts.
  if (child.type === 'hybrid-heads' && (parent.type === 'attention' || parent.type === 'hybrid-heads')) return hybridHeadsLoss(parent, child, priorScales.kvHalving)
  if (parent.type !== 'attention') return child.type === parent.type ? 0 : child.type === 'linear' ? priorScales.attentionLinear : priorScales.attentionNoop
  switch (child.type) {
    case 'attention':
      return priorScales.kvHalving * Math.log2(parent.kvHeads / child.kvHeads)
    case 'mamba2':
      return priorScales.attentionMamba
    case 'linear':
      return priorScales.attentionLinear
    default:
      return priorScales.attentionNoop
  }
}

function ffnLoss(parent: FfnSlotSpec, child: FfnSlotSpec): number {
  if (parent.type !== 'ffn') return child.type === parent.type ? 0 : priorScales.ffnNoop
  switch (child.type) {
    case 'ffn':
      return priorScales.ffnShrink * Math.max(0, 1 - child.intermediate / parent.intermediate) ** 1.5
    case 'linear':
      return priorScales.ffnLinear
    default:
      return priorScales.ffnNoop
  }
}

/** The prior's KL for one variant of one layer. */
export function priorKl(layer: number, layerCount: number, parent: LayerChoice, mixer: MixerSpec, ffn: FfnSlotSpec): number {
  const w = layerWeight(layer, layerCount)
  return w * (attentionPosition(layer, layerCount) * mixerLoss(parent.mixer, mixer) + ffnLoss(parent.ffn, ffn))
}

export const priorQuality: QualityModel = {
  metrics: ['kl_div'],
  file: undefined,
  score: (layer, parent, mixer, ffn, layerCount) => ({ metrics: { kl_div: priorKl(layer, layerCount, parent, mixer.spec, ffn.spec) }, fromPrior: true }),
}
