"""Which cases the block profiler times: famous models' blocks plus seeded random shapes.

A case is one block (the `predict` query's block object) at one phase shape
(`{"phase": "prefill", "batch", "seqLen"}` or `{"phase": "decode", "batch",
"contextLen"}`). Pure Python, no torch: the unittest runs it without a GPU.
"""

import hashlib
import json
import math
import random

# Per-case limits, so that one case neither dominates the sweep's time nor the card's memory.
MAX_CASE_BYTES = 60e9  # the brief's "skip cases above ~60 GB"
# About 30 ms of bf16 work at the 789 TFLOP/s measured on this workplace's H200
# (shared/reference/README.md), so a case costs well under a second to time.
MAX_CASE_FLOPS = 2.5e13
BF16_BYTES = 2
FP32_BYTES = 4

DEFAULT_CHUNK = 256  # mamba_ssm's chunk_size default (src/blocks/spec.ts defaultMambaChunkSize)


def stable_id(obj):
    """Ten hex digits of the SHA-1 of the object's canonical JSON: same shape, same id, on any machine."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def case_id(block, shape):
    """Id of one (block, phase shape) pair, e.g. `attention-decode-1a2b3c4d5e`."""
    return f"{block['type']}-{shape['phase']}-{stable_id({'block': block, 'shape': shape})}"


def prefill(batch, seq_len):
    return {"phase": "prefill", "batch": batch, "seqLen": seq_len}


def decode(batch, context_len):
    return {"phase": "decode", "batch": batch, "contextLen": context_len}


def attention(hidden, heads, kv_heads, head_dim):
    return {"type": "attention", "hidden": hidden, "heads": heads, "kvHeads": kv_heads, "headDim": head_dim}


def linear(hidden):
    return {"type": "linear", "hidden": hidden}


def ffn(hidden, intermediate, activation):
    return {"type": "ffn", "hidden": hidden, "intermediate": intermediate, "activation": activation}


def mamba2(hidden, heads, head_dim, state_dim, groups, conv_kernel=4, chunk_size=DEFAULT_CHUNK):
    block = {"type": "mamba2", "hidden": hidden, "heads": heads, "headDim": head_dim,
             "stateDim": state_dim, "groups": groups, "convKernel": conv_kernel}
    if chunk_size != DEFAULT_CHUNK:
        block["chunkSize"] = chunk_size
    return block


def block_problems(block):
    """Why a block is invalid, as one-line messages naming the field; empty when valid."""
    problems = []
    for field, value in block.items():
        if field not in ("type", "activation") and (not isinstance(value, int) or value <= 0):
            problems.append(f"invalid {field}: {value!r} (must be a positive integer)")
    kind = block.get("type")
    if kind == "attention" and block["heads"] % block["kvHeads"] != 0:
        problems.append(f"invalid kvHeads: {block['kvHeads']} (must divide heads = {block['heads']})")
    if kind == "ffn" and block["activation"] not in ("swiglu", "relu2"):
        problems.append(f"invalid activation: {block['activation']!r} (must be swiglu or relu2)")
    if kind == "mamba2" and block["heads"] % block["groups"] != 0:
        problems.append(f"invalid groups: {block['groups']} (must divide heads = {block['heads']})")
    if kind not in ("attention", "linear", "ffn", "mamba2"):
        problems.append(f"invalid type: {kind!r}")
    return problems


def tokens(shape):
    """Tokens the case processes: batch x seqLen in prefill, batch in decode."""
    return shape["batch"] * (shape["seqLen"] if shape["phase"] == "prefill" else 1)


def _mamba_dims(block):
    d_inner = block["heads"] * block["headDim"]
    group_state = block["groups"] * block["stateDim"]
    # in_proj output: z and x (d_inner each), B and C (groups x stateDim each), dt (one per head);
    # layout from shared/reference/README.md (Nemotron-H section).
    return d_inner, group_state, 2 * d_inner + 2 * group_state + block["heads"]


def weight_count(block):
    """Parameters of the block's matrices (norm vectors and biases are negligible and left out)."""
    h = block["hidden"]
    kind = block["type"]
    if kind == "linear":
        return h * h
    if kind == "attention":
        q = block["heads"] * block["headDim"]
        kv = block["kvHeads"] * block["headDim"]
        return h * (q + 2 * kv) + q * h
    if kind == "ffn":
        up = 2 * block["intermediate"] if block["activation"] == "swiglu" else block["intermediate"]
        return h * up + block["intermediate"] * h
    d_inner, _, proj = _mamba_dims(block)
    return h * proj + d_inner * h


def case_flops(block, shape):
    """Matmul FLOPs of one call (a multiply-add counts 2); the elementwise work is ignored here."""
    t = tokens(shape)
    flops = 2 * t * weight_count(block)
    if block["type"] == "attention":
        q = block["heads"] * block["headDim"]
        if shape["phase"] == "prefill":
            # QK^T and PV over the causal half of a seqLen x seqLen score matrix.
            flops += 2 * shape["batch"] * shape["seqLen"] ** 2 * q
        else:
            flops += 4 * shape["batch"] * shape["contextLen"] * q
    if block["type"] == "mamba2" and shape["phase"] == "prefill":
        chunk = block.get("chunkSize", DEFAULT_CHUNK)
        # Chunked SSD: per token and head, a chunk-long diagonal block over (stateDim + headDim)
        # and the state in/out products (headDim x stateDim each way).
        flops += 2 * t * block["heads"] * (chunk * (block["stateDim"] + block["headDim"])
                                           + 2 * block["headDim"] * block["stateDim"])
    return flops


def case_bytes(block, shape):
    """A generous upper estimate of device memory one copy of the case needs (weights, inputs, caches, temporaries)."""
    h = block["hidden"]
    t = tokens(shape)
    total = weight_count(block) * BF16_BYTES
    kind = block["type"]
    if kind == "linear":
        widest = h
    elif kind == "attention":
        q = block["heads"] * block["headDim"]
        kv = block["kvHeads"] * block["headDim"]
        widest = q + 2 * kv + q
        if shape["phase"] == "decode":
            total += 2 * shape["batch"] * shape["contextLen"] * kv * BF16_BYTES
    elif kind == "ffn":
        widest = 3 * block["intermediate"]
    else:
        d_inner, group_state, proj = _mamba_dims(block)
        widest = proj + 2 * (d_inner + 2 * group_state)
        if shape["phase"] == "prefill":
            chunk = block.get("chunkSize", DEFAULT_CHUNK)
            padded = shape["batch"] * math.ceil(shape["seqLen"] / chunk) * chunk
            # Per head, a chunk x chunk matrix per chunk: up to five fp32 temporaries live at once
            # (segment sums, mask, decay, C.B, their product) plus the bf16 product.
            total += padded * block["heads"] * chunk * (5 * FP32_BYTES + BF16_BYTES)
            # One state per chunk per head, fp32.
            total += padded // chunk * block["heads"] * block["headDim"] * block["stateDim"] * FP32_BYTES * 3
        else:
            total += shape["batch"] * block["heads"] * block["headDim"] * block["stateDim"] * FP32_BYTES
    # Input, norm output, the widest intermediate, the residual output; x2 for the allocator's slack.
    total += 2 * t * (3 * h + widest) * BF16_BYTES
    return total


def fits(block, shape):
    return case_bytes(block, shape) <= MAX_CASE_BYTES and case_flops(block, shape) <= MAX_CASE_FLOPS


# ---- famous models (field values from shared/reference/models/*.json, the file named per entry) ----

FAMOUS_BLOCKS = {
    # llama3.1_8b.json
    "llama3.1-8b": [attention(4096, 32, 8, 128), ffn(4096, 14336, "swiglu"), linear(4096)],
    # llama3.1_70b.json (3.3-70B is the same shape)
    "llama3.1-70b": [attention(8192, 64, 8, 128), ffn(8192, 28672, "swiglu"), linear(8192)],
    # llama3.1_405b.json
    "llama3.1-405b": [attention(16384, 128, 8, 128), ffn(16384, 53248, "swiglu"), linear(16384)],
    # llama3.2_3b.json
    "llama3.2-3b": [attention(3072, 24, 8, 128), ffn(3072, 8192, "swiglu"), linear(3072)],
    # qwen2.5_7b.json
    "qwen2.5-7b": [attention(3584, 28, 4, 128), ffn(3584, 18944, "swiglu"), linear(3584)],
    # qwen2.5_72b.json (attention equals Llama-70B's)
    "qwen2.5-72b": [ffn(8192, 29568, "swiglu")],
    # nemotron_h_4b.json
    "nemotron-h-4b": [attention(3072, 32, 8, 128), ffn(3072, 12288, "relu2"), mamba2(3072, 112, 64, 128, 8)],
    # nemotron_h_8b.json (attention equals Llama-8B's)
    "nemotron-h-8b": [ffn(4096, 21504, "relu2"), mamba2(4096, 128, 64, 128, 8)],
    # nemotron_h_56b.json (attention equals Llama-70B's)
    "nemotron-h-56b": [ffn(8192, 32768, "relu2"), mamba2(8192, 256, 64, 256, 8)],
    # nemotron4_340b.json
    "nemotron4-340b": [attention(18432, 96, 8, 192), ffn(18432, 73728, "relu2"), linear(18432)],
}


def _deci_width(hidden, ffn_mult):
    """DeciLM FFN width: round_up(int(2 * ffn_mult * hidden / 3), 256) (shared/reference/README.md)."""
    raw = int(2 * ffn_mult * hidden / 3)
    return -(-raw // 256) * 256


def puzzle_70b_variants():
    """Puzzle's Llama-70B menu (shared/reference/README.md): GQA with 4/2/1 KV heads, and FFNs
    of 87/75/50/25/20/10% of the parent's 28672 width (the 100% and 8-KV-head parents are in FAMOUS_BLOCKS)."""
    attn = [attention(8192, 64, kv, 128) for kv in (4, 2, 1)]
    ffns = [ffn(8192, _deci_width(8192, 5.25 * pct / 100), "swiglu") for pct in (87, 75, 50, 25, 20, 10)]
    return attn + ffns


FAMOUS_PREFILL = [prefill(1, 512), prefill(4, 2048), prefill(1, 16384)]
FAMOUS_DECODE = [decode(1, 4096), decode(64, 4096), decode(256, 16384)]


def famous_cases():
    blocks = [b for group in FAMOUS_BLOCKS.values() for b in group] + puzzle_70b_variants()
    cases = []
    seen = set()
    for block in blocks:
        for shape in FAMOUS_PREFILL + FAMOUS_DECODE:
            cid = case_id(block, shape)
            if cid not in seen and fits(block, shape):
                seen.add(cid)
                cases.append({"id": cid, "block": block, "shape": shape, "origin": "famous"})
    return cases


# ---- random shapes ----

COMMON_HIDDENS = [512, 768, 1024, 1536, 2048, 2304, 2560, 2880, 3072, 3584, 4096, 5120, 6144, 7168, 8192,
                  12288, 16384]
HEAD_DIMS = [64, 80, 96, 128, 128, 128, 256]  # 128 weighted up: most current models use it


def log_uniform_int(rng, low, high):
    return int(round(math.exp(rng.uniform(math.log(low), math.log(high)))))


def _maybe_power_of_two(rng, value, low, high):
    """Half the draws snap to the nearest power of two, since serving configs favour them."""
    if rng.random() < 0.5:
        value = 2 ** round(math.log2(value))
    return min(max(value, low), high)


def random_hidden(rng):
    if rng.random() < 0.5:
        return rng.choice(COMMON_HIDDENS)
    return 64 * max(8, log_uniform_int(rng, 512 // 64, 16384 // 64))


def random_attention(rng):
    hidden = random_hidden(rng)
    head_dim = rng.choice(HEAD_DIMS)
    heads = max(1, round(hidden / head_dim * rng.choice([0.5, 1, 1, 1, 1, 1.5, 2])))
    divisors = [d for d in range(1, heads + 1) if heads % d == 0]
    # Mostly the GQA ratios models ship with (KV heads 1..16), sometimes plain multi-head attention.
    common = [d for d in divisors if d <= 16]
    kv_heads = heads if rng.random() < 0.1 else rng.choice(common)
    return attention(hidden, heads, kv_heads, head_dim)


def random_ffn(rng):
    hidden = random_hidden(rng)
    activation = "swiglu" if rng.random() < 0.7 else "relu2"
    style = rng.random()
    if style < 0.3:
        # Llama-style 8/3 x hidden, rounded up to 256.
        intermediate = -(-int(8 * hidden / 3) // 256) * 256
    elif style < 0.4:
        intermediate = 4 * hidden
    else:
        intermediate = 64 * max(2, round(hidden * rng.uniform(0.25, 6.0) / 64))
    return ffn(hidden, intermediate, activation)


def random_mamba(rng):
    hidden = rng.choice([1024, 1536, 2048, 2560, 3072, 4096, 5120, 6144, 8192])
    head_dim = rng.choice([64, 64, 64, 32, 128])
    heads = 2 * hidden // head_dim  # Mamba-2's expand = 2: d_inner = 2 x hidden
    groups = rng.choice([g for g in (1, 2, 4, 8) if heads % g == 0])
    state_dim = rng.choice([64, 128, 128, 256])
    return mamba2(hidden, heads, head_dim, state_dim, groups, 4, rng.choice([256, 256, 128]))


def random_prefill(rng):
    seq_len = _maybe_power_of_two(rng, log_uniform_int(rng, 16, 32768), 16, 32768)
    batch = _maybe_power_of_two(rng, log_uniform_int(rng, 1, 64), 1, 512)
    return prefill(batch, seq_len)


def random_decode(rng):
    batch = _maybe_power_of_two(rng, log_uniform_int(rng, 1, 512), 1, 512)
    context = _maybe_power_of_two(rng, log_uniform_int(rng, 128, 131072), 128, 131072)
    return decode(batch, context)


def _fitting_shape(rng, block, draw_shape, tries=50):
    """Draw a phase shape that fits the per-case limits; halve the batch, then the length, when none does."""
    for _ in range(tries):
        shape = draw_shape(rng)
        if fits(block, shape):
            return shape
    length_key = "seqLen" if shape["phase"] == "prefill" else "contextLen"
    floor = 16 if length_key == "seqLen" else 128
    while not fits(block, shape) and (shape["batch"] > 1 or shape[length_key] > floor):
        if shape["batch"] > 1:
            shape = {**shape, "batch": shape["batch"] // 2}
        else:
            shape = {**shape, length_key: max(floor, shape[length_key] // 2)}
    return shape if fits(block, shape) else None


# Random (block, phase) draws per family; with both dtypes this gives about 1350 rows
# for attention/linear/FFN together with the famous cases, and about 130 for Mamba-2.
RANDOM_COUNTS = {
    ("attention", "prefill"): 110, ("attention", "decode"): 110,
    ("ffn", "prefill"): 90, ("ffn", "decode"): 90,
    ("linear", "prefill"): 40, ("linear", "decode"): 40,
    ("mamba2", "prefill"): 25, ("mamba2", "decode"): 25,
}

_DRAW_BLOCK = {"attention": random_attention, "ffn": random_ffn,
               "linear": lambda rng: linear(random_hidden(rng)), "mamba2": random_mamba}
_DRAW_SHAPE = {"prefill": random_prefill, "decode": random_decode}


def random_cases(seed, counts=None):
    rng = random.Random(seed)
    cases = []
    for (kind, phase), count in sorted((counts or RANDOM_COUNTS).items()):
        made = 0
        while made < count:
            block = _DRAW_BLOCK[kind](rng)
            shape = _fitting_shape(rng, block, _DRAW_SHAPE[phase])
            if shape is None:
                continue
            cases.append({"id": case_id(block, shape), "block": block, "shape": shape, "origin": "random"})
            made += 1
    return cases


def all_cases(seed):
    """Famous cases first, then the random ones shuffled (seeded), so a sweep cut short
    still covers every family; duplicate ids are dropped."""
    random_part = random_cases(seed)
    random.Random(seed + 1).shuffle(random_part)
    out, seen = [], set()
    for case in famous_cases() + random_part:
        if case["id"] not in seen:
            seen.add(case["id"])
            out.append(case)
    return out


def pilot_cases(cases, count):
    """A spread of `count` cases: round-robin over (block type, phase, origin) so each family shows up."""
    buckets = {}
    for case in cases:
        buckets.setdefault((case["block"]["type"], case["shape"]["phase"], case["origin"]), []).append(case)
    picked = []
    queues = [list(v) for _, v in sorted(buckets.items())]
    while len(picked) < count and any(queues):
        for queue in queues:
            if queue and len(picked) < count:
                picked.append(queue.pop(0))
    return picked
