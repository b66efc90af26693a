/**
 * The fields of a Hugging Face config.json that describe the shape of the
 * layers (or the file's own bookkeeping). Everything else in a config — the
 * rotary embedding (`rope_theta`, `rope_scaling`), `rms_norm_eps`, the
 * tokenizer ids, `torch_dtype`, `transformers_version` and the like — is a
 * setting the loaders read and that a child keeps unchanged from its parent.
 *
 * The list covers every family nas-sim imports (Llama, Qwen2, Nemotron,
 * Nemotron-H, DeciLM, Hymba) and every key the DeciLM exporter writes itself,
 * so that importing an exported child gives back the same settings.
 */
const architecturalKeys: ReadonlySet<string> = new Set([
  // Bookkeeping: nas-sim's own provenance and the model's name and class.
  '_source',
  '_name_or_path',
  'architectures',
  'model_type',
  'auto_map',
  // Shapes every family shares.
  'hidden_size',
  'num_hidden_layers',
  'num_attention_heads',
  'num_key_value_heads',
  'head_dim',
  'intermediate_size',
  'vocab_size',
  'tie_word_embeddings',
  'max_position_embeddings',
  'hidden_act',
  'mlp_hidden_act',
  'attention_bias',
  'mlp_bias',
  'use_bias',
  'qkv_bias',
  // DeciLM's per-layer blocks.
  'block_configs',
  // Qwen2's sliding window.
  'sliding_window',
  'use_sliding_window',
  'max_window_layers',
  // Nemotron-H's layer pattern and Mamba-2 shapes.
  'hybrid_override_pattern',
  'attention_head_dim',
  'mamba_head_dim',
  'mamba_num_heads',
  'mamba_proj_bias',
  'n_groups',
  'ssm_state_size',
  'conv_kernel',
  'expand',
  'chunk_size',
  // Hymba's hybrid heads.
  'attn_hidden_size',
  'conv_dim_per_layer',
  'global_attn_idx',
  'kq_head_dim',
  'kv_reuse_group',
  'kv_weight_reuse',
  'mamba_d_conv',
  'mamba_d_state',
  'mamba_dt_rank',
  'mamba_expand',
  'mamba_inner_layernorms',
  'memory_tokens_interspersed_every',
  'num_experts',
  'num_mamba',
  'num_memory_tokens',
  'v_head_dim',
])

/** The config's settings: every top-level field that is not {@link architecturalKeys architectural}, in the config's order. */
export function hfSettings(json: unknown): Readonly<Record<string, unknown>> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return {}
  return Object.fromEntries(Object.entries(json).filter(([key, value]) => !architecturalKeys.has(key) && value !== undefined))
}
