"""The blocks as timed, in PyTorch: pre-norm RMSNorm, the sub-block, the residual add.

`build(case, fp8, options)` returns a `Built`: a zero-argument `run` that executes
the block once on its own weights and inputs (all drawn at random, never zeros),
the bytes those occupy, and a short description of the implementation.

For a TP-split block (profile_tp_blocks.py) the case's block is the per-GPU shard
(tp_grid.shard) and `reduce` is the all-reduce applied to the sub-block's output
before the residual add, as a row-parallel layer does.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

import ssd_triton
import ssm_decode_triton

BF16 = torch.bfloat16
FP8 = torch.float8_e4m3fn
FP8_MAX = 448.0  # largest finite float8 e4m3fn value (OCP FP8 spec)
NORM_EPS = 1e-5  # Llama-3's rms_norm_eps
DEVICE = "cuda"


@dataclass
class Options:
    """Capabilities probed once per run (see probe_capabilities)."""
    fp8_pad_rows: int  # pad an fp8 GEMM's token count to this multiple (1 = no padding needed)
    backends: list  # SDPA backends to try, in order
    scan: str = "einsum"  # Mamba-2 scan: "einsum" (ssd_chunked; PyTorch decode update) or "triton" (ssd_triton; ssm_decode_triton)


@dataclass
class Built:
    run: object
    footprint: int
    impl: str


def _randn(*shape, scale=1.0, dtype=BF16):
    return torch.randn(*shape, device=DEVICE, dtype=torch.float32).mul_(scale).to(dtype)


def _norm_weight(width):
    # Around 1, as a trained norm's gain is, but not all ones.
    return (1 + 0.1 * torch.randn(width, device=DEVICE)).to(BF16)


class Projection:
    """One bias-free weight (out x in) applied in bf16, or as an fp8 e4m3 scaled matmul:
    the weight quantised once with a per-tensor scale, the activation cast to fp8 with a
    static scale of 1 (its values come out of an RMSNorm or an activation, well inside
    fp8's range), bf16 output."""

    def __init__(self, out_features, in_features, fp8, pad_rows):
        weight = _randn(out_features, in_features, scale=in_features ** -0.5, dtype=torch.float32)
        self.in_features, self.out_features, self.fp8, self.pad_rows = in_features, out_features, fp8, pad_rows
        if fp8:
            scale = weight.abs().amax() / FP8_MAX
            self.weight = (weight / scale).to(FP8)  # row-major (out, in); .t() is the column-major operand _scaled_mm wants
            self.scale_b = scale.float()
            self.scale_a = torch.ones((), device=DEVICE, dtype=torch.float32)
        else:
            self.weight = weight.to(BF16)
        del weight

    def nbytes(self):
        return self.weight.numel() * self.weight.element_size()

    def __call__(self, x):
        if not self.fp8:
            return F.linear(x, self.weight)
        lead = x.shape[:-1]
        rows = x.reshape(-1, self.in_features).to(FP8)
        m = rows.shape[0]
        if m % self.pad_rows:
            rows = F.pad(rows.view(torch.uint8), (0, 0, 0, self.pad_rows - m % self.pad_rows)).view(FP8)
        out = torch._scaled_mm(rows, self.weight.t(), scale_a=self.scale_a, scale_b=self.scale_b, out_dtype=BF16)
        return out[:m].reshape(*lead, self.out_features)


def _gemm_impl(fp8, options):
    if not fp8:
        return "cuBLAS bf16 GEMMs (F.linear)"
    pad = f", token rows padded to {options.fp8_pad_rows}" if options.fp8_pad_rows > 1 else ""
    return ("fp8 e4m3 GEMMs via torch._scaled_mm (per-tensor weight scale, activation cast kernel"
            f"{pad}), everything else bf16")


def _prefix():
    return f"torch {torch.__version__} eager ops captured in a CUDA graph; F.rms_norm; "


def _shape_dims(shape):
    if shape["phase"] == "prefill":
        return shape["batch"], shape["seqLen"]
    return shape["batch"], 1


def _pick_backend(options, attend):
    """The first SDPA backend, in the given order, that accepts these inputs eagerly."""
    refusals = []
    for backend in options.backends:
        try:
            with sdpa_kernel([backend]):
                attend()
            return backend
        except RuntimeError as err:
            refusals.append(f"{backend.name}: {str(err).splitlines()[0][:120]}")
    raise RuntimeError("no SDPA backend accepts this shape; " + "; ".join(refusals))


def _identity(y):
    return y


def build_attention(block, shape, fp8, options, reduce=_identity):
    h, heads, kv_heads, d = block["hidden"], block["heads"], block["kvHeads"], block["headDim"]
    q_dim, kv_dim = heads * d, kv_heads * d
    norm_w = _norm_weight(h)
    qkv = Projection(q_dim + 2 * kv_dim, h, fp8, options.fp8_pad_rows)
    out = Projection(h, q_dim, fp8, options.fp8_pad_rows)
    b, length = _shape_dims(shape)
    x = _randn(b, length, h)
    gqa = kv_heads != heads
    footprint = x.numel() * 2 + qkv.nbytes() + out.nbytes()
    if shape["phase"] == "prefill":
        def core(q, k, v):
            return F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=gqa)
    else:
        ctx = shape["contextLen"]
        k_cache = _randn(b, kv_heads, ctx, d)
        v_cache = _randn(b, kv_heads, ctx, d)
        footprint += 2 * k_cache.numel() * 2

        def core(q, k, v):
            # The new token's K/V go into the cache's last slot; it then attends over all contextLen.
            k_cache[:, :, ctx - 1] = k[:, :, 0]
            v_cache[:, :, ctx - 1] = v[:, :, 0]
            return F.scaled_dot_product_attention(q, k_cache, v_cache, enable_gqa=gqa)

    def heads_first(t, n):
        return t.view(b, length, n, d).transpose(1, 2)

    def attend():
        y = F.rms_norm(x, (h,), norm_w, NORM_EPS)
        q, k, v = qkv(y).split([q_dim, kv_dim, kv_dim], dim=-1)
        return core(heads_first(q, heads), heads_first(k, kv_heads), heads_first(v, kv_heads))

    backend = _pick_backend(options, attend)

    def run():
        with sdpa_kernel([backend]):
            a = attend()
        return x + reduce(out(a.transpose(1, 2).reshape(b, length, q_dim)))

    impl = _prefix() + _gemm_impl(fp8, options) + f"; SDPA {backend.name} backend, bf16"
    return Built(run, footprint, impl)


def build_ffn(block, shape, fp8, options, reduce=_identity):
    h, inter, act = block["hidden"], block["intermediate"], block["activation"]
    norm_w = _norm_weight(h)
    up = Projection(2 * inter if act == "swiglu" else inter, h, fp8, options.fp8_pad_rows)
    down = Projection(h, inter, fp8, options.fp8_pad_rows)
    b, length = _shape_dims(shape)
    x = _randn(b, length, h)

    def run():
        u = up(F.rms_norm(x, (h,), norm_w, NORM_EPS))
        if act == "swiglu":
            gate, lin = u.chunk(2, dim=-1)
            a = F.silu(gate) * lin
        else:
            a = torch.relu(u).square()
        return x + reduce(down(a))

    activation = "fused gate+up GEMM, SiLU(gate) * up" if act == "swiglu" else "up GEMM, relu(.)^2"
    return Built(run, x.numel() * 2 + up.nbytes() + down.nbytes(),
                 _prefix() + _gemm_impl(fp8, options) + f"; {activation}")


def build_linear(block, shape, fp8, options, reduce=_identity):
    # A TP shard reads `inFeatures` = hidden / tp of the normalised input (row-parallel) and writes all hidden.
    h = block["hidden"]
    k = block.get("inFeatures", h)
    norm_w = _norm_weight(h)
    proj = Projection(h, k, fp8, options.fp8_pad_rows)
    b, length = _shape_dims(shape)
    x = _randn(b, length, h)

    def run():
        return x + reduce(proj(F.rms_norm(x, (h,), norm_w, NORM_EPS)[..., :k]))

    return Built(run, x.numel() * 2 + proj.nbytes(), _prefix() + _gemm_impl(fp8, options))


def _segment_sums(a):
    """S[..., i, j] = a[..., j+1] + ... + a[..., i] for i >= j, and -inf above the diagonal,
    so exp(S) is the decay from position j to position i of a chunk."""
    length = a.shape[-1]
    cs = torch.cumsum(a, dim=-1)
    seg = cs[..., :, None] - cs[..., None, :]
    mask = torch.ones(length, length, device=a.device, dtype=torch.bool).tril()
    return seg.masked_fill(~mask, float("-inf"))


def ssd_chunked(x, dt, a, b_in, c_in, chunk):
    """Mamba-2's chunked state-space-duality scan, from the algorithm of Dao & Gu (2024), sec. 6.

    x: (batch, length, heads, headDim) bf16; dt: (batch, length, heads) fp32, after softplus;
    a: (heads,) fp32, negative; b_in, c_in: (batch, length, groups, stateDim) bf16.
    Returns y (batch, length, heads, headDim) bf16 and the final state (batch, heads, headDim, stateDim) fp32.
    Work inside a chunk is a masked quadratic form (matmuls); between chunks only the
    chunk-final states are carried, so the cost is linear in length.
    """
    bsz, length, heads, p = x.shape
    groups, n = b_in.shape[2], b_in.shape[3]
    per_group = heads // groups
    pad = (-length) % chunk
    if pad:
        # dt = 0 on the padding: no decay, no input, so the real positions are unaffected.
        x, dt = F.pad(x, (0, 0, 0, 0, 0, pad)), F.pad(dt, (0, 0, 0, pad))
        b_in, c_in = F.pad(b_in, (0, 0, 0, 0, 0, pad)), F.pad(c_in, (0, 0, 0, 0, 0, pad))
    nc = (length + pad) // chunk
    xdt = (x.float() * dt[..., None]).to(x.dtype).reshape(bsz, nc, chunk, groups, per_group, p)
    bc = b_in.reshape(bsz, nc, chunk, groups, n)
    cc = c_in.reshape(bsz, nc, chunk, groups, n)
    da = (dt * a).reshape(bsz, nc, chunk, heads).permute(0, 3, 1, 2)  # (b, h, c, l)
    da_cum = torch.cumsum(da, dim=-1)

    # 1. Within each chunk: y_i = sum_{j<=i} (C_i . B_j) exp(sum da_{j+1..i}) x_j dt_j.
    decay = torch.exp(_segment_sums(da)).reshape(bsz, groups, per_group, nc, chunk, chunk)
    scores = torch.einsum("bclgn,bcsgn->bcgls", cc, bc)  # (b, c, g, l, s)
    weights = (scores[:, :, :, None] * decay.permute(0, 3, 1, 2, 4, 5)).to(x.dtype)  # (b, c, g, hg, l, s)
    y_diag = torch.einsum("bcgkls,bcsgkp->bclgkp", weights, xdt)

    # 2. Each chunk's own final state: sum_j exp(sum da_{j+1..end}) B_j (x_j dt_j).
    to_end = torch.exp(da_cum[..., -1:] - da_cum).reshape(bsz, groups, per_group, nc, chunk)
    states = torch.einsum("bcsgn,bgkcs,bcsgkp->bcgkpn", bc.float(), to_end, xdt.float())

    # 3. Carry states across chunks (a short recurrence over nc chunks, done as one matmul).
    chunk_decay = F.pad(da_cum[..., -1], (1, 0)).reshape(bsz, groups, per_group, nc + 1)
    carry = torch.exp(_segment_sums(chunk_decay))  # (b, g, k, nc+1, nc+1)
    states = torch.cat([torch.zeros_like(states[:, :1]), states], dim=1)
    states = torch.einsum("bgkzc,bcgkpn->bzgkpn", carry, states)
    entering, final = states[:, :-1], states[:, -1]

    # 4. Each position's output from the state entering its chunk.
    from_start = torch.exp(da_cum).reshape(bsz, groups, per_group, nc, chunk)
    y_off = torch.einsum("bclgn,bcgkpn,bgkcl->bclgkp", cc.float(), entering, from_start)

    y = (y_diag.float() + y_off).reshape(bsz, nc * chunk, heads, p)[:, :length]
    return y.to(x.dtype), final.reshape(bsz, heads, p, n)


def ssd_sequential(x, dt, a, b_in, c_in):
    """The same scan, one position at a time in fp32: the reference ssd_chunked is checked against."""
    bsz, length, heads, p = x.shape
    groups, n = b_in.shape[2], b_in.shape[3]
    rep = heads // groups
    state = torch.zeros(bsz, heads, p, n, device=x.device, dtype=torch.float32)
    ys = []
    for t in range(length):
        bt = b_in[:, t].float().repeat_interleave(rep, dim=1)  # (b, h, n)
        ct = c_in[:, t].float().repeat_interleave(rep, dim=1)
        decay = torch.exp(dt[:, t] * a)  # (b, h)
        state = state * decay[..., None, None] + (x[:, t].float() * dt[:, t, :, None])[..., None] * bt[:, :, None, :]
        ys.append(torch.einsum("bhpn,bhn->bhp", state, ct))
    return torch.stack(ys, dim=1), state


def _gated_norm(y, z, weight, groups):
    """Mamba-2's gated RMSNorm: normalise y * silu(z) per group of channels, then scale."""
    g = y * F.silu(z)
    lead = g.shape[:-1]
    size = g.shape[-1] // groups
    return F.rms_norm(g.view(*lead, groups, size), (size,), None, NORM_EPS).view(*lead, -1) * weight


DECODE_IMPL = {
    "einsum": "conv-state roll + dot; own PyTorch SSM state update (bf16 state, like mamba_ssm's inference cache: "
              "mul_, add_ of a broadcast temporary, einsum), not a fused selective-state-update kernel",
    "triton": "own fused Triton decode kernels (ssm_decode_triton.py: conv-state shift + conv + silu in one; "
              "SSM state read once, updated in fp32 registers, written back in bf16, y = h C + D x, in one)",
}


def torch_decode_update(conv_state, ssm_state, xbc, dt, dt_bias, a, conv_w, conv_b, skip, groups):
    """Mamba-2's decode step in eager PyTorch (the path the 2026-11-28 rows were timed with): the conv
    window rolled and dotted, then the bf16 SSM state updated in place by several passes. Returns
    y (b, heads, headDim) in bf16; both states are updated in place."""
    b, heads, p, n = ssm_state.shape
    d_inner, gs, per_group = heads * p, groups * n, heads // groups
    conv_state.copy_(torch.roll(conv_state, -1, dims=-1))
    conv_state[:, :, -1] = xbc
    xbc = F.silu((conv_state * conv_w[:, 0]).sum(-1) + conv_b)
    xs, bm, cm = xbc.split([d_inner, gs, gs], dim=-1)
    dt = F.softplus(dt.float() + dt_bias)  # (b, heads)
    xh = xs.view(b, heads, p)
    bh = bm.view(b, groups, 1, n).expand(b, groups, per_group, n).reshape(b, heads, n)
    ch = cm.view(b, groups, 1, n).expand(b, groups, per_group, n).reshape(b, heads, n)
    decay = torch.exp(dt * a).to(BF16)
    ssm_state.mul_(decay[..., None, None]).add_((xh * dt[..., None].to(BF16))[..., None] * bh[:, :, None, :])
    return torch.einsum("bhpn,bhn->bhp", ssm_state, ch) + xh * skip[:, None].to(BF16)


def triton_decode_update(conv_state, ssm_state, xbc, dt, dt_bias, a, conv_w, conv_b, skip, groups):
    """The same step with ssm_decode_triton's two fused kernels."""
    b, heads, p, n = ssm_state.shape
    d_inner, gs = heads * p, groups * n
    xbc = ssm_decode_triton.conv_update(conv_state, xbc, conv_w, conv_b)
    xs, bm, cm = xbc.split([d_inner, gs, gs], dim=-1)
    return ssm_decode_triton.state_update(ssm_state, xs.view(b, heads, p), dt, dt_bias, a,
                                          bm.view(b, groups, n), cm.view(b, groups, n), skip)


def decode_update(scan, *args):
    """Mamba-2's decode step by the path `scan` names ("einsum": eager PyTorch, "triton": fused kernels)."""
    return (triton_decode_update if scan == "triton" else torch_decode_update)(*args)


def build_mamba2(block, shape, fp8, options):
    h, heads, p, n, groups, k = (block[f] for f in ("hidden", "heads", "headDim", "stateDim", "groups", "convKernel"))
    chunk = block.get("chunkSize", 256)
    d_inner, gs = heads * p, groups * n
    conv_ch = d_inner + 2 * gs
    norm_w = _norm_weight(h)
    in_proj = Projection(2 * d_inner + 2 * gs + heads, h, fp8, options.fp8_pad_rows)
    out_proj = Projection(h, d_inner, fp8, options.fp8_pad_rows)
    conv_w = _randn(conv_ch, 1, k, scale=k ** -0.5)
    conv_b = _randn(conv_ch, scale=0.1)
    # dt_bias and A as Mamba-2 initialises them: softplus(dt_bias) in about [1e-3, 1e-1], A in [-16, -1].
    dt_bias = torch.log(torch.expm1(torch.empty(heads, device=DEVICE).uniform_(1e-3, 1e-1)))
    a = -torch.empty(heads, device=DEVICE).uniform_(1, 16)
    skip = torch.ones(heads, device=DEVICE)
    gn_w = _norm_weight(d_inner)
    b, length = _shape_dims(shape)
    x = _randn(b, length, h)
    footprint = x.numel() * 2 + in_proj.nbytes() + out_proj.nbytes()

    def project(tokens):
        zxbcdt = in_proj(F.rms_norm(tokens, (h,), norm_w, NORM_EPS))
        return zxbcdt.split([d_inner, conv_ch, heads], dim=-1)

    if shape["phase"] == "prefill":
        def run():
            z, xbc, dt = project(x)
            xbc = F.silu(F.conv1d(xbc.transpose(1, 2), conv_w, conv_b, padding=k - 1, groups=conv_ch)[..., :length])
            xs, bm, cm = xbc.transpose(1, 2).contiguous().split([d_inner, gs, gs], dim=-1)
            dt = F.softplus(dt.float() + dt_bias)
            xh = xs.reshape(b, length, heads, p)
            bg, cg = bm.reshape(b, length, groups, n), cm.reshape(b, length, groups, n)
            if options.scan == "triton":
                y, _ = ssd_triton.ssd_triton(xh, dt, a, bg, cg, chunk, d_skip=skip)
            else:
                y, _ = ssd_chunked(xh, dt, a, bg, cg, chunk)
                y = y + xh * skip[:, None].to(BF16)
            return x + out_proj(_gated_norm(y.reshape(b, length, d_inner), z, gn_w, groups))

        scan = (f"own chunked SSD as three Triton kernels (ssd_triton.py: chunk states, state passing, chunk scan; "
                f"chunk {chunk})" if options.scan == "triton" else
                f"own unfused chunked SSD in PyTorch einsums (chunk {chunk}), not mamba_ssm's fused Triton kernels")
        impl = _prefix() + _gemm_impl(fp8, options) + f"; depthwise F.conv1d; {scan}; gated RMSNorm"
    else:
        conv_state = _randn(b, conv_ch, k)
        ssm_state = _randn(b, heads, p, n, scale=0.1)
        footprint += conv_state.numel() * 2 + ssm_state.numel() * 2

        def run():
            z, xbc, dt = project(x[:, 0])
            y = decode_update(options.scan, conv_state, ssm_state, xbc, dt, dt_bias, a, conv_w, conv_b, skip,
                              groups)
            return x + out_proj(_gated_norm(y.reshape(b, d_inner), z, gn_w, groups))[:, None]

        impl = _prefix() + _gemm_impl(fp8, options) + "; " + DECODE_IMPL[options.scan] + "; gated RMSNorm"
    return Built(run, footprint, impl)


BUILDERS = {"attention": build_attention, "ffn": build_ffn, "linear": build_linear, "mamba2": build_mamba2}


def build(case, fp8, options, reduce=None):
    builder = BUILDERS[case["block"]["type"]]
    if reduce is None:
        return builder(case["block"], case["shape"], fp8, options)
    return builder(case["block"], case["shape"], fp8, options, reduce=reduce)


def probe_capabilities():
    """What this GPU and PyTorch offer: fp8 scaled matmul (and whether it needs padded rows),
    and the SDPA backends in the order tried. Returns (fp8_ok, Options, notes)."""
    notes = []
    fp8_ok, pad = False, 1
    major, minor = torch.cuda.get_device_capability()
    if (major, minor) >= (8, 9) and hasattr(torch, "_scaled_mm"):
        for rows in (1, 16):
            try:
                proj = Projection(64, 64, True, 1)
                proj(_randn(rows, 64))
                torch.cuda.synchronize()
                fp8_ok, pad = True, rows
                break
            except RuntimeError as err:
                notes.append(f"_scaled_mm with {rows} row(s) failed: {str(err).splitlines()[0]}")
    else:
        notes.append(f"no fp8: compute capability {major}.{minor}")
    # cuDNN first: on the H200 it ran GQA prefill and decode about twice as fast as the FA2-based
    # FLASH backend (sdpa_backends.py, experiments/data/README.md), closer to the Hopper kernels
    # (FA3, FlashInfer) serving engines use. EFFICIENT refuses GQA without expanded K/V.
    backends = [SDPBackend.CUDNN_ATTENTION, SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION]
    return fp8_ok, Options(fp8_pad_rows=pad, backends=backends), notes


def without_first_backend(options):
    """The same options with the first SDPA backend dropped: the fallback when a case fails with it."""
    return Options(fp8_pad_rows=options.fp8_pad_rows, backends=options.backends[1:], scan=options.scan)
