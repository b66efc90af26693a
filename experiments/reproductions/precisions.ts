import type { PrecisionConfig } from '../../src/blocks/precision.ts'

/** Weights, activations and KV cache all in FP8 (Puzzle's and Nemotron-51B's TensorRT-LLM setup). */
export const fp8Everywhere: PrecisionConfig = { weights: 'fp8', activations: 'fp8', kv: 'fp8' }
/** Everything in BF16. */
export const bf16All: PrecisionConfig = { weights: 'bf16', activations: 'bf16', kv: 'bf16' }
/** Everything in FP16 (Hymba's PyTorch setup). */
export const fp16All: PrecisionConfig = { weights: 'fp16', activations: 'fp16', kv: 'fp16' }

/** `fp8`, `bf16`, or `w fp8 / a bf16 / kv fp8` when they differ. */
export function precisionLabel(p: PrecisionConfig): string {
  return p.weights === p.activations && p.activations === p.kv ? p.weights : `w ${p.weights} / a ${p.activations} / kv ${p.kv}`
}
