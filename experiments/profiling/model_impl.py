"""A whole nas-sim architecture as one PyTorch model with random weights, and its serving steps.

`ModelRunner(arch, batch, max_context)` builds every layer of an architecture (nas-sim's JSON:
`hidden`, `embedding`, `layers` of `{mixer, ffn}` block specs, as `model_cases.ts` writes it) on
the GPU in bf16, with a KV cache or recurrent state per layer sized for `batch` sequences of
`max_context` tokens. `prefill_step(seq_len)` and `decode_step(context_len)` return zero-argument
functions that run one serving step of the batch:

- the embedding gather of the step's token ids;
- every layer: each sub-block as block_impls times it (pre-norm RMSNorm, the sub-block, the residual
  add), attention with RoPE applied to Q and K by one Triton kernel (`_rope`, in place on the fused QKV
  output, rotate-half pairs as in Llama) and its new K/V written into the layer's cache, Mamba-2 prefill
  with ssd_triton's chunked scan, Mamba-2 decode with block_impls' eager state update or, with
  `ssm_decode="triton"`, ssm_decode_triton's fused kernels;
- the final RMSNorm and the LM head on the positions that need logits: the last position of each
  sequence in prefill, every sequence in decode;
- sampling over the vocabulary: fp32 softmax, then the exponential race (argmax of p / q with q drawn
  from Exp(1)), which draws from the softmax distribution; the token goes back into the ids buffer.

A step is one graph's worth of kernels: the profiler captures it in a CUDA graph.
"""

import torch
import torch.nn.functional as F
import triton
import triton.language as tl

import block_impls
import ssd_triton

BF16 = torch.bfloat16
DEVICE = "cuda"
NORM_EPS = block_impls.NORM_EPS
ROPE_THETA = 500000.0  # Llama-3's rope_theta (data/models/llama-3.1-8b.json)


@triton.jit
def _rope(qkv_ptr, cos_ptr, sin_ptr, pos_ptr, row_stride, rot_heads, half,
          BLOCK: tl.constexpr):
    """Rotates one head of one token in place: pairs (i, i + half) of the head's first 2*half dims."""
    t = tl.program_id(0)
    h = tl.program_id(1)
    offs = tl.arange(0, BLOCK)
    mask = offs < half
    pos = tl.load(pos_ptr + t)
    base = qkv_ptr + t * row_stride + h * 2 * half
    x1 = tl.load(base + offs, mask=mask, other=0.0).to(tl.float32)
    x2 = tl.load(base + half + offs, mask=mask, other=0.0).to(tl.float32)
    c = tl.load(cos_ptr + pos * half + offs, mask=mask, other=0.0)
    s = tl.load(sin_ptr + pos * half + offs, mask=mask, other=0.0)
    tl.store(base + offs, (x1 * c - x2 * s).to(qkv_ptr.dtype.element_ty), mask=mask)
    tl.store(base + half + offs, (x2 * c + x1 * s).to(qkv_ptr.dtype.element_ty), mask=mask)


def rope_inplace(qkv, positions, cos, sin, rot_heads, head_dim):
    """RoPE on the first `rot_heads` heads (the query heads, then the key heads) of each row of the fused
    QKV output `qkv` (tokens, width), in place; `positions` (tokens,) int32."""
    half = head_dim // 2
    _rope[(qkv.shape[0], rot_heads)](qkv, cos, sin, positions, qkv.stride(0), rot_heads, half,
                                     BLOCK=triton.next_power_of_2(half), num_warps=1)


def rope_tables(max_len, head_dim):
    inv = ROPE_THETA ** (-torch.arange(0, head_dim // 2, device=DEVICE, dtype=torch.float32) * 2 / head_dim)
    angles = torch.arange(max_len, device=DEVICE, dtype=torch.float32)[:, None] * inv[None, :]
    return torch.cos(angles).contiguous(), torch.sin(angles).contiguous()


def _randn(*shape, scale=1.0):
    return torch.empty(*shape, device=DEVICE, dtype=BF16).normal_(0.0, scale)


class Weight:
    def __init__(self, out_features, in_features):
        self.weight = _randn(out_features, in_features, scale=in_features ** -0.5)

    def __call__(self, x):
        return F.linear(x, self.weight)


class Attention:
    def __init__(self, spec, runner):
        h, self.heads, self.kv_heads, self.d = spec["hidden"], spec["heads"], spec["kvHeads"], spec["headDim"]
        if spec.get("window") is not None or spec.get("sharesKv"):
            raise ValueError("sliding windows and shared KV are not profiled")
        self.h = h
        self.q_dim, self.kv_dim = self.heads * self.d, self.kv_heads * self.d
        self.norm_w = block_impls._norm_weight(h)
        self.qkv = Weight(self.q_dim + 2 * self.kv_dim, h)
        self.out = Weight(h, self.q_dim)
        b, ctx = runner.batch, runner.max_context
        self.k_cache = _randn(b, self.kv_heads, ctx, self.d)
        self.v_cache = _randn(b, self.kv_heads, ctx, self.d)
        self.runner = runner
        self.backend = None

    def cache_bytes(self):
        return 2 * self.k_cache.numel() * 2

    def __call__(self, x, step):
        b, length, _ = x.shape
        r = self.runner
        y = F.rms_norm(x, (self.h,), self.norm_w, NORM_EPS)
        qkv = self.qkv(y).view(b * length, -1)
        cos, sin = r.rope(self.d)
        rope_inplace(qkv, r.positions, cos, sin, self.heads + self.kv_heads, self.d)
        q, k, v = qkv.view(b, length, -1).split([self.q_dim, self.kv_dim, self.kv_dim], dim=-1)
        q = q.view(b, length, self.heads, self.d).transpose(1, 2)
        k = k.view(b, length, self.kv_heads, self.d).transpose(1, 2)
        v = v.view(b, length, self.kv_heads, self.d).transpose(1, 2)
        gqa = self.kv_heads != self.heads
        if step.phase == "prefill":
            self.k_cache[:, :, :length].copy_(k)
            self.v_cache[:, :, :length].copy_(v)
            with block_impls.sdpa_kernel([r.backend]):
                a = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=gqa)
        else:
            ctx = step.context
            self.k_cache[:, :, ctx - 1].copy_(k[:, :, 0])
            self.v_cache[:, :, ctx - 1].copy_(v[:, :, 0])
            with block_impls.sdpa_kernel([r.backend]):
                a = F.scaled_dot_product_attention(q, self.k_cache[:, :, :ctx], self.v_cache[:, :, :ctx], enable_gqa=gqa)
        return x + self.out(a.transpose(1, 2).reshape(b, length, self.q_dim))


class Ffn:
    def __init__(self, spec, runner):
        self.h, inter, self.act = spec["hidden"], spec["intermediate"], spec["activation"]
        self.norm_w = block_impls._norm_weight(self.h)
        self.up = Weight(2 * inter if self.act == "swiglu" else inter, self.h)
        self.down = Weight(self.h, inter)

    def __call__(self, x, step):
        u = self.up(F.rms_norm(x, (self.h,), self.norm_w, NORM_EPS))
        if self.act == "swiglu":
            gate, lin = u.chunk(2, dim=-1)
            a = F.silu(gate) * lin
        else:
            a = torch.relu(u).square()
        return x + self.down(a)


class Linear:
    def __init__(self, spec, runner):
        self.h = spec["hidden"]
        self.norm_w = block_impls._norm_weight(self.h)
        self.proj = Weight(self.h, self.h)

    def __call__(self, x, step):
        return x + self.proj(F.rms_norm(x, (self.h,), self.norm_w, NORM_EPS))


class Mamba2:
    def __init__(self, spec, runner):
        self.h, self.heads, self.p, self.n, self.groups, self.k = (
            spec[f] for f in ("hidden", "heads", "headDim", "stateDim", "groups", "convKernel"))
        self.chunk = spec.get("chunkSize", 256)
        self.d_inner, self.gs = self.heads * self.p, self.groups * self.n
        self.conv_ch = self.d_inner + 2 * self.gs
        self.norm_w = block_impls._norm_weight(self.h)
        self.in_proj = Weight(2 * self.d_inner + 2 * self.gs + self.heads, self.h)
        self.out_proj = Weight(self.h, self.d_inner)
        self.conv_w = _randn(self.conv_ch, 1, self.k, scale=self.k ** -0.5)
        self.conv_b = _randn(self.conv_ch, scale=0.1)
        self.dt_bias = torch.log(torch.expm1(torch.empty(self.heads, device=DEVICE).uniform_(1e-3, 1e-1)))
        self.a = -torch.empty(self.heads, device=DEVICE).uniform_(1, 16)
        self.skip = torch.ones(self.heads, device=DEVICE)
        self.gn_w = block_impls._norm_weight(self.d_inner)
        self.decode = runner.ssm_decode
        b = runner.batch
        self.conv_state = _randn(b, self.conv_ch, self.k)
        self.ssm_state = _randn(b, self.heads, self.p, self.n, scale=0.1)

    def cache_bytes(self):
        return 2 * (self.conv_state.numel() + self.ssm_state.numel())

    def __call__(self, x, step):
        b, length, _ = x.shape
        zxbcdt = self.in_proj(F.rms_norm(x, (self.h,), self.norm_w, NORM_EPS))
        z, xbc, dt = zxbcdt.split([self.d_inner, self.conv_ch, self.heads], dim=-1)
        if step.phase == "prefill":
            xbc = F.silu(F.conv1d(xbc.transpose(1, 2), self.conv_w, self.conv_b, padding=self.k - 1,
                                  groups=self.conv_ch)[..., :length])
            xs, bm, cm = xbc.transpose(1, 2).contiguous().split([self.d_inner, self.gs, self.gs], dim=-1)
            dt = F.softplus(dt.float() + self.dt_bias)
            xh = xs.reshape(b, length, self.heads, self.p)
            y, _ = ssd_triton.ssd_triton(xh, dt, self.a, bm.reshape(b, length, self.groups, self.n),
                                         cm.reshape(b, length, self.groups, self.n), self.chunk, d_skip=self.skip)
            y = y.reshape(b, length, self.d_inner)
        else:
            y = block_impls.decode_update(self.decode, self.conv_state, self.ssm_state, xbc[:, 0], dt[:, 0],
                                          self.dt_bias, self.a, self.conv_w, self.conv_b, self.skip, self.groups)
            y = y.reshape(b, 1, self.d_inner)
        return x + self.out_proj(block_impls._gated_norm(y, z, self.gn_w, self.groups))


BUILDERS = {"attention": Attention, "ffn": Ffn, "linear": Linear, "mamba2": Mamba2}


class Step:
    def __init__(self, phase, length=None, context=None):
        self.phase, self.length, self.context = phase, length, context


class ModelRunner:
    def __init__(self, arch, batch, max_context, backend, ssm_decode="einsum"):
        """ssm_decode: Mamba-2's decode update, "einsum" (block_impls' eager PyTorch) or "triton" (fused)."""
        self.arch, self.batch, self.max_context, self.backend = arch, batch, max_context, backend
        self.ssm_decode = ssm_decode
        emb = arch["embedding"]
        self.hidden, self.vocab = emb["hidden"], emb["vocabSize"]
        self.embed = _randn(self.vocab, self.hidden)
        self.lm_head = self.embed if emb["tied"] else _randn(self.vocab, self.hidden, scale=self.hidden ** -0.5)
        self.final_norm = block_impls._norm_weight(self.hidden)
        self.blocks = []
        for layer in arch["layers"]:
            for slot in ("mixer", "ffn"):
                spec = layer[slot]
                if spec["type"] == "noop":
                    continue
                if spec["type"] not in BUILDERS:
                    raise ValueError(f"block type {spec['type']} is not profiled")
                self.blocks.append(BUILDERS[spec["type"]](spec, self))
        self.ids = torch.randint(0, self.vocab, (batch, max_context), device=DEVICE)
        self._rope = {}
        self.positions = None

    def rope(self, head_dim):
        if head_dim not in self._rope:
            self._rope[head_dim] = rope_tables(self.max_context, head_dim)
        return self._rope[head_dim]

    def _sample(self, last):
        logits = F.linear(F.rms_norm(last, (self.hidden,), self.final_norm, NORM_EPS), self.lm_head)
        probs = torch.softmax(logits.float(), dim=-1)
        race = probs / torch.empty_like(probs).exponential_()
        return race.argmax(dim=-1)

    def prefill_step(self, seq_len):
        step = Step("prefill", length=seq_len)
        positions = torch.arange(seq_len, device=DEVICE, dtype=torch.int32).repeat(self.batch)
        ids = self.ids[:, :seq_len]
        out = self.ids[:, seq_len]

        def run():
            self.positions = positions
            x = F.embedding(ids, self.embed)
            for block in self.blocks:
                x = block(x, step)
            out.copy_(self._sample(x[:, -1]))
            return x

        return run

    def decode_step(self, context):
        step = Step("decode", context=context)
        positions = torch.full((self.batch,), context - 1, device=DEVICE, dtype=torch.int32)
        ids = self.ids[:, context - 1:context]
        out = self.ids[:, min(context, self.max_context - 1)]

        def run():
            self.positions = positions
            x = F.embedding(ids, self.embed)
            for block in self.blocks:
                x = block(x, step)
            out.copy_(self._sample(x[:, -1]))
            return x

        return run

    def cache_bytes(self):
        return sum(b.cache_bytes() for b in self.blocks if hasattr(b, "cache_bytes"))


def weight_bytes(arch):
    """bf16 bytes of an architecture's weights, for sizing before building."""
    emb = arch["embedding"]
    total = emb["vocabSize"] * emb["hidden"] * (1 if emb["tied"] else 2)
    for layer in arch["layers"]:
        for spec in (layer["mixer"], layer["ffn"]):
            t, h = spec["type"], spec["hidden"]
            if t == "attention":
                total += h * spec["headDim"] * (2 * spec["heads"] + 2 * spec["kvHeads"])
            elif t == "ffn":
                total += h * spec["intermediate"] * (3 if spec["activation"] == "swiglu" else 2)
            elif t == "linear":
                total += h * h
            elif t == "mamba2":
                inner = spec["heads"] * spec["headDim"]
                total += h * (2 * inner + 2 * spec["groups"] * spec["stateDim"] + spec["heads"]) + inner * h
    return 2 * total


def cache_bytes_estimate(arch, batch, context):
    total = 0
    for layer in arch["layers"]:
        m = layer["mixer"]
        if m["type"] == "attention":
            total += 2 * batch * m["kvHeads"] * context * m["headDim"] * 2
        elif m["type"] == "mamba2":
            total += 2 * batch * m["heads"] * m["headDim"] * m["stateDim"]
    return total

