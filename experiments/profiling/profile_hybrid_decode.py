"""Times one decode step of a Hymba-1.5B hybrid-head layer on a GPU, as a PyTorch stand-in.

Sent inline to the H200 (the device call carries no files of this worktree), so it is written compactly;
this is the same program with names. Writes `$OUT/hymba-decode.jsonl`: one row per (batch, context,
window, shared KV) in nas-sim's `predict` format plus `measuredUs`.

What it runs per layer, with Hymba-1.5B's widths (../shared/reference/models/hymba_1.5b_base.json:
hidden 1600, 25 heads, 5 KV heads, q/k 64, v 128, d_inner 3200, d_state 16, dt_rank 100, d_conv 4):
RMSNorm, in_proj (Mamba x and z, queries, and K/V unless the layer reuses another's cache), the conv
update, x_proj, the dt/B/C RMSNorms, dt_proj with softplus, the selective state update, SDPA of one query
over the cache (grouped-query, `enable_gqa`), the two output RMSNorms and their mean, out_proj, the
residual add. The conv and state updates are eager PyTorch (about ten element-wise kernels with fp32
intermediates; `python3 profile_hybrid_decode.py eager`, the 2026-12-01 rows' way) or, with the argument
`triton` (the default), this project's own fused kernels of ssm_decode_triton.py (the conv window and the
state each read and written once, the gate silu(z) applied in the same kernel), as the block model counts
them. New K/V are not written to the cache (a few KB per step).

Method (../.library/device/METHOD.md): random inputs, never zeros; four independent layers captured in one
CUDA graph so that weights and caches do not stay in the 60 MB L2 between replays; 3 warm-up replays, then
the median of 15 timed replays (CUDA events), divided by four.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

import ssm_decode_triton

DEVICE, BF16 = "cuda", torch.bfloat16
HIDDEN, HEADS, KV_HEADS, QK, V, INNER, STATE, DT_RANK, CONV = 1600, 25, 5, 64, 128, 3200, 16, 100, 4
META = 128
UPDATE = sys.argv[1] if len(sys.argv) > 1 else "triton"  # "eager" or "triton"


def rand(*shape):
    return torch.randn(*shape, device=DEVICE, dtype=BF16) * 0.02


def make_layer(batch, cached, shares_kv):
    """One layer's decode step over `cached` cached tokens (meta tokens included), as a closure."""
    projected = INNER * 2 + HEADS * QK + (0 if shares_kv else KV_HEADS * (QK + V))
    w_in, w_x, w_dt, w_out = rand(HIDDEN, projected), rand(INNER, DT_RANK + 2 * STATE), rand(DT_RANK, INNER), rand(INNER, HIDDEN)
    conv_w, a, d = rand(INNER, CONV), -torch.rand(INNER, STATE, device=DEVICE), rand(INNER)
    x0, k_cache, v_cache = rand(batch, HIDDEN), rand(batch, KV_HEADS, cached, QK), rand(batch, KV_HEADS, cached, V)
    ssm_state, conv_state = rand(batch, INNER, STATE), rand(batch, INNER, CONV)

    no_bias = torch.zeros(INNER, device=DEVICE, dtype=BF16)

    def fused_ssm(xs, z):
        xc = ssm_decode_triton.conv_update(conv_state, xs, conv_w, no_bias)
        s = xc @ w_x
        dt = F.rms_norm(s[:, :DT_RANK], (DT_RANK,))
        b = F.rms_norm(s[:, DT_RANK : DT_RANK + STATE], (STATE,))
        c = F.rms_norm(s[:, DT_RANK + STATE :], (STATE,))
        return ssm_decode_triton.selective_update(ssm_state, xc, dt @ w_dt, a, b, c, d, z)

    def step():
        p = F.rms_norm(x0, (HIDDEN,)) @ w_in
        xs, z, q = p[:, :INNER], p[:, INNER : 2 * INNER], p[:, 2 * INNER : 2 * INNER + HEADS * QK]
        if UPDATE == "triton":
            ys = fused_ssm(xs, z)
            att = F.scaled_dot_product_attention(q.view(batch, HEADS, 1, QK), k_cache, v_cache, enable_gqa=True).reshape(batch, INNER)
            x0.copy_(x0 + ((F.rms_norm(att, (INNER,)) + F.rms_norm(ys, (INNER,))) / 2) @ w_out)
            return
        conv_state.copy_(torch.roll(conv_state, -1, -1))
        conv_state[:, :, -1] = xs
        xc = F.silu((conv_state * conv_w).sum(-1))
        s = xc @ w_x
        dt = F.rms_norm(s[:, :DT_RANK], (DT_RANK,))
        b = F.rms_norm(s[:, DT_RANK : DT_RANK + STATE], (STATE,))
        c = F.rms_norm(s[:, DT_RANK + STATE :], (STATE,))
        dt = F.softplus(dt @ w_dt).float()
        ssm_state.copy_((ssm_state * torch.exp(dt[:, :, None] * a) + (dt * xc)[:, :, None] * b[:, None, :]).to(BF16))
        ys = ((ssm_state * c[:, None, :]).sum(-1) + d * xc) * F.silu(z)
        att = F.scaled_dot_product_attention(q.view(batch, HEADS, 1, QK), k_cache, v_cache, enable_gqa=True).reshape(batch, INNER)
        x0.copy_(x0 + ((F.rms_norm(att, (INNER,)) + F.rms_norm(ys, (INNER,))) / 2) @ w_out)

    return step


def time_us(batch, cached, shares_kv, layers=4):
    steps = [make_layer(batch, cached, shares_kv) for _ in range(layers)]
    for s in steps:
        s()
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for s in steps:
            s()
    for _ in range(3):
        graph.replay()
    times = []
    for _ in range(15):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        graph.replay()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end) * 1e3 / layers)
    del steps, graph
    torch.cuda.empty_cache()
    return sorted(times)[len(times) // 2]


def main():
    if UPDATE == "triton":
        check = ssm_decode_triton.selective_selfcheck()
        with open(os.path.join(os.environ["OUT"], "hymba-selfcheck.json"), "w") as f:
            json.dump({"update": UPDATE, "selectiveSelfcheck": check}, f, indent=1)
        print(json.dumps(check), flush=True)
        if not ssm_decode_triton.passes(check):
            raise SystemExit("the fused selective update failed its self-check")
    rows = []
    for batch in (1, 16, 64, 256):
        # A windowed layer's cache: 1024 tokens plus the meta tokens; a global layer's at 8,000 tokens.
        for cached, window in ((1024 + META, 1024), (8000 + META, None)):
            for shares_kv in (False, True):
                us = time_us(batch, cached, shares_kv)
                block = dict(type="hybrid-heads", hidden=HIDDEN, heads=HEADS, kvHeads=KV_HEADS, qkHeadDim=QK, vHeadDim=V, ssmInner=INNER, stateDim=STATE, dtRank=DT_RANK, convKernel=CONV, metaTokens=META)
                if window:
                    block["window"] = window
                if shares_kv:
                    block["sharesKv"] = True
                rows.append(dict(gpu="h200", dtype="bf16", block=block, phase="decode", batch=batch, contextLen=cached - META, measuredUs=us))
                print(batch, cached, int(shares_kv), round(us, 1), flush=True)
    with open(os.path.join(os.environ["OUT"], "hymba-decode.jsonl"), "w") as f:
        f.write("".join(json.dumps(r) + "\n" for r in rows))
    print(torch.__version__, torch.cuda.get_device_name())


if __name__ == "__main__":
    main()
