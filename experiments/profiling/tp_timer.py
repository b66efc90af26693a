"""graph_timer's method for blocks whose calls include a collective: every rank of the group must capture
and replay the same number of calls, or the collectives inside wait forever. So each decision that
graph_timer takes from a rank's own probe (calls per graph, timed replays) is taken here from the
slowest rank's probe, agreed with one all-reduce, and the reported time is the slowest rank's median.
"""

import math
import statistics

import torch
import torch.distributed as dist

import graph_timer


def agree(value, group):
    """The largest of `value` over the group: the same number on every rank."""
    t = torch.tensor([float(value)], device="cuda", dtype=torch.float64)
    dist.all_reduce(t, op=dist.ReduceOp.MAX, group=group)
    return float(t.item())


def time_runs(runs, group):
    """Median time of one call on the slowest rank, given one zero-argument run per copy of the data.
    `runs` must have the same length on every rank (the same case, the same footprint)."""
    graph_timer.warm_up(runs)
    copies = len(runs)
    probe = graph_timer._capture(runs, copies)
    graph_timer._timed_replays(probe, 2)
    per_call = agree(statistics.median(graph_timer._timed_replays(probe, 5)) / copies, group)
    reps = copies * max(1, min(graph_timer.MAX_REPS // copies, math.ceil(graph_timer.TARGET_GRAPH_US / (per_call * copies))))
    graph = probe if reps == copies else graph_timer._capture(runs, reps)
    if graph is not probe:
        del probe
        graph_timer._timed_replays(graph, 2)
    replays = max(graph_timer.MIN_REPLAYS, min(graph_timer.MAX_REPLAYS, round(graph_timer.WINDOW_US / (per_call * reps))))
    per_call_times = sorted(t / reps for t in graph_timer._timed_replays(graph, replays))
    q1, _, q3 = statistics.quantiles(per_call_times, n=4)
    del graph
    median = agree(statistics.median(per_call_times), group)
    return graph_timer.Timing(median, q3 - q1, reps, copies, replays)
