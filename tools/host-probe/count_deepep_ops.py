"""Counts the operations of Megatron-Core's DeepEP path around the exchange, by running its own code on the CPU.

Megatron-LM 1e057005's _DeepepManager (megatron/core/transformer/moe/token_dispatcher.py) converts the routing map
to top-k indices before the DeepEP dispatch (setup_metadata) and the received indices back to a routing map of
the local experts after it (_indices_to_multihot; the fused Triton converter is behind ENABLE_EXPERIMENTAL, off by
default). This script runs both methods (they need no GPU and no DeepEP) under a TorchDispatchMode logger and
prints the ATen operations forward and backward. See count_router_ops.py for the approach.

Needs PyTorch only (Debian's python3-torch 1.13 works). Megatron-Core imports Triton and einops at module level;
the script puts stand-ins for both in place (neither is called here).
Usage: MCORE_SRC=dir /usr/bin/python3 count_deepep_ops.py [OUT.txt]
"""
import os
import sys
import types

sys.path.insert(0, os.environ["MCORE_SRC"])
einops = types.ModuleType("einops")
einops.rearrange = lambda *a, **k: None
sys.modules.setdefault("einops", einops)
triton = types.ModuleType("triton")
triton.jit = lambda *a, **k: (a[0] if a and callable(a[0]) else (lambda f: f))
triton.autotune = lambda *a, **k: (lambda f: f)
triton.Config = lambda *a, **k: None
triton.cdiv = lambda a, b: -(-a // b)
language = types.ModuleType("triton.language")
language.constexpr = int
triton.language = language
sys.modules.setdefault("triton", triton)
sys.modules.setdefault("triton.language", language)

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402

if not hasattr(dist, "_coalescing_manager"):
    dist._coalescing_manager = None
from megatron.core.transformer.moe.token_dispatcher import _DeepepManager  # noqa: E402
from torch.utils._python_dispatch import TorchDispatchMode  # noqa: E402

VIEWS = {"view", "_unsafe_view", "expand", "t", "transpose", "unsqueeze", "squeeze", "detach", "alias", "select",
         "slice", "as_strided", "_reshape_alias", "permute", "split", "lift_fresh", "empty", "empty_like",
         "new_empty", "empty_strided"}


class Log(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.ops = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.ops.append(func.overloadpacket.__name__)
        return func(*args, **(kwargs or {}))


# Qwen3-235B at EP8: 128 experts, top-8, 16 local experts; -1 marks experts on other ranks
manager = types.SimpleNamespace(num_local_experts=16, num_experts=128, router_topk=8, capacity_factor=None)
tokens = 512
routing_map = torch.zeros(tokens, 128, dtype=torch.bool)
scores = torch.rand(tokens, 128)
with Log() as setup:
    _DeepepManager.setup_metadata(manager, routing_map, scores)
indices = torch.randint(-1, 16, (tokens, 8))
probs = torch.rand(tokens, 8, requires_grad=True)
with Log() as forward:
    routing, multihot_probs = _DeepepManager._indices_to_multihot(manager, indices, probs)
loss = multihot_probs.sum()
with Log() as backward:
    loss.backward()


def kept(log):
    return [op for op in log.ops if op not in VIEWS]


lines = [f"# Megatron-Core from {os.environ['MCORE_SRC']}, torch {torch.__version__}",
         f"setup_metadata (before the dispatch): {len(kept(setup))}", "  " + " ".join(kept(setup)),
         f"_indices_to_multihot forward: {len(kept(forward))}", "  " + " ".join(kept(forward)),
         f"its backward (the test's sum seeds it with ones_like): {len(kept(backward))}",
         "  " + " ".join(kept(backward))]
print("\n".join(lines))
if len(sys.argv) > 1:
    with open(sys.argv[1], "w") as f:
        f.write("\n".join(lines) + "\n")
