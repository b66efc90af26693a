/** Number formats a tensor can be stored in or computed at. */
export type Precision = 'bf16' | 'fp16' | 'fp8' | 'fp4'

export const precisions: readonly Precision[] = ['bf16', 'fp16', 'fp8', 'fp4']

/**
 * Bytes per element. fp4 is counted at half a byte; the per-block scale factors of
 * NVFP4/MXFP4 (one fp8 scale per 16 or 32 values, about 3-6% extra) are left out.
 */
export const bytesPerElement: Readonly<Record<Precision, number>> = {
  bf16: 2,
  fp16: 2,
  fp8: 1,
  fp4: 0.5,
}

/** How weights, activations and the KV cache (or recurrent state) are stored, each chosen separately. */
export interface PrecisionConfig {
  readonly weights: Precision
  readonly activations: Precision
  readonly kv: Precision
}

export const bf16Everywhere: PrecisionConfig = { weights: 'bf16', activations: 'bf16', kv: 'bf16' }

/** The format a kernel multiplies in: the wider of its two operands (an fp8 weight times a bf16 activation runs at the bf16 rate). */
export function mathPrecision(a: Precision, b: Precision): Precision {
  if (bytesPerElement[a] !== bytesPerElement[b]) return bytesPerElement[a] > bytesPerElement[b] ? a : b
  return a === 'fp16' || b === 'fp16' ? 'fp16' : a
}
