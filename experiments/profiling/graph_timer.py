"""Time a block call by replaying a CUDA graph of it, as /work/.library/device/METHOD.md asks.

Three things keep small blocks from being timed as overhead:
- Graph replay removes Python and launch gaps between the block's kernels.
- Before each timed replay a sleep kernel holds the GPU busy while the host submits the
  graph, so the start event is not stamped while the GPU waits for the host.
- A block whose graph would be short is captured `reps` times in one graph, and the replay
  time is divided by `reps`: the fixed cost of one replay (about 15 us measured with events
  around a one-kernel graph on this workplace's H200, shared/reference/README.md) is then
  spread over many calls.
The calls in one graph rotate over `copies` independent sets of weights and inputs, so that
a block whose data fits the 60 MB L2 is not timed with its weights already in cache, as
consecutive layers of a real model never find theirs.
"""

import math
import statistics
from dataclasses import dataclass

import torch

# At 1.98 GHz (the H200's boost clock seen in /work/.library/device/KINDS.md) about 100 us:
# longer than the host needs to submit one graph replay.
SLEEP_CYCLES = 200_000
TARGET_GRAPH_US = 1500.0  # short graphs are repeated up to this length, so a 15 us floor is <= 1%
MAX_REPS = 256
WINDOW_US = 150_000.0  # timed replays per case: about this much GPU time ...
MIN_REPLAYS, MAX_REPLAYS = 10, 200  # ... within these bounds
ROTATE_BYTES = 192e6  # copies together span several times the 60 MB L2 (H200, KINDS.md)
MAX_COPIES = 16


@dataclass
class Timing:
    median_us: float  # one block call
    iqr_us: float  # interquartile range of the per-call times over replays
    reps: int  # block calls per graph replay
    copies: int  # weight/input sets rotated over
    replays: int  # timed graph replays


def copies_for(footprint_bytes):
    """How many independent copies of a block's data to rotate over."""
    return max(1, min(MAX_COPIES, math.ceil(ROTATE_BYTES / max(footprint_bytes, 1))))


def _capture(runs, reps):
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for j in range(reps):
            runs[j % len(runs)]()
    return graph


def _timed_replays(graph, count):
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(count)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(count)]
    for start, end in zip(starts, ends):
        torch.cuda._sleep(SLEEP_CYCLES)
        start.record()
        graph.replay()
        end.record()
    torch.cuda.synchronize()
    return [s.elapsed_time(e) * 1000.0 for s, e in zip(starts, ends)]


def warm_up(runs):
    """Run every copy eagerly on a side stream (cuBLAS handles, autotuning, allocator), as
    PyTorch's graph-capture docs advise, and check the output is finite and not all zeros."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(2):
            for run in runs:
                out = run()
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()
    if not bool(torch.isfinite(out).all()) or not bool(out.abs().amax() > 0):
        raise RuntimeError("block output is not finite or all zeros")


def time_runs(runs):
    """Median time of one call of the block, given one zero-argument run per copy of its data."""
    warm_up(runs)
    copies = len(runs)
    probe = _capture(runs, copies)
    _timed_replays(probe, 2)
    per_call = statistics.median(_timed_replays(probe, 5)) / copies
    reps = copies * max(1, min(MAX_REPS // copies, math.ceil(TARGET_GRAPH_US / (per_call * copies))))
    graph = probe if reps == copies else _capture(runs, reps)
    if graph is not probe:
        del probe
        _timed_replays(graph, 2)
    replays = max(MIN_REPLAYS, min(MAX_REPLAYS, round(WINDOW_US / (per_call * reps))))
    per_call_times = sorted(t / reps for t in _timed_replays(graph, replays))
    q1, _, q3 = statistics.quantiles(per_call_times, n=4)
    del graph
    return Timing(statistics.median(per_call_times), q3 - q1, reps, copies, replays)


def graph_floor_us():
    """Event time of a graph holding one tiny kernel, with and without the sleep kernel before it:
    what a replay costs beyond the work in it."""
    x = torch.ones(1, device="cuda")
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        x.add_(1)
    with_sleep = statistics.median(_timed_replays(graph, 50))
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(50)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(50)]
    for start, end in zip(starts, ends):
        start.record()
        graph.replay()
        end.record()
    torch.cuda.synchronize()
    without = statistics.median(s.elapsed_time(e) * 1000.0 for s, e in zip(starts, ends))
    return {"withSleepUs": round(with_sleep, 3), "withoutSleepUs": round(without, 3)}
