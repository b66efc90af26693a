"""Time nas-sim's blocks on the local NVIDIA GPU and write one JSON line per measurement.

Each line is a `nas-sim predict` query (gpu, dtype, block, phase shape) plus `measuredUs`
and where it was measured. Cases come from block_grid (famous models, then seeded random
shapes); every case is timed in bf16 and, where the GPU and PyTorch offer an fp8 scaled
matmul, with fp8 GEMMs. Rows are appended and flushed one by one, so a sweep cut short
keeps what it measured, and `--resume` skips cases already in a file.

    python3 experiments/profiling/profile_blocks.py --out h200-blocks.jsonl --budget-s 540
"""

import argparse
import datetime
import json
import os
import sys
import time

import torch

import block_grid
import block_impls
import graph_timer
import rows


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="JSON-lines file to append measurements to")
    p.add_argument("--seed", type=int, default=2026, help="seed of the random shapes (default 2026)")
    p.add_argument("--budget-s", type=float, default=float("inf"),
                   help="start no new case after this many seconds (default: no limit)")
    p.add_argument("--limit", type=int, default=0, help="time only a spread of this many cases (a pilot)")
    p.add_argument("--resume", action="append", default=[],
                   help="skip cases whose rows are already in this JSON-lines file (repeatable)")
    p.add_argument("--kinds", default="attention,linear,ffn,mamba2", help="block types to time")
    p.add_argument("--dtypes", default="bf16,fp8", help="bf16 and/or fp8")
    p.add_argument("--phases", default="prefill,decode", help="prefill and/or decode")
    p.add_argument("--scan", default="einsum", choices=["einsum", "triton"],
                   help="Mamba-2 scan: PyTorch (einsum ssd_chunked prefill, eager decode update) or Triton "
                        "(ssd_triton.py prefill, ssm_decode_triton.py decode)")
    p.add_argument("--meta", help="write the run's environment, capabilities and timing floor here (JSON)")
    p.add_argument("--failures", help="append cases that could not be timed here (JSON lines)")
    p.add_argument("--selfcheck", action="store_true",
                   help="first compare the chunked SSD scan against a sequential one on the GPU")
    return p.parse_args(argv)


def done_ids(paths):
    ids = set()
    for path in paths:
        if os.path.exists(path):
            with open(path) as f:
                ids.update(json.loads(line)["id"] for line in f if line.strip())
    return ids


def environment():
    return {
        "gpuName": torch.cuda.get_device_name(),
        "torch": torch.__version__,
        "date": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
    }


def spin_up_clocks(seconds=1.0):
    """Large matmuls until the clocks have risen from idle (KINDS.md saw 345 MHz idle, 1980 under load)."""
    a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
    end = time.time() + seconds
    while time.time() < end:
        for _ in range(20):
            a @ a
        torch.cuda.synchronize()


def ssd_selfcheck():
    """The chunked SSD against the sequential scan, in fp32 (TF32 still off) on the GPU: relative
    errors of y and the final state, each near 1e-6 when the scan is right."""
    torch.manual_seed(0)
    results = []
    for b, length, heads, p, groups, n, chunk in [(2, 300, 8, 16, 2, 32, 64), (1, 256, 4, 8, 1, 16, 256)]:
        x = torch.randn(b, length, heads, p, device="cuda")
        dt = torch.nn.functional.softplus(torch.randn(b, length, heads, device="cuda") - 1)
        a = -torch.rand(heads, device="cuda") * 3 - 0.5
        bm, cm = (torch.randn(b, length, groups, n, device="cuda") for _ in range(2))
        y, final = block_impls.ssd_chunked(x, dt, a, bm, cm, chunk)
        y_ref, final_ref = block_impls.ssd_sequential(x, dt, a, bm, cm)
        results.append((float((y - y_ref).norm() / y_ref.norm()), float((final - final_ref).norm() / final_ref.norm())))
    return results


def triton_ssd_selfcheck():
    """ssd_triton's kernels in bf16 (as profiled) against the sequential fp32 scan on the same
    bf16-rounded inputs, on fresh random inputs per shape, the output poisoned with NaN first so
    that an unwritten element fails. Relative errors of y and the final state; bf16 operands land
    between 1e-3 and 1e-2 (/work/.library/device/METHOD.md)."""
    import ssd_triton
    torch.manual_seed(1)
    results = []
    shapes = [(2, 300, 8, 64, 2, 128, 128), (1, 1000, 4, 32, 1, 256, 256), (3, 37, 6, 128, 3, 64, 256), (1, 4096, 16, 64, 8, 128, 256)]
    for b, length, heads, p, groups, n, chunk in shapes:
        x = torch.randn(b, length, heads, p, device="cuda").to(torch.bfloat16)
        dt = torch.nn.functional.softplus(torch.randn(b, length, heads, device="cuda") - 3)
        a = -torch.rand(heads, device="cuda") * 8 - 1
        bm, cm = (torch.randn(b, length, groups, n, device="cuda").to(torch.bfloat16) for _ in range(2))
        d = torch.rand(heads, device="cuda")
        y = torch.full((b, length, heads, p), float("nan"), device="cuda", dtype=torch.bfloat16)
        ssd_triton.ssd_triton(x, dt, a, bm, cm, chunk, d_skip=d, y=y)
        _, final = ssd_triton.ssd_triton(x, dt, a, bm, cm, chunk, d_skip=d)
        torch.cuda.synchronize()
        y_ref, final_ref = block_impls.ssd_sequential(x.float(), dt, a, bm.float(), cm.float())
        y_ref = y_ref + d[None, None, :, None] * x.float()
        results.append({"shape": [b, length, heads, p, groups, n, chunk],
                        "yRelErr": float((y.float() - y_ref).norm() / y_ref.norm()),
                        "finalRelErr": float((final - final_ref).norm() / final_ref.norm()),
                        "allWritten": bool(torch.isfinite(y).all())})
    return results


def decode_update_bandwidth():
    """Both Mamba-2 decode updates alone (conv step + SSM state update, no projections), timed by
    triton.testing.do_bench (median, events) on Nemotron-H-8B's mixer (128 heads x 64 x 128 state,
    8 groups, conv 4; data/models) at batch 1, 64 and 256, rotating over 4 state copies so repeats do
    not hit L2 at the larger batches. Bytes: both states read and written once, the fewest possible."""
    import triton.testing
    heads, p, n, groups, k = 128, 64, 128, 8, 4
    d_inner, gs = heads * p, groups * n
    conv_ch = d_inner + 2 * gs
    out = []
    for bsz in (1, 64, 256):
        sets = []
        for _ in range(4):
            zxbcdt = block_impls._randn(bsz, 2 * d_inner + 2 * gs + heads)
            _, xbc, dt = zxbcdt.split([d_inner, conv_ch, heads], dim=-1)
            sets.append((block_impls._randn(bsz, conv_ch, k), block_impls._randn(bsz, heads, p, n, scale=0.1), xbc, dt))
        conv_w, conv_b = block_impls._randn(conv_ch, 1, k, scale=0.5), block_impls._randn(conv_ch, scale=0.1)
        dt_bias = torch.full((heads,), -3.0, device="cuda")
        a = -torch.linspace(1, 16, heads, device="cuda")
        skip = torch.ones(heads, device="cuda")
        state_bytes = 2 * 2 * (bsz * heads * p * n + bsz * conv_ch * k)
        row = {"batch": bsz, "stateBytesReadWritten": state_bytes}
        for scan in ("einsum", "triton"):
            turn = [0]

            def step():
                cs, ss, xbc, dt = sets[turn[0] % 4]
                turn[0] += 1
                block_impls.decode_update(scan, cs, ss, xbc, dt, dt_bias, a, conv_w, conv_b, skip, groups)

            us = triton.testing.do_bench(step, warmup=25, rep=100, return_mode="median") * 1000.0
            row[f"{scan}Us"] = round(us, 3)
            row[f"{scan}TBps"] = round(state_bytes / us / 1e6, 3)
        out.append(row)
    return out


def measure_case(case, fp8, options):
    """Time one case in one dtype; returns (Timing, impl). Attention that fails under its
    first SDPA backend (say, in graph capture) is tried again with the next one."""
    try:
        first = block_impls.build(case, fp8, options)
        copies = graph_timer.copies_for(first.footprint)
        built = [first] + [block_impls.build(case, fp8, options) for _ in range(copies - 1)]
        return graph_timer.time_runs([b.run for b in built]), first.impl
    except RuntimeError:
        if case["block"]["type"] != "attention" or len(options.backends) < 2:
            raise
        torch.cuda.synchronize()
        torch.cuda.empty_cache()
        return measure_case(case, fp8, block_impls.without_first_backend(options))


def main(argv):
    args = parse_args(argv)
    start = time.time()
    env = environment()
    fp8_ok, options, notes = block_impls.probe_capabilities()
    dtypes = [d for d in args.dtypes.split(",") if d == "bf16" or (d == "fp8" and fp8_ok)]
    spin_up_clocks()
    meta = {**env, "cuda": torch.version.cuda, "fp8": fp8_ok, "fp8PadRows": options.fp8_pad_rows,
            "notes": notes, "graphFloor": graph_timer.graph_floor_us(), "seed": args.seed, "argv": argv}
    if args.selfcheck:
        meta["ssdSelfcheck"] = ssd_selfcheck()
    if args.scan == "triton":
        options.scan = "triton"
        meta["tritonSsdSelfcheck"] = triton_ssd_selfcheck()
        bad = [r for r in meta["tritonSsdSelfcheck"] if not (r["allWritten"] and r["yRelErr"] < 2e-2 and r["finalRelErr"] < 2e-2)]
        if bad:
            raise SystemExit(f"the Triton SSD self-check failed: {bad}")
        import ssm_decode_triton
        meta["tritonDecodeSelfcheck"] = ssm_decode_triton.selfcheck(block_impls.torch_decode_update)
        if not ssm_decode_triton.passes(meta["tritonDecodeSelfcheck"]):
            raise SystemExit(f"the Triton decode self-check failed: {meta['tritonDecodeSelfcheck']}")
        meta["decodeUpdateBandwidth"] = decode_update_bandwidth()
    torch.backends.cuda.matmul.allow_tf32 = True  # the scan's fp32 einsums may use TF32, as fused kernels would
    print(json.dumps(meta), flush=True)
    if args.meta:
        with open(args.meta, "w") as f:
            json.dump(meta, f, indent=1)

    kinds = set(args.kinds.split(","))
    phases = set(args.phases.split(","))
    cases = [c for c in block_grid.all_cases(args.seed) if c["block"]["type"] in kinds and c["shape"]["phase"] in phases]
    if args.limit:
        cases = block_grid.pilot_cases(cases, args.limit)
    skip = done_ids(args.resume)
    cases = [c for c in cases if not all(f"{c['id']}-{d}" in skip for d in dtypes)]
    print(f"{len(cases)} cases to time, dtypes {dtypes}", flush=True)

    written = 0
    with open(args.out, "a") as out, open(args.failures or os.devnull, "a") as failures:
        for index, case in enumerate(cases):
            if time.time() - start > args.budget_s:
                print(f"budget reached after {index} cases", flush=True)
                break
            line = [case["id"], json.dumps(case["block"]), json.dumps(case["shape"])]
            for dtype in dtypes:
                if f"{case['id']}-{dtype}" in skip:
                    continue
                try:
                    timing, impl = measure_case(case, dtype == "fp8", options)
                except Exception as err:  # recorded and skipped: one bad case must not end a sweep on a leased GPU
                    reason = str(err).splitlines()[0][:300]
                    failures.write(json.dumps({"id": f"{case['id']}-{dtype}", **case, "error": reason}) + "\n")
                    failures.flush()
                    line.append(f"{dtype}: FAILED {reason}")
                    continue
                finally:
                    torch.cuda.empty_cache()
                stats = {"reps": timing.reps, "copies": timing.copies, "replays": timing.replays,
                         "iqrUs": round(timing.iqr_us, 3)}
                out.write(rows.to_line(rows.block_row(case, dtype, timing.median_us, env, impl, stats)))
                out.flush()
                written += 1
                line.append(f"{dtype} {timing.median_us:.1f}us x{timing.reps}")
            print(f"[{index + 1}/{len(cases)} {time.time() - start:.0f}s] " + " | ".join(line), flush=True)
    print(f"wrote {written} rows in {time.time() - start:.0f}s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
