"""Mamba-2's chunked state-space-duality (SSD) scan as three Triton kernels, this project's own.

The algorithm is the chunked SSD of Dao & Gu (2024, arXiv:2405.21060, sec. 6), laid out the way a
serving engine runs it (one launch per stage instead of dozens of einsums):

1. `_chunk_state`: each chunk's own final state, S_c = sum_s exp(cum_end - cum_s) dt_s x_s B_s^T,
   a (headDim x chunk) @ (chunk x stateDim) product per (sequence, chunk, head).
2. `_state_passing`: the recurrence across chunks, S_in(c) = exp(sum dA over chunk c-1) S_in(c-1) + S_(c-1),
   elementwise over the state, sequential over chunks; it overwrites the chunk states with the
   state entering each chunk and writes the final state.
3. `_chunk_scan`: each position's output, y_m = exp(cum_m) C_m S_in + sum_{k<=m} (C_m . B_k)
   exp(cum_m - cum_k) dt_k x_k + D x_m, in tiles of 64 positions.

The within-chunk cumulative sum of dt * A runs as one torch.cumsum before the kernels.
Inputs follow block_impls.ssd_chunked: x (b, l, heads, headDim), dt (b, l, heads) fp32 after
softplus, a (heads,) fp32 negative, b_in and c_in (b, l, groups, stateDim); x, b_in and c_in may be
strided views (the split of the conv output). The matmuls take x's dtype (bf16 in the profiles) with
fp32 accumulation; the states stay fp32, as in mamba_ssm.
"""

import torch
import torch.nn.functional as F
import triton
import triton.language as tl


# Lengths and chunk counts vary from call to call: not specialising on them saves a compile per shape.
@triton.jit(do_not_specialize=["length", "n_chunks"])
def _chunk_state(x_ptr, b_ptr, dt_ptr, cum_ptr, st_ptr,
                 length, chunk, heads_per_group, p_dim, n_dim,
                 sx_b, sx_l, sx_h, sx_p,
                 sb_b, sb_l, sb_g, sb_n,
                 sd_b, sd_l, sd_h,
                 sc_b, sc_h, sc_c, sc_l,
                 ss_b, ss_c, ss_h, ss_p, ss_n,
                 n_chunks,
                 BLOCK_P: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_L: tl.constexpr):
    pid_bc = tl.program_id(0)
    h = tl.program_id(1)
    bi = pid_bc // n_chunks
    c = pid_bc % n_chunks
    g = h // heads_per_group
    offs_p = tl.arange(0, BLOCK_P)
    offs_n = tl.arange(0, BLOCK_N)
    offs_l = tl.arange(0, BLOCK_L)
    start = c * chunk
    valid = tl.minimum(chunk, length - start)
    cum_base = cum_ptr + bi * sc_b + h * sc_h + c * sc_c
    cum_end = tl.load(cum_base + (chunk - 1) * sc_l)
    acc = tl.zeros((BLOCK_P, BLOCK_N), dtype=tl.float32)
    for s0 in range(0, valid, BLOCK_L):
        s = s0 + offs_l
        in_chunk = s < valid
        pos = start + s
        xt = tl.load(x_ptr + bi * sx_b + h * sx_h + pos[None, :] * sx_l + offs_p[:, None] * sx_p,
                     mask=in_chunk[None, :] & (offs_p[:, None] < p_dim), other=0.0)  # (P, L)
        bt = tl.load(b_ptr + bi * sb_b + g * sb_g + pos[:, None] * sb_l + offs_n[None, :] * sb_n,
                     mask=in_chunk[:, None] & (offs_n[None, :] < n_dim), other=0.0)  # (L, N)
        dt = tl.load(dt_ptr + bi * sd_b + h * sd_h + pos * sd_l, mask=in_chunk, other=0.0)
        cum = tl.load(cum_base + s * sc_l, mask=in_chunk, other=0.0)
        scale = tl.where(in_chunk, dt * tl.exp(cum_end - cum), 0.0)
        bs = (bt.to(tl.float32) * scale[:, None]).to(xt.dtype)
        acc += tl.dot(xt, bs)
    tl.store(st_ptr + bi * ss_b + c * ss_c + h * ss_h + offs_p[:, None] * ss_p + offs_n[None, :] * ss_n, acc,
             mask=(offs_p[:, None] < p_dim) & (offs_n[None, :] < n_dim))


@triton.jit(do_not_specialize=["n_chunks"])
def _state_passing(st_ptr, cum_ptr, final_ptr, n_chunks, chunk, size,
                   ss_b, ss_c, ss_h, sc_b, sc_h, sc_c, sc_l, sf_b, sf_h,
                   BLOCK: tl.constexpr):
    bi = tl.program_id(0)
    h = tl.program_id(1)
    offs = tl.program_id(2) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < size
    state = tl.zeros((BLOCK,), dtype=tl.float32)
    base = st_ptr + bi * ss_b + h * ss_h + offs  # a state's (p, n) elements are contiguous
    for c in range(0, n_chunks):
        own = tl.load(base + c * ss_c, mask=mask, other=0.0)
        tl.store(base + c * ss_c, state, mask=mask)  # now the state entering chunk c
        decay = tl.exp(tl.load(cum_ptr + bi * sc_b + h * sc_h + c * sc_c + (chunk - 1) * sc_l))
        state = decay * state + own
    tl.store(final_ptr + bi * sf_b + h * sf_h + offs, state, mask=mask)


@triton.jit(do_not_specialize=["length", "n_chunks"])
def _chunk_scan(x_ptr, b_ptr, c_ptr, dt_ptr, cum_ptr, st_ptr, d_ptr, y_ptr,
                length, chunk, heads_per_group, p_dim, n_dim,
                sx_b, sx_l, sx_h, sx_p,
                sb_b, sb_l, sb_g, sb_n,
                scc_b, scc_l, scc_g, scc_n,
                sd_b, sd_l, sd_h,
                sc_b, sc_h, sc_c, sc_l,
                ss_b, ss_c, ss_h, ss_p, ss_n,
                sy_b, sy_l, sy_h, sy_p,
                n_chunks,
                BLOCK_M: tl.constexpr, BLOCK_P: tl.constexpr, BLOCK_N: tl.constexpr):
    pid_bc = tl.program_id(0)
    h = tl.program_id(1)
    m0 = tl.program_id(2) * BLOCK_M
    bi = pid_bc // n_chunks
    c = pid_bc % n_chunks
    start = c * chunk
    valid = tl.minimum(chunk, length - start)
    if m0 < valid:
        g = h // heads_per_group
        offs_m = m0 + tl.arange(0, BLOCK_M)
        offs_k = tl.arange(0, BLOCK_M)
        offs_p = tl.arange(0, BLOCK_P)
        offs_n = tl.arange(0, BLOCK_N)
        row_ok = offs_m < valid
        p_ok = offs_p < p_dim
        n_ok = offs_n < n_dim
        pos_m = start + offs_m
        cum_base = cum_ptr + bi * sc_b + h * sc_h + c * sc_c
        cum_m = tl.load(cum_base + offs_m * sc_l, mask=row_ok, other=0.0)
        cm = tl.load(c_ptr + bi * scc_b + g * scc_g + pos_m[:, None] * scc_l + offs_n[None, :] * scc_n,
                     mask=row_ok[:, None] & n_ok[None, :], other=0.0)  # (M, N)
        # The state entering this chunk, read as (N, P) so that C (M, N) @ it gives (M, P).
        s_in = tl.load(st_ptr + bi * ss_b + c * ss_c + h * ss_h + offs_n[:, None] * ss_n + offs_p[None, :] * ss_p,
                       mask=n_ok[:, None] & p_ok[None, :], other=0.0)
        acc = tl.dot(cm, s_in.to(cm.dtype)) * tl.exp(cum_m)[:, None]
        for k0 in range(0, m0 + BLOCK_M, BLOCK_M):
            kk = k0 + offs_k
            k_ok = kk < valid
            pos_k = start + kk
            bk = tl.load(b_ptr + bi * sb_b + g * sb_g + pos_k[:, None] * sb_l + offs_n[None, :] * sb_n,
                         mask=k_ok[:, None] & n_ok[None, :], other=0.0)  # (K, N)
            cb = tl.dot(cm, tl.trans(bk))  # (M, K)
            cum_k = tl.load(cum_base + kk * sc_l, mask=k_ok, other=0.0)
            dt_k = tl.load(dt_ptr + bi * sd_b + h * sd_h + pos_k * sd_l, mask=k_ok, other=0.0)
            causal = (kk[None, :] <= offs_m[:, None]) & k_ok[None, :] & row_ok[:, None]
            decay = tl.exp(tl.where(causal, cum_m[:, None] - cum_k[None, :], float("-inf")))
            w = cb * decay * dt_k[None, :]
            xk = tl.load(x_ptr + bi * sx_b + h * sx_h + pos_k[:, None] * sx_l + offs_p[None, :] * sx_p,
                         mask=k_ok[:, None] & p_ok[None, :], other=0.0)  # (K, P)
            acc += tl.dot(w.to(xk.dtype), xk)
        xm = tl.load(x_ptr + bi * sx_b + h * sx_h + pos_m[:, None] * sx_l + offs_p[None, :] * sx_p,
                     mask=row_ok[:, None] & p_ok[None, :], other=0.0)
        acc += tl.load(d_ptr + h) * xm.to(tl.float32)
        tl.store(y_ptr + bi * sy_b + h * sy_h + pos_m[:, None] * sy_l + offs_p[None, :] * sy_p, acc.to(y_ptr.dtype.element_ty),
                 mask=row_ok[:, None] & p_ok[None, :])


def _pow2(v, least=16):
    return max(least, triton.next_power_of_2(v))


def ssd_triton(x, dt, a, b_in, c_in, chunk, d_skip=None, y=None):
    """The chunked SSD scan with its skip term: returns y (b, l, heads, headDim) in x's dtype, with
    y = scan + d_skip * x (d_skip (heads,) fp32, zeros when None), and the final state
    (b, heads, headDim, stateDim) fp32. `y`, when given, is written in place."""
    bsz, length, heads, p = x.shape
    groups, n = b_in.shape[2], b_in.shape[3]
    if n > 256 or p > 128:
        raise ValueError(f"ssd_triton handles headDim <= 128 and stateDim <= 256, not {p} and {n}")
    nc = triton.cdiv(length, chunk)
    # Within-chunk cumulative sum of dt * A, zero past the end: (b, heads, chunks, chunk), fp32.
    da = F.pad(dt * a, (0, 0, 0, nc * chunk - length))
    cum = torch.cumsum(da.view(bsz, nc, chunk, heads), dim=2).permute(0, 3, 1, 2)
    states = torch.empty(bsz, nc, heads, p, n, device=x.device, dtype=torch.float32)
    final = torch.empty(bsz, heads, p, n, device=x.device, dtype=torch.float32)
    if y is None:
        y = torch.empty(bsz, length, heads, p, device=x.device, dtype=x.dtype)
    if d_skip is None:
        d_skip = torch.zeros(heads, device=x.device, dtype=torch.float32)
    bp, bn = _pow2(p), _pow2(n)
    per_group = heads // groups
    _chunk_state[(bsz * nc, heads)](
        x, b_in, dt, cum, states, length, chunk, per_group, p, n,
        *x.stride(), *b_in.stride(), *dt.stride(), *cum.stride(), *states.stride(), nc,
        BLOCK_P=bp, BLOCK_N=bn, BLOCK_L=64 if bn <= 128 else 32, num_warps=4)
    size = p * n
    block = 1024
    _state_passing[(bsz, heads, triton.cdiv(size, block))](
        states, cum, final, nc, chunk, size, states.stride(0), states.stride(1), states.stride(2),
        *cum.stride(), final.stride(0), final.stride(1), BLOCK=block, num_warps=4)
    block_m = 64
    _chunk_scan[(bsz * nc, heads, triton.cdiv(chunk, block_m))](
        x, b_in, c_in, dt, cum, states, d_skip, y, length, chunk, per_group, p, n,
        *x.stride(), *b_in.stride(), *c_in.stride(), *dt.stride(), *cum.stride(), *states.stride(), *y.stride(), nc,
        BLOCK_M=block_m, BLOCK_P=bp, BLOCK_N=bn, num_warps=4 if bn <= 128 else 8, num_stages=2)
    return y, final
