"""The JSON lines the profilers write: a `predict` query plus what was measured and where.

Pure Python, no torch: the environment (GPU name, versions, date) is passed in.
"""

import json
import math
import re

# nas-sim's GPU keys for the names `torch.cuda.get_device_name` reports.
_GPU_KEYS = [
    (re.compile(r"H200"), "h200"),
    (re.compile(r"H100.*PCIe"), "h100-pcie"),
    (re.compile(r"H100"), "h100-sxm"),
    (re.compile(r"A100.*80GB"), "a100-sxm-80gb"),
    (re.compile(r"B200"), "b200"),
]


def gpu_key(device_name):
    """nas-sim's key for a CUDA device name, e.g. 'NVIDIA H200' -> 'h200'; unknown names become a slug."""
    for pattern, key in _GPU_KEYS:
        if pattern.search(device_name):
            return key
    return re.sub(r"[^a-z0-9]+", "-", device_name.lower()).strip("-")


def _positive_finite(value, field):
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"invalid {field}: {value!r} (must be a positive finite number)")
    return value


def block_row(case, dtype, measured_us, env, impl, stats):
    """One measurement of one case.

    case: {"id", "block", "shape"} from block_grid; dtype: "bf16" or "fp8";
    measured_us: median time of one block call in microseconds;
    env: {"gpuName", "torch", "date"}; impl: how the block was run, in words;
    stats: the timing's own record ({"reps", "copies", "replays", "iqrUs"}).
    """
    if dtype not in ("bf16", "fp8"):
        raise ValueError(f"invalid dtype: {dtype!r} (must be bf16 or fp8)")
    row = {
        "id": f"{case['id']}-{dtype}",
        "gpu": gpu_key(env["gpuName"]),
        "dtype": dtype,
        "block": case["block"],
        **case["shape"],
        "measuredUs": round(_positive_finite(measured_us, "measuredUs"), 3),
        "gpuName": env["gpuName"],
        "torch": env["torch"],
        "date": env["date"],
        "impl": impl,
    }
    row.update({key: stats[key] for key in ("reps", "copies", "replays", "iqrUs")})
    return row


ALLREDUCE_DTYPES = ("bf16", "fp8")
ALLREDUCE_MODES = ("eager", "graph")


def allreduce_row(ranks, nbytes, measured_us, env, dtype="bf16", mode="eager", nvls=False):
    """One NCCL all-reduce timing: `ranks` GPUs reducing a message of `nbytes` bytes of `dtype`.

    mode "eager": one launch per call, timed with events, as nccl-tests does;
    mode "graph": calls replayed from a CUDA graph, as engines run their decode steps.
    nvls: whether NVLink SHARP (multicast) was enabled (NCCL_NVLS_ENABLE).
    """
    if not isinstance(ranks, int) or ranks < 2:
        raise ValueError(f"invalid ranks: {ranks!r} (an all-reduce needs at least 2)")
    if not isinstance(nbytes, int) or nbytes <= 0:
        raise ValueError(f"invalid bytes: {nbytes!r} (must be a positive integer)")
    if dtype not in ALLREDUCE_DTYPES:
        raise ValueError(f"invalid dtype: {dtype!r} (must be bf16 or fp8)")
    if mode not in ALLREDUCE_MODES:
        raise ValueError(f"invalid mode: {mode!r} (must be eager or graph)")
    us = _positive_finite(measured_us, "measuredUs")
    return {
        "id": f"allreduce-{mode}-{dtype}-{ranks}-{nbytes}",
        "kind": "allreduce",
        "ranks": ranks,
        "bytes": nbytes,
        "dtype": dtype,
        "mode": mode,
        "measuredUs": round(us, 3),
        # nccl-tests' bus bandwidth: 2(n-1)/n x bytes / time, comparable across rank counts.
        "busGBs": round(2 * (ranks - 1) / ranks * nbytes / (us * 1e-6) / 1e9, 3),
        "gpu": gpu_key(env["gpuName"]),
        "gpuName": env["gpuName"],
        "torch": env["torch"],
        "nccl": env["nccl"],
        "date": env["date"],
        "nvls": bool(nvls),
    }


def tp_block_row(case, dtype, tp, measured_us, allreduce_us, env, impl, stats, nvls=False):
    """One TP-split block timing: the block `case` run as one of `tp` shards (per-GPU heads, FFN width or
    input rows), its all-reduce over `tp` GPUs inside the same CUDA graph; `measured_us` is the slowest
    rank's median; `allreduce_us` the all-reduce alone at the block's message size, timed the same way.
    The row is the one-GPU block row (a predict query of the whole, unsplit block) plus tp, allreduceUs,
    nccl and nvls."""
    if not isinstance(tp, int) or tp < 2:
        raise ValueError(f"invalid tp: {tp!r} (a TP-split block needs at least 2 GPUs)")
    row = block_row(case, dtype, measured_us, env, impl, stats)
    row["id"] = f"{row['id']}-tp{tp}"
    row["tp"] = tp
    row["allreduceUs"] = round(_positive_finite(allreduce_us, "allreduceUs"), 3)
    row["nccl"] = env["nccl"]
    row["nvls"] = bool(nvls)
    return row


def to_line(row):
    """One JSON line with a stable key order of insertion and no spaces, ending in a newline."""
    return json.dumps(row, separators=(",", ":")) + "\n"
