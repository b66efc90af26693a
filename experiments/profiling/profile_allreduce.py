"""Time NCCL all-reduce for tensor parallelism, one JSON line per (ranks, dtype, mode, bytes).

Run under torchrun on one machine of N GPUs, one process per GPU; every group size from 2 to
min(N, 8) is timed (the first k ranks), over allreduce_grid's sizes (4 KiB to 256 MiB, four per
octave), in bf16 and fp8 messages, in two modes:
- eager: `iterations` back-to-back calls between two events, divided by their number, as
  nccl-tests reports its "time" (what the 25-45 us plain-NCCL floor of shared/reference refers to);
- graph: the same calls captured in a CUDA graph and replayed after a sleep kernel, as engines run
  their decode steps (the 6-10 us in-graph floor).
The slowest rank's median counts. Rank 0 appends the rows (format: experiments/data/README.md,
"Tensor-parallel rows") and writes one line per dtype or size that failed to --failures.

    torchrun --nproc-per-node 8 experiments/profiling/profile_allreduce.py --out allreduce.jsonl

NVLink SHARP (multicast) is forced off: on this workplace's machines it must stay off
(/work/.library/device/KINDS.md), and it changes the curve (NVIDIA/nccl#1455). Rows record it.
"""

import argparse
import datetime
import json
import os
import statistics
import sys

import allreduce_grid
import rows

# Forced, not defaulted: a caller's environment must not turn multicast on for this run.
os.environ["NCCL_NVLS_ENABLE"] = "0"

import torch  # noqa: E402 (after the NCCL environment is settled)
import torch.distributed as dist  # noqa: E402

WARMUP = 5
ITERATIONS = 20  # calls per timed window (nccl-tests' default -n 20)
REPEATS = 10  # timed windows; the median window counts
SLEEP_CYCLES = 200_000  # about 100 us at 1.98 GHz: the host submits the graph while the GPU sleeps (graph_timer.py)
DTYPES = {"bf16": torch.bfloat16, "fp8": torch.float8_e4m3fn}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="JSON-lines file rank 0 appends to")
    p.add_argument("--failures", help="JSON-lines file rank 0 appends failed (ranks, dtype) groups to")
    p.add_argument("--dtypes", default="bf16,fp8", help="bf16 and/or fp8 (default both)")
    p.add_argument("--modes", default="graph,eager", help="graph and/or eager (default both)")
    p.add_argument("--max-bytes", type=int, default=allreduce_grid.MAX_MESSAGE_BYTES, help="largest message")
    return p.parse_args(argv)


def slowest(value, group):
    """The largest of `value` over the group's ranks: a collective finishes when its slowest rank does."""
    t = torch.tensor([value], device="cuda", dtype=torch.float64)
    dist.all_reduce(t, op=dist.ReduceOp.MAX, group=group)
    return float(t.item())


def time_eager(message, group):
    """Median over REPEATS windows of ITERATIONS back-to-back calls, per call, in microseconds."""
    for _ in range(WARMUP):
        dist.all_reduce(message, group=group)
    torch.cuda.synchronize()
    windows = []
    for _ in range(REPEATS):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(ITERATIONS):
            dist.all_reduce(message, group=group)
        end.record()
        end.synchronize()
        windows.append(start.elapsed_time(end) * 1000.0 / ITERATIONS)
    return slowest(statistics.median(windows), group)


def time_graph(message, group):
    """ITERATIONS calls captured in one CUDA graph; median over REPEATS replays, per call, in microseconds.
    Warm-up runs on a side stream first, as PyTorch's graph-capture docs ask for NCCL collectives."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(WARMUP):
            dist.all_reduce(message, group=group)
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for _ in range(ITERATIONS):
            dist.all_reduce(message, group=group)
    graph.replay()
    torch.cuda.synchronize()
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(REPEATS)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(REPEATS)]
    for start, end in zip(starts, ends):
        torch.cuda._sleep(SLEEP_CYCLES)
        start.record()
        graph.replay()
        end.record()
    torch.cuda.synchronize()
    del graph
    return slowest(statistics.median(s.elapsed_time(e) * 1000.0 / ITERATIONS for s, e in zip(starts, ends)), group)


def random_message(nbytes, dtype):
    """Random values, never zeros (METHOD.md). Each call multiplies them by about the rank count, so after
    some hundred calls an fp8 message saturates; the time of NCCL's sum does not depend on the values."""
    element = 2 if dtype == "bf16" else 1
    return (torch.randn(nbytes // element, device="cuda") * 1e-3).to(DTYPES[dtype])


def supported(dtype, group):
    """Whether this PyTorch and NCCL reduce `dtype` at all (fp8 reductions need NCCL 2.24+ and a PyTorch
    that maps float8 to it); every rank of the group gets the same answer, so none waits on the others."""
    try:
        dist.all_reduce(random_message(4096, dtype), group=group)
        torch.cuda.synchronize()
        return True, ""
    except (RuntimeError, TypeError, ValueError) as err:
        return False, str(err).splitlines()[0][:300]


def main(argv):
    args = parse_args(argv)
    local_rank = int(os.environ["LOCAL_RANK"])
    torch.cuda.set_device(local_rank)
    dist.init_process_group("nccl", device_id=torch.device("cuda", local_rank))
    rank, world = dist.get_rank(), dist.get_world_size()
    env = {
        "gpuName": torch.cuda.get_device_name(),
        "torch": torch.__version__,
        "nccl": ".".join(str(v) for v in torch.cuda.nccl.version()),
        "date": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
    }
    sizes = [s for s in allreduce_grid.message_sizes() if s <= args.max_bytes]
    modes = [m for m in args.modes.split(",") if m in ("graph", "eager")]
    timers = {"graph": time_graph, "eager": time_eager}
    out = open(args.out, "a") if rank == 0 else None
    failures = open(args.failures or os.devnull, "a") if rank == 0 else None
    for ranks in allreduce_grid.tp_degrees(world):
        # new_group must be called by every rank, members or not.
        group = dist.new_group(list(range(ranks)))
        if rank < ranks:
            for dtype in args.dtypes.split(","):
                ok, reason = supported(dtype, group)
                if not ok:
                    if failures:
                        failures.write(json.dumps({"ranks": ranks, "dtype": dtype, "error": reason}) + "\n")
                        print(f"ranks {ranks} {dtype}: not supported ({reason})", flush=True)
                    continue
                for nbytes in sizes:
                    message = random_message(nbytes, dtype)
                    for mode in modes:
                        us = timers[mode](message, group)
                        if out:
                            out.write(rows.to_line(rows.allreduce_row(ranks, nbytes, us, env, dtype, mode, nvls=False)))
                            out.flush()
                            print(f"ranks {ranks} {dtype} {mode} bytes {nbytes}: {us:.1f} us", flush=True)
                    del message
                    torch.cuda.empty_cache()
        dist.barrier()
    for f in (out, failures):
        if f:
            f.close()
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1:])
