"""Time NCCL all-reduce of bf16 messages for tensor parallelism, one JSON line per (ranks, bytes).

Run under torchrun on one machine of N GPUs; every group size from 2 to min(N, 8) is timed
(the first k ranks), over the message sizes of allreduce_grid. Rank 0 writes the rows.

    torchrun --nproc-per-node 8 experiments/profiling/profile_allreduce.py --out allreduce.jsonl

NVLink SHARP (multicast) is left off unless the environment turns it on: on this workplace's
machines it must stay off (/work/.library/device/KINDS.md), and it changes the small-message curve.
"""

import argparse
import datetime
import os
import statistics
import sys

import allreduce_grid
import rows

os.environ.setdefault("NCCL_NVLS_ENABLE", "0")

import torch  # noqa: E402 (after the NCCL environment is settled)
import torch.distributed as dist  # noqa: E402

WARMUP = 5
ITERATIONS = 30


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="JSON-lines file rank 0 appends to")
    return p.parse_args(argv)


def time_allreduce(message, group):
    """Median time of one all-reduce, each timed with events; the slowest rank's median counts."""
    for _ in range(WARMUP):
        dist.all_reduce(message, group=group)
    times = []
    for _ in range(ITERATIONS):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        dist.all_reduce(message, group=group)
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) * 1000.0)
    median = torch.tensor([statistics.median(times)], device="cuda")
    dist.all_reduce(median, op=dist.ReduceOp.MAX, group=group)
    return float(median.item())


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
    sizes = allreduce_grid.message_sizes()
    out = open(args.out, "a") if rank == 0 else None
    for ranks in allreduce_grid.tp_degrees(world):
        # new_group must be called by every rank, members or not.
        group = dist.new_group(list(range(ranks)))
        if rank < ranks:
            for nbytes in sizes:
                # Random values, never zeros (METHOD.md). Each call multiplies them by about `ranks`:
                # after the 35 calls at most 8 ranks make, |x| stays near 5 * 8**35, inside bf16's 3.4e38.
                message = torch.randn(nbytes // allreduce_grid.BF16_BYTES, device="cuda", dtype=torch.bfloat16)
                us = time_allreduce(message, group)
                if out:
                    out.write(rows.to_line(rows.allreduce_row(ranks, nbytes, us, env)))
                    out.flush()
                    print(f"ranks {ranks} bytes {nbytes}: {us:.1f} us", flush=True)
        dist.barrier()
    if out:
        out.close()
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1:])
