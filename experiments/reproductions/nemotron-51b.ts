/**
 * Llama-3.1-Nemotron-51B-Instruct, the child Puzzle found from Llama-3.1-70B,
 * as a DeciLM (nemotron-nas) config.
 *
 * Source of the per-layer blocks: a transcription of the model's Hugging Face
 * config.json (huggingface.co/nvidia/Llama-3_1-Nemotron-51B-Instruct) in
 * BudEcosystem/simulator, llm-memory-calculator/src/llm_memory_calculator/
 * genz/Models/Model_sets/nvidia.py (commit 1d22e29), found with the search
 * tool. It is a third party's copy, not the config.json itself; it is checked
 * in the tests against the published size (51.5 B parameters, the model card's
 * safetensors count): nas-sim's count of this block list is 51.501 B. Because it
 * is not the published file, it stays inside the experiments and is not a preset.
 *
 * Global fields follow Llama-3.1-70B (hidden 8192, 64 heads, vocab 128256,
 * untied; ../shared/reference/models/llama3.1_70b.json), which the model card
 * names as its parent.
 */

/** A layer's attention: GQA with `n_heads_in_group` query heads per KV head, a linear layer, or nothing. */
type Attention = 8 | 16 | 32 | 64 | 'linear' | 'noop'

/** [attention, ffn_mult] per layer, ten layers a line. */
const blocks: readonly (readonly [Attention, number])[] = [
  [8, 1.3125], [16, 2.625], [8, 5.25], [8, 5.25], [8, 5.25], [32, 2.625], [32, 2.625], [64, 2.625], [64, 2.625], [32, 2.625],
  [32, 2.625], ['linear', 2.625], [64, 2.625], [32, 2.625], [32, 2.625], ['linear', 1.3125], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25],
  [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25],
  [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], ['linear', 2.625], [8, 5.25], [8, 5.25], ['linear', 2.625], ['linear', 5.25],
  ['linear', 2.625], ['linear', 2.625], ['linear', 2.625], ['noop', 1.3125], ['linear', 1.3125], [8, 5.25], ['noop', 1.3125], ['linear', 1.3125], ['noop', 1.3125], [8, 5.25],
  ['linear', 1.3125], ['noop', 1.3125], ['linear', 1.3125], ['linear', 1.3125], ['noop', 1.3125], ['noop', 1.3125], ['linear', 1.3125], ['noop', 1.3125], ['noop', 1.3125], ['linear', 1.3125],
  ['linear', 1.3125], ['linear', 1.3125], ['linear', 1.3125], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25],
  [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25], [8, 5.25],
]

function attentionBlock(a: Attention) {
  if (a === 'linear') return { replace_with_linear: true }
  if (a === 'noop') return { no_op: true }
  return { n_heads_in_group: a }
}

/** The DeciLM config.json nas-sim imports for Nemotron-51B. */
export const nemotron51bConfig = {
  _source:
    'Llama-3_1-Nemotron-51B-Instruct config.json as transcribed in BudEcosystem/simulator llm-memory-calculator genz/Models/Model_sets/nvidia.py (commit 1d22e29); globals from Llama-3.1-70B',
  architectures: ['DeciLMForCausalLM'],
  model_type: 'nemotron-nas',
  hidden_size: 8192,
  num_hidden_layers: blocks.length,
  num_attention_heads: 64,
  vocab_size: 128256,
  tie_word_embeddings: false,
  max_position_embeddings: 131072,
  hidden_act: 'silu',
  block_configs: blocks.map(([attention, ffnMult]) => ({ attention: attentionBlock(attention), ffn: { ffn_mult: ffnMult } })),
}

/** Nemotron-51B's published size: 51.5 B parameters (model card, huggingface.co/nvidia/Llama-3_1-Nemotron-51B-Instruct). */
export const nemotron51bPublishedParams = 51.5e9
