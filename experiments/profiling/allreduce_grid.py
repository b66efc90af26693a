"""Message sizes and group sizes for the all-reduce profiler. Pure Python, no torch.

Under tensor parallelism each attention and FFN block ends in one all-reduce of its
output activations: tokens x hidden values of the 16-bit residual stream, whatever the TP
degree (src/blocks/kernels.ts, allReduceMessagePrecision). The sweep is a geometric grid,
four sizes per octave from 4 KiB to 256 MiB: every model's message falls between two
neighbours, and each interior size can be held out and predicted from its neighbours
(src/cost-model/tensor-parallel/all-reduce-fit.ts).
"""

BF16_BYTES = 2
FP8_BYTES = 1

MIN_MESSAGE_BYTES = 4 * 1024
# The brief's upper end: a 16k-token prefill chunk at hidden 8192 in bf16 is 256 MiB.
MAX_MESSAGE_BYTES = 256 * 1024 * 1024
SIZES_PER_OCTAVE = 4
# Sizes are rounded to this many bytes: whole 16-byte vectors for every element size and rank count up to 8.
ALIGN_BYTES = 256
# Tensor-parallel degrees worth timing: the brief's TP = 2..8.
MAX_TP = 8


def message_bytes(tokens, hidden, element_bytes=BF16_BYTES):
    return tokens * hidden * element_bytes


def message_sizes(low=MIN_MESSAGE_BYTES, high=MAX_MESSAGE_BYTES, per_octave=SIZES_PER_OCTAVE):
    """Distinct sizes in bytes, ascending: low * 2**(i / per_octave) rounded to ALIGN_BYTES, up to high."""
    sizes = set()
    i = 0
    while True:
        size = round(low * 2 ** (i / per_octave) / ALIGN_BYTES) * ALIGN_BYTES
        if size > high:
            break
        sizes.add(size)
        i += 1
    return sorted(sizes)


def tp_degrees(world_size):
    """Group sizes to time on a machine of `world_size` GPUs: 2 up to min(world, 8)."""
    return list(range(2, min(world_size, MAX_TP) + 1))
