"""Which SDPA backend to time attention with: each backend's time on a few GQA shapes.

The block profiler tries FLASH_ATTENTION, then EFFICIENT_ATTENTION, then CUDNN_ATTENTION,
taking the first that accepts a shape; this prints what each would cost, so that choice
can be checked on a new GPU or PyTorch.

    python3 experiments/profiling/sdpa_backends.py
"""

import torch
import torch.nn.functional as F
import triton.testing
from torch.nn.attention import SDPBackend, sdpa_kernel

BACKENDS = [SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.CUDNN_ATTENTION]
# (label, batch, query length, kv length, heads, kv heads, head dim, causal)
SHAPES = [
    ("prefill 70B 1x4096", 1, 4096, 4096, 64, 8, 128, True),
    ("prefill hd80 4x1024", 4, 1024, 1024, 32, 8, 80, True),
    ("prefill hd256 1x2048", 1, 2048, 2048, 16, 4, 256, True),
    ("decode 70B 64x4096", 64, 1, 4096, 64, 8, 128, False),
    ("decode 70B 1x131072", 1, 1, 131072, 64, 8, 128, False),
    ("decode hd96 256x2048", 256, 1, 2048, 32, 32, 96, False),
]


def main():
    for label, b, lq, lk, h, hkv, d, causal in SHAPES:
        q = torch.randn(b, h, lq, d, device="cuda", dtype=torch.bfloat16)
        k = torch.randn(b, hkv, lk, d, device="cuda", dtype=torch.bfloat16)
        v = torch.randn_like(k)
        cells = []
        for backend in BACKENDS:
            try:
                with sdpa_kernel([backend]):
                    us = 1000 * triton.testing.do_bench(
                        lambda: F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=h != hkv),
                        warmup=25, rep=100, return_mode="median")
                cells.append(f"{backend.name} {us:.1f}us")
            except RuntimeError as err:
                cells.append(f"{backend.name} refused ({str(err).splitlines()[0][:60]})")
        print(f"{label}: " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
