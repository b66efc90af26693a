/**
 * Layer-by-layer comparison of two children of the same parent: where each
 * keeps attention, how wide each keeps its FFNs. Pure functions over
 * architectures.
 */
import type { Architecture, LayerChoice } from '../../src/blocks/architecture.ts'

/** An FFN's width as a share of the parent's (0 for a linear layer or a no-op). */
export function ffnFraction(child: LayerChoice, parent: LayerChoice): number {
  return child.ffn.type === 'ffn' && parent.ffn.type === 'ffn' ? child.ffn.intermediate / parent.ffn.intermediate : 0
}

/** Whether a layer keeps an attention mixer (any number of KV heads). */
export function keepsAttention(layer: LayerChoice): boolean {
  return layer.mixer.type === 'attention'
}

/** Two FFN widths agree when they differ by at most this share of the parent's width (about one step of Puzzle's menu). */
export const ffnAgreementTolerance = 0.15

export interface LayerComparison {
  readonly layers: number
  /** Layers keeping attention in each child. */
  readonly attentionA: number
  readonly attentionB: number
  /** Share of layers where both keep attention or both drop it. */
  readonly attentionAgreement: number
  /** The agreement two children with these attention counts would have with the dropped layers placed at random. */
  readonly attentionAgreementByChance: number
  /** Share of layers whose FFN widths agree within {@link ffnAgreementTolerance}. */
  readonly ffnAgreement: number
  /** Mean FFN width as a share of the parent's. */
  readonly meanFfnA: number
  readonly meanFfnB: number
  /** Layers without attention in each child, e.g. `6, 7, 11, 42–51`. */
  readonly droppedA: string
  readonly droppedB: string
}

/** `[6, 7, 8, 11]` → `6–8, 11`. */
export function layerRanges(layers: readonly number[]): string {
  const parts: string[] = []
  for (let i = 0; i < layers.length; ) {
    let j = i
    while (j + 1 < layers.length && layers[j + 1] === layers[j]! + 1) j++
    parts.push(i === j ? `${layers[i]}` : `${layers[i]}–${layers[j]}`)
    i = j + 1
  }
  return parts.length === 0 ? 'none' : parts.join(', ')
}

export function compareLayers(a: Architecture, b: Architecture, parent: Architecture): LayerComparison {
  const n = parent.layers.length
  if (a.layers.length !== n || b.layers.length !== n) throw new Error(`layer counts differ: ${a.layers.length}, ${b.layers.length}, parent ${n}`)
  let bothAttention = 0
  let ffnAgree = 0
  let sumA = 0
  let sumB = 0
  const droppedA: number[] = []
  const droppedB: number[] = []
  for (let l = 0; l < n; l++) {
    const [la, lb, lp] = [a.layers[l]!, b.layers[l]!, parent.layers[l]!]
    if (keepsAttention(la) === keepsAttention(lb)) bothAttention++
    if (!keepsAttention(la)) droppedA.push(l)
    if (!keepsAttention(lb)) droppedB.push(l)
    const [fa, fb] = [ffnFraction(la, lp), ffnFraction(lb, lp)]
    if (Math.abs(fa - fb) <= ffnAgreementTolerance) ffnAgree++
    sumA += fa
    sumB += fb
  }
  const pa = (n - droppedA.length) / n
  const pb = (n - droppedB.length) / n
  return {
    layers: n,
    attentionA: n - droppedA.length,
    attentionB: n - droppedB.length,
    attentionAgreement: bothAttention / n,
    attentionAgreementByChance: pa * pb + (1 - pa) * (1 - pb),
    ffnAgreement: ffnAgree / n,
    meanFfnA: sumA / n,
    meanFfnB: sumB / n,
    droppedA: layerRanges(droppedA),
    droppedB: layerRanges(droppedB),
  }
}
