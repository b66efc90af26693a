import type { FfnSlotSpec, MixerSpec } from './spec.ts'

/**
 * One layer: a mixer slot (attention, Mamba-2, linear or no-op) and an FFN slot.
 * Hybrid models whose layers hold a single sub-block (Nemotron-H's `M`, `*`, `-`)
 * put a no-op in the other slot.
 */
export interface LayerChoice {
  readonly mixer: MixerSpec
  readonly ffn: FfnSlotSpec
}

/** Token embedding and LM head. */
export interface EmbeddingSpec {
  readonly vocabSize: number
  readonly hidden: number
  /** True when the LM head reuses the embedding matrix. */
  readonly tied: boolean
}

/** A parent or child model: its width, embeddings and one block choice per layer. */
export interface Architecture {
  /** Display name, e.g. `Llama-3.3-70B`. */
  readonly name: string
  readonly hidden: number
  readonly embedding: EmbeddingSpec
  readonly layers: readonly LayerChoice[]
  /** Longest context the model was trained for, when known. */
  readonly maxContext?: number
  /** Where the shape comes from (a config file, a paper). */
  readonly source?: string
  /**
   * The settings of the config.json the shape was read from that do not
   * change the layers' work: rotary embedding (`rope_theta`, `rope_scaling`),
   * `rms_norm_eps`, tokenizer ids, `torch_dtype` and the like. A child keeps
   * its parent's, so that an exported child loads as its parent does.
   */
  readonly settings?: Readonly<Record<string, unknown>>
}
