"""Time whole models' serving steps on the local NVIDIA GPU: one JSON line per (model, step shape).

Reads the cases file `model_cases.ts` writes (architectures as nas-sim JSON, each with its serving
scenarios: batch, input, output). For each model and scenario it builds the model with random bf16
weights (model_impl.py) and times, each as one CUDA graph replayed after a short GPU sleep (so that
launch latency stays out of the GPU time; graph_timer.py):
- the prefill step of `batch` sequences of `input` tokens;
- decode steps at three context lengths: input + 1, input + output / 2 and input + output - 1.
Each decode row also records the same graph's event time without the sleep (`noSleepUs`: the step as a
host that waits for each step's tokens sees it) and, for the first scenario, the step run eagerly
without a graph (`eagerUs`, wall clock around a synchronised step).

    python3 profile_model.py --cases h200-model-cases.json --out h200-model-steps.jsonl --budget-s 300

Rows are appended and flushed one by one; `--resume` skips (model, scenario) pairs already written.
"""

import argparse
import datetime
import gc
import json
import os
import statistics
import sys
import time

import torch
from torch.nn.attention import SDPBackend

import graph_timer
import model_impl

WINDOW_US = 250_000.0  # timed replays per step shape: about this much GPU time ...
MIN_REPLAYS, MAX_REPLAYS = 3, 40  # ... within these bounds
MEMORY_HEADROOM = 0.8  # build a model only if weights + caches fit in this share of free memory


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", required=True, help="JSON file of models and scenarios (model_cases.ts)")
    p.add_argument("--out", required=True, help="JSON-lines file to append step timings to")
    p.add_argument("--budget-s", type=float, default=float("inf"), help="start no new model after this many seconds")
    p.add_argument("--resume", action="append", default=[], help="skip (model, scenario) pairs already in this file")
    p.add_argument("--limit", type=int, default=0, help="time only the first N models")
    p.add_argument("--models", default="", help="time only these model ids (comma-separated)")
    p.add_argument("--failures", help="append models that could not be timed here (JSON lines)")
    p.add_argument("--ssm-decode", default="einsum", choices=["einsum", "triton"],
                   help="Mamba-2 decode update: block_impls' eager PyTorch or ssm_decode_triton's fused kernels")
    return p.parse_args(argv)


def environment():
    return {"gpuName": torch.cuda.get_device_name(), "torch": torch.__version__,
            "date": datetime.datetime.now(datetime.timezone.utc).date().isoformat()}


def time_step(run, eager=False):
    """GPU time of one step as a graph replayed after a sleep, the same without the sleep, and optionally
    the eager (no graph) wall time."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        out = run()
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()
    if not bool(torch.isfinite(out).all()):
        raise RuntimeError("the step's hidden state is not finite")
    eager_us = None
    if eager:
        walls = []
        for _ in range(7):
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            run()
            torch.cuda.synchronize()
            walls.append((time.perf_counter() - t0) * 1e6)
        eager_us = statistics.median(walls[2:])
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        run()
    first = graph_timer._timed_replays(graph, 2)
    estimate = max(first[-1], 1.0)
    replays = max(MIN_REPLAYS, min(MAX_REPLAYS, round(WINDOW_US / estimate)))
    times = sorted(graph_timer._timed_replays(graph, replays))
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(replays)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(replays)]
    for s, e in zip(starts, ends):
        torch.cuda.synchronize()
        s.record()
        graph.replay()
        e.record()
    torch.cuda.synchronize()
    no_sleep = statistics.median(s.elapsed_time(e) * 1000.0 for s, e in zip(starts, ends))
    del graph
    q1, _, q3 = statistics.quantiles(times, n=4) if len(times) >= 2 else (times[0], 0, times[0])
    return {"measuredUs": round(statistics.median(times), 3), "iqrUs": round(q3 - q1, 3), "replays": replays,
            "noSleepUs": round(no_sleep, 3),
            **({} if eager_us is None else {"eagerUs": round(eager_us, 3)})}


def pick_backend(runner, seq_len):
    """cuDNN SDPA first (block_impls.probe_capabilities says why), then FLASH, as the block profiler."""
    for backend in (SDPBackend.CUDNN_ATTENTION, SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION):
        runner.backend = backend
        try:
            runner.prefill_step(seq_len)()
            runner.decode_step(seq_len + 1)()
            torch.cuda.synchronize()
            return backend
        except RuntimeError:
            torch.cuda.synchronize()
    raise RuntimeError("no SDPA backend accepts this model")


DECODE_TEXT = {"einsum": "block_impls' PyTorch state update",
               "triton": "ssm_decode_triton.py's fused conv and state-update kernels"}


def decode_contexts(sc):
    inp, out = sc["input"], sc["output"]
    return sorted({inp + 1, inp + out // 2, inp + out - 1})


def impl_text(backend, ssm_decode):
    return (f"torch {torch.__version__} eager ops captured in one CUDA graph per step; cuBLAS bf16 GEMMs (F.linear); "
            f"F.rms_norm; RoPE as one Triton kernel in place on Q and K; KV cache written by copy kernels; "
            f"SDPA {backend.name} backend; Mamba-2 prefill scan: ssd_triton.py's three Triton kernels; "
            f"Mamba-2 decode: {DECODE_TEXT[ssm_decode]}; final norm and LM head on the last position "
            f"per sequence; fp32 softmax and exponential-race sampling")


def profile_scenario(arch, sc, gpu, model_id, env, eager, ssm_decode="einsum"):
    """The rows of one model in one scenario: its prefill step and three decode steps. The model is built
    here and freed on return."""
    batch, max_ctx = sc["batch"], sc["input"] + sc["output"]
    need = model_impl.weight_bytes(arch) + model_impl.cache_bytes_estimate(arch, batch, max_ctx)
    free, _ = torch.cuda.mem_get_info()
    if need > MEMORY_HEADROOM * free:
        raise RuntimeError(f"needs {need / 1e9:.1f} GB, {free / 1e9:.1f} GB free")
    runner = model_impl.ModelRunner(arch, batch, max_ctx, None, ssm_decode)
    backend = pick_backend(runner, sc["input"])
    rows = []
    for phase, length in [("prefill", sc["input"])] + [("decode", c) for c in decode_contexts(sc)]:
        run = runner.prefill_step(length) if phase == "prefill" else runner.decode_step(length)
        t = time_step(run, eager=eager and phase == "decode" and length == sc["input"] + 1)
        shape = {"seqLen": length} if phase == "prefill" else {"contextLen": length}
        rows.append({"kind": "model-step", "model": model_id, "scenario": sc["id"], "gpu": gpu, "dtype": "bf16",
                     "phase": phase, "batch": batch, **shape, **t, **env, "impl": impl_text(backend, ssm_decode)})
    return rows


def main(argv):
    args = parse_args(argv)
    start = time.time()
    env = environment()
    with open(args.cases) as f:
        cases = json.load(f)
    models = cases["models"][: args.limit or None]
    if args.models:
        wanted = args.models.split(",")
        models = [m for m in models if m["id"] in wanted]
    done = set()
    for path in args.resume:
        if os.path.exists(path):
            with open(path) as f:
                done.update((r["model"], r["scenario"]) for r in map(json.loads, filter(str.strip, f)))
    torch.backends.cuda.matmul.allow_tf32 = True
    written = 0
    with open(args.out, "a") as out, open(args.failures or os.devnull, "a") as failures:
        for index, model in enumerate(models):
            if time.time() - start > args.budget_s:
                print(f"budget reached after {index} models", flush=True)
                break
            arch = model["architecture"]
            todo = [sc for sc in model["scenarios"] if (model["id"], sc["id"]) not in done]
            line = [f"[{index + 1}/{len(models)} {time.time() - start:.0f}s] {model['id']}"]
            for si, sc in enumerate(todo):
                try:
                    timings = profile_scenario(arch, sc, cases["gpu"], model["id"], env, eager=(si == 0),
                                               ssm_decode=args.ssm_decode)
                    for row in timings:
                        out.write(json.dumps(row) + "\n")
                    out.flush()
                    written += len(timings)
                    line.append(f"{sc['id']}: " + " ".join(f"{r['measuredUs'] / 1000:.2f}" for r in timings) + " ms")
                except Exception as err:  # recorded and skipped: one bad model must not end a sweep on a leased GPU
                    reason = str(err).splitlines()[0][:300] if str(err) else type(err).__name__
                    failures.write(json.dumps({"model": model["id"], "scenario": sc["id"], "error": reason}) + "\n")
                    failures.flush()
                    line.append(f"{sc['id']}: FAILED {reason}")
                finally:
                    # A model's blocks refer back to it (Attention.runner), so only the cycle collector frees
                    # its weights: without this, about 4 GB a model stayed allocated (first H200 run).
                    gc.collect()
                    torch.cuda.synchronize()
                    torch.cuda.empty_cache()
            print(" | ".join(line), flush=True)
    print(f"wrote {written} rows in {time.time() - start:.0f}s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
