"""Which blocks to time split over a tensor-parallel group, and their per-GPU shapes. Pure Python, no torch.

The split follows nas-sim's (src/blocks/tensor-parallel.ts and the block models), which is Megatron's and
vLLM's: attention splits its query heads and its KV heads over the GPUs (a KV head is replicated when there
are fewer than GPUs), the FFN splits its intermediate width, a linear block splits its input rows; each ends
in one all-reduce of the full-width output. Mamba-2 blocks are left out: their TP split adds an all-reduce
inside the mixer (src/blocks/hybrid-heads.ts) that the one-GPU implementation here does not have.
"""

import block_grid

TP_KINDS = ("attention", "ffn", "linear")


def kv_heads_per_gpu(kv_heads, tp):
    return kv_heads // tp if kv_heads >= tp else 1


def split_problem(block, tp):
    """Why `block` cannot be split over `tp` GPUs, or None."""
    kind = block["type"]
    if kind not in TP_KINDS:
        return f"{kind} blocks are not timed split"
    if kind == "attention":
        if block["heads"] % tp:
            return f"heads: {block['heads']} (cannot be split evenly over tp = {tp})"
        kv = block["kvHeads"]
        if kv % tp and not (kv < tp and tp % kv == 0):
            return f"kvHeads: {kv} (cannot be split evenly over tp = {tp})"
        return None
    width = block["intermediate"] if kind == "ffn" else block["hidden"]
    field = "intermediate" if kind == "ffn" else "hidden"
    return f"{field}: {width} (cannot be split evenly over tp = {tp})" if width % tp else None


def shard(block, tp):
    """The per-GPU part of `block` as block_impls builds it: a block spec with the split widths, plus
    `inFeatures` for a linear block (its GEMM reads hidden / tp inputs and writes all hidden outputs)."""
    problem = split_problem(block, tp)
    if problem:
        raise ValueError(problem)
    kind = block["type"]
    if kind == "attention":
        return {**block, "heads": block["heads"] // tp, "kvHeads": kv_heads_per_gpu(block["kvHeads"], tp)}
    if kind == "ffn":
        return {**block, "intermediate": block["intermediate"] // tp}
    return {**block, "inFeatures": block["hidden"] // tp}


def tp_cases(cases, tp):
    """The cases that split over `tp` GPUs, in their order."""
    return [c for c in cases if split_problem(c["block"], tp) is None]


def default_cases(seed):
    """The blocks of published models (block_grid's famous cases): the shapes tensor parallelism serves."""
    return [c for c in block_grid.all_cases(seed) if c["origin"] == "famous" and c["block"]["type"] in TP_KINDS]


def message_tokens(shape):
    """Tokens in one all-reduce message: every token of the step, batch x new tokens per sequence."""
    return block_grid.tokens(shape)
