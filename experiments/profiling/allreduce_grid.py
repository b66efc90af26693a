"""Message sizes and group sizes for the all-reduce profiler. Pure Python, no torch.

Under tensor parallelism each attention and FFN block ends in one all-reduce of its
output activations: tokens x hidden bf16 values, whatever the TP degree.
"""

BF16_BYTES = 2

# Model widths the search space uses most (Llama-3.x 3B/8B/70B/405B, Qwen-2.5 7B,
# Nemotron-4 340B; shared/reference/models/) plus the round sizes in between.
COMMON_HIDDENS = (3072, 3584, 4096, 5120, 6144, 8192, 12288, 16384, 18432)
# Decode batches (1..512 tokens) and prefill chunks (up to 32k tokens).
TOKEN_COUNTS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
# A 32k-token prefill chunk at hidden 16384 is 1 GiB; larger messages only add bandwidth-bound points.
MAX_MESSAGE_BYTES = 1 << 30
# Tensor-parallel degrees worth timing: the brief's TP = 2..8.
MAX_TP = 8


def message_bytes(tokens, hidden):
    return tokens * hidden * BF16_BYTES


def message_sizes(hiddens=COMMON_HIDDENS, token_counts=TOKEN_COUNTS, max_bytes=MAX_MESSAGE_BYTES):
    """Distinct message sizes in bytes, ascending, of every (tokens, hidden) pair up to max_bytes."""
    sizes = {message_bytes(t, h) for t in token_counts for h in hiddens}
    return sorted(s for s in sizes if s <= max_bytes)


def tp_degrees(world_size):
    """Group sizes to time on a machine of `world_size` GPUs: 2 up to min(world, 8)."""
    return list(range(2, min(world_size, MAX_TP) + 1))
