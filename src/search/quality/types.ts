import type { MixerOption, FfnOption } from '../space/types.ts'
import type { Architecture, LayerChoice } from '../../blocks/architecture.ts'
import type { FusedRun } from '../../blocks/ffn-fusion.ts'
import type { WidthQuality } from './minitron-quality.ts'

/** Replace-1-block quality losses of one block, by metric name (lower is better), e.g. `{ kl_div: 0.012 }`. */
export type Metrics = Readonly<Record<string, number>>

/** Metrics summed by name (a width or whole-model setting's loss added to a child's). */
export function addMetrics(a: Metrics, b: Metrics): Record<string, number> {
  const total: Record<string, number> = { ...a }
  for (const [k, v] of Object.entries(b)) total[k] = (total[k] ?? 0) + v
  return total
}

/** Where a result's quality numbers came from; every output carries it. */
export interface QualitySourceInfo {
  /** `prior`: nas-sim's built-in prior only; `measured`: user scores only; `mixed`: measured where given, prior elsewhere. */
  readonly kind: 'prior' | 'measured' | 'mixed'
  readonly description: string
}

/** One (layer, variant)'s scores, and whether the built-in prior supplied them. */
export interface ScoredBlock {
  readonly metrics: Metrics
  readonly fromPrior: boolean
}

/**
 * Scores every (layer, variant) of a space, Puzzle-style: a variant's loss is
 * what replacing that one block of the parent costs; an architecture's loss is
 * the sum over its layers.
 */
export interface QualityModel {
  /** The metrics every score has. */
  readonly metrics: readonly string[]
  /** Where measured scores come from (a file name); undefined for the prior alone. */
  readonly file: string | undefined
  readonly score: (layer: number, parentLayer: LayerChoice, mixer: MixerOption, ffn: FfnOption, layerCount: number) => ScoredBlock
  /**
   * After scoring a space: the measured rows no layer or option of it used (a layer the parent lacks, a variant
   * the space does not offer), as `layer N variant V`, so that a search can say what it ignored.
   */
  readonly unusedRows?: () => readonly string[]
  /**
   * The loss of fusing `run` of the unfused child `child` (FFN Fusion, `--fuse-ffn`), added to the child's layer
   * scores: a `fuse:FIRST-LAST` row where one matches, else the prior (fusion-prior.ts). Absent: the prior.
   */
  readonly fusedRun?: (run: FusedRun, child: Architecture) => ScoredBlock
  /** The `fuse:` rows no fused run used, as `fuse:FIRST-LAST`. */
  readonly unusedFusedRows?: () => readonly string[]
  /** In the Minitron space: the per-axis losses (model-wide widths, dropped layers) the depth scores come from. */
  readonly minitron?: WidthQuality
}

/** Describes the scores a search used: all measured, all prior, or a mix (with counts). */
export function qualitySourceOf(model: QualityModel, scored: readonly ScoredBlock[]): QualitySourceInfo {
  const fromPrior = scored.filter((s) => s.fromPrior).length
  if (model.file === undefined || fromPrior === scored.length)
    return { kind: 'prior', description: 'built-in prior (not measured): replace-1-block KL guessed from layer position and block size; see README "Quality prior"' }
  if (fromPrior === 0) return { kind: 'measured', description: `replace-1-block scores from ${model.file}` }
  return { kind: 'mixed', description: `scores from ${model.file}; ${fromPrior} of ${scored.length} blocks had no kl_div score and use the built-in prior (not measured)` }
}
