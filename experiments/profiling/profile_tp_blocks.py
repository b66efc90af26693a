"""Time TP-split blocks on one machine of N GPUs: each rank runs its shard of the block (per-GPU heads,
FFN width or input rows, tp_grid.shard) and the block's all-reduce over the group inside the same CUDA
graph, as a tensor-parallel engine runs a layer. One JSON line per (case, dtype, tp): the one-GPU block
row plus `tp`, `allreduceUs` (the all-reduce alone at the block's message size, timed the same way),
`nccl` and `nvls` (format: experiments/data/README.md, "Tensor-parallel rows").

    torchrun --nproc-per-node 8 experiments/profiling/profile_tp_blocks.py --out h200-tp-blocks.jsonl --budget-s 500

Cases are the blocks of published models (block_grid's famous cases: Llama-3.x, Qwen-2.5, Nemotron-4 and
Puzzle's Llama-70B menu) at their prefill and decode shapes, for each TP degree from 2 to min(N, 8) that
splits them. NVLink SHARP (multicast) is forced off, as the device README requires.
"""

import argparse
import datetime
import json
import os
import sys
import time

# Forced, not defaulted: a caller's environment must not turn multicast on for this run.
os.environ["NCCL_NVLS_ENABLE"] = "0"

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402

import allreduce_grid  # noqa: E402
import block_impls  # noqa: E402
import graph_timer  # noqa: E402
import rows  # noqa: E402
import tp_grid  # noqa: E402
import tp_timer  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="JSON-lines file rank 0 appends to")
    p.add_argument("--failures", help="JSON-lines file rank 0 appends cases that could not be timed to")
    p.add_argument("--seed", type=int, default=2026, help="block_grid's seed (the famous cases do not depend on it)")
    p.add_argument("--dtypes", default="bf16,fp8", help="bf16 and/or fp8")
    p.add_argument("--tp", default="", help="comma-separated TP degrees (default: 2 up to min(N, 8))")
    p.add_argument("--budget-s", type=float, default=float("inf"), help="start no new case after this many seconds")
    return p.parse_args(argv)


def all_reduce_in(group):
    def reduce(y):
        dist.all_reduce(y, group=group)
        return y
    return reduce


def measure(case, tp, fp8, options, group):
    """(block Timing, all-reduce Timing, impl) of the rank's shard of `case`."""
    reduce = all_reduce_in(group)
    shard_case = {**case, "block": tp_grid.shard(case["block"], tp)}
    first = block_impls.build(shard_case, fp8, options, reduce=reduce)
    impl = f"{first.impl}; the rank's shard of tp {tp}, NCCL all-reduce inside the graph, NVLS off"
    copies = graph_timer.copies_for(first.footprint)
    built = [first] + [block_impls.build(shard_case, fp8, options, reduce=reduce) for _ in range(copies - 1)]
    block = tp_timer.time_runs([b.run for b in built], group)
    del built, first
    torch.cuda.empty_cache()
    # The block's own message: every token of the step at full width, in the 16-bit residual stream.
    tokens = tp_grid.message_tokens(case["shape"])
    hidden = case["block"]["hidden"]
    message_copies = graph_timer.copies_for(allreduce_grid.message_bytes(tokens, hidden))
    messages = [torch.randn(tokens, hidden, device="cuda").mul_(1e-3).to(torch.bfloat16) for _ in range(message_copies)]
    alone = tp_timer.time_runs([(lambda m=m: reduce(m)) for m in messages], group)
    return block, alone, impl


def main(argv):
    args = parse_args(argv)
    start = time.time()
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
    fp8_ok, options, notes = block_impls.probe_capabilities()
    dtypes = [d for d in args.dtypes.split(",") if d == "bf16" or (d == "fp8" and fp8_ok)]
    degrees = [int(t) for t in args.tp.split(",") if t] or allreduce_grid.tp_degrees(world)
    if rank == 0:
        print(json.dumps({**env, "world": world, "tp": degrees, "dtypes": dtypes, "notes": notes}), flush=True)
    out = open(args.out, "a") if rank == 0 else None
    failures = open(args.failures or os.devnull, "a") if rank == 0 else None
    cases = tp_grid.default_cases(args.seed)
    for tp in degrees:
        group = dist.new_group(list(range(tp)))
        for index, case in enumerate(tp_grid.tp_cases(cases, tp)):
            # Every rank must agree to go on, or the members would wait on one that stopped.
            stop = tp_timer.agree(1.0 if time.time() - start > args.budget_s else 0.0, None)
            if stop:
                if rank == 0:
                    print(f"budget reached at tp {tp}, case {index}", flush=True)
                break
            if rank < tp:
                for dtype in dtypes:
                    try:
                        block, alone, impl = measure(case, tp, dtype == "fp8", options, group)
                    except Exception as err:  # recorded and skipped; the same case fails the same way on every rank
                        if failures:
                            failures.write(json.dumps({"id": case["id"], "tp": tp, "dtype": dtype, "error": str(err)[:300]}) + "\n")
                        continue
                    finally:
                        torch.cuda.empty_cache()
                    if out:
                        stats = {"reps": block.reps, "copies": block.copies, "replays": block.replays, "iqrUs": round(block.iqr_us, 3)}
                        row = rows.tp_block_row(case, dtype, tp, block.median_us, alone.median_us, env, impl, stats, nvls=False)
                        out.write(rows.to_line(row))
                        out.flush()
                        print(f"[tp {tp} {index} {time.time() - start:.0f}s] {row['id']}: {block.median_us:.1f} us "
                              f"(all-reduce {alone.median_us:.1f} us)", flush=True)
            dist.barrier()
    for f in (out, failures):
        if f:
            f.close()
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1:])
