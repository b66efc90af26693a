/**
 * DeciLM (nemotron-nas) stores each FFN's width as `ffn_mult`, a multiple of
 * the model width, and every loader (HF modeling_decilm, vLLM, TensorRT-LLM)
 * turns it into an intermediate size as
 * `round_up_to_multiple(int(2 * ffn_mult * hidden / 3), 256)`
 * (reference notes, "DeciLM block_configs"; 5.25 → 28672 at hidden 8192).
 */

/** The loaders' rounding granule for FFN widths. */
export const deciLmFfnGranule = 256

/** HF's DeciLM FFNConfig rounds `ffn_mult` to this many decimals on load, so exported values keep within it. */
const ffnMultDecimals = 6
const decimalScale = 10 ** ffnMultDecimals

/** The intermediate size the loaders build for `ffnMult`, evaluated in the same floating-point order as their Python. */
export function deciLmIntermediate(ffnMult: number, hidden: number): number {
  const raw = Math.trunc((2 * ffnMult * hidden) / 3)
  return Math.ceil(raw / deciLmFfnGranule) * deciLmFfnGranule
}

/**
 * An `ffn_mult` with at most six decimals that the loaders turn back into
 * exactly `intermediate`, or undefined when none exists (every width the
 * formula yields is a multiple of 256). The plain ratio 3·I / (2·hidden) is
 * tried first so that familiar values (5.25, 2.625) come out; the others cover
 * ratios whose rounding to six decimals overshoots.
 */
export function deciLmFfnMult(intermediate: number, hidden: number): number | undefined {
  if (intermediate % deciLmFfnGranule !== 0) return undefined
  const perUnit = 3 / (2 * hidden)
  const candidates = [
    Math.round(intermediate * perUnit * decimalScale) / decimalScale,
    Math.floor(intermediate * perUnit * decimalScale) / decimalScale,
    Math.round((intermediate - deciLmFfnGranule / 2) * perUnit * decimalScale) / decimalScale,
  ]
  return candidates.find((ffnMult) => ffnMult > 0 && deciLmIntermediate(ffnMult, hidden) === intermediate)
}
