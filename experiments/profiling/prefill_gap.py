"""Where does a whole model's prefill spend the time its blocks, timed alone, do not account for?

For a few models at a prefill shape, times (each as graph replays after a GPU sleep, graph_timer.py):
- `full`: the whole prefill step (model_impl.py);
- `noRope`: the same step with the RoPE kernel left out;
- `blocksInSequence`: only the blocks, one after another in one graph (no embedding, RoPE, cache writes or head);
- `blocksAlone`: the sum over the model's blocks of each block timed alone, as profile_blocks.py times it
  (rotating copies of its weights, repeated in one graph);
- `ropeAlone`: the RoPE kernel of one attention layer, alone;
- `head`: embedding gather, final norm, LM head and sampling alone.
Run `nvidia-smi --query-gpu=clocks.sm,power.draw --format=csv -lms 100` beside it to see the clocks under load.

    python3 prefill_gap.py --cases ../h200-model-cases.json --out gap.json
"""

import argparse
import collections
import json
import sys
import time

import torch
import torch.nn.functional as F

import block_impls
import graph_timer
import model_impl
import profile_model


def time_graph(run):
    return profile_model.time_step(run)["measuredUs"]


def blocks_alone(arch, batch, seq_len, options):
    """Sum over the model's blocks of each distinct block's time alone (profile_blocks' method) × its count."""
    counts = collections.Counter(json.dumps(layer[slot], sort_keys=True) for layer in arch["layers"] for slot in ("mixer", "ffn"))
    total, parts = 0.0, {}
    for key, count in counts.items():
        spec = json.loads(key)
        if spec["type"] == "noop":
            continue
        case = {"block": spec, "shape": {"phase": "prefill", "batch": batch, "seqLen": seq_len}}
        first = block_impls.build(case, False, options)
        copies = graph_timer.copies_for(first.footprint)
        built = [first] + [block_impls.build(case, False, options) for _ in range(copies - 1)]
        us = graph_timer.time_runs([b.run for b in built]).median_us
        del built, first
        torch.cuda.empty_cache()
        parts[spec["type"] + ":" + key[:60]] = {"us": round(us, 3), "count": count}
        total += us * count
    return total, parts


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--models", default="llama-3.1-8b,llama-3.2-3b,nemotron-h-4b")
    p.add_argument("--shapes", default="1x2048,4x1024")
    args = p.parse_args(argv)
    torch.backends.cuda.matmul.allow_tf32 = True
    cases = {m["id"]: m for m in json.load(open(args.cases))["models"]}
    _, options, _ = block_impls.probe_capabilities()
    options.scan = "triton"
    results = []
    for model_id in args.models.split(","):
        arch = cases[model_id]["architecture"]
        for shape in args.shapes.split(","):
            batch, seq_len = (int(v) for v in shape.split("x"))
            runner = model_impl.ModelRunner(arch, batch, seq_len + 1, None)
            runner.backend = profile_model.pick_backend(runner, seq_len)
            row = {"model": model_id, "batch": batch, "seqLen": seq_len, "startUnix": time.time(), "full": time_graph(runner.prefill_step(seq_len))}
            real_rope = model_impl.rope_inplace
            model_impl.rope_inplace = lambda *a, **k: None
            row["noRope"] = time_graph(runner.prefill_step(seq_len))
            model_impl.rope_inplace = real_rope
            attn = next((b for b in runner.blocks if isinstance(b, model_impl.Attention)), None)
            if attn is not None:
                qkv = torch.randn(batch * seq_len, attn.q_dim + 2 * attn.kv_dim, device="cuda").to(torch.bfloat16)
                cos, sin = runner.rope(attn.d)
                runner.positions = torch.arange(seq_len, device="cuda", dtype=torch.int32).repeat(batch)
                pos = runner.positions

                def rope_only():
                    model_impl.rope_inplace(qkv, pos, cos, sin, attn.heads + attn.kv_heads, attn.d)
                    return qkv
                row["ropeAlone"] = time_graph(rope_only)
            step = model_impl.Step("prefill", length=seq_len)
            x0 = torch.randn(batch, seq_len, runner.hidden, device="cuda").to(torch.bfloat16)

            def blocks_only():
                runner.positions = torch.arange(seq_len, device="cuda", dtype=torch.int32).repeat(batch)
                x = x0
                for block in runner.blocks:
                    x = block(x, step) if not isinstance(block, model_impl.Attention) else _attention_no_glue(block, x, runner)
                return x
            row["blocksInSequence"] = time_graph(blocks_only)
            ids = runner.ids[:, :seq_len]

            def head_only():
                x = F.embedding(ids, runner.embed)
                runner.ids[:, seq_len].copy_(runner._sample(x[:, -1]))
                return x
            row["head"] = time_graph(head_only)
            del runner
            import gc
            gc.collect()
            torch.cuda.empty_cache()
            row["blocksAloneStartUnix"] = time.time()
            row["blocksAlone"], row["blockParts"] = blocks_alone(arch, batch, seq_len, options)
            row["endUnix"] = time.time()
            print(json.dumps({k: v for k, v in row.items() if k != "blockParts"}), flush=True)
            results.append(row)
    with open(args.out, "w") as f:
        json.dump({"torch": torch.__version__, "gpuName": torch.cuda.get_device_name(), "rows": results}, f, indent=1)


def _attention_no_glue(block, x, runner):
    """The attention block as block_impls times it: no RoPE, no cache write."""
    b, length, _ = x.shape
    y = F.rms_norm(x, (block.h,), block.norm_w, model_impl.NORM_EPS)
    q, k, v = block.qkv(y).split([block.q_dim, block.kv_dim, block.kv_dim], dim=-1)
    q = q.reshape(b, length, block.heads, block.d).transpose(1, 2)
    k = k.reshape(b, length, block.kv_heads, block.d).transpose(1, 2)
    v = v.reshape(b, length, block.kv_heads, block.d).transpose(1, 2)
    with block_impls.sdpa_kernel([runner.backend]):
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=block.kv_heads != block.heads)
    return x + block.out(a.transpose(1, 2).reshape(b, length, block.q_dim))


if __name__ == "__main__":
    main(sys.argv[1:])
