"""Counts the operations of Megatron-Core's DeepEP path around the exchange, by running its own code on the CPU.

Megatron-LM 1e057005's _DeepepManager (megatron/core/transformer/moe/token_dispatcher.py) converts the routing map
to top-k indices before the DeepEP dispatch (setup_metadata) and the received indices back to a routing map of
the local experts after it (_indices_to_multihot; the fused Triton converter is behind ENABLE_EXPERIMENTAL, off by
default). This script runs both methods (they need no GPU and no DeepEP) under a TorchDispatchMode logger and
prints the ATen operations forward and backward. See count_router_ops.py for the approach.

Needs PyTorch only (Debian's python3-torch 1.13 works). Megatron-Core imports Triton and einops at module level;
mcore_cpu.py, shared with count_router_ops.py, puts stand-ins for both in place (neither is called here).
Usage: MCORE_SRC=dir /usr/bin/python3 count_deepep_ops.py [OUT.txt]
"""
import os
import sys
import types

from mcore_cpu import Log, kept, write

import torch  # noqa: E402
from megatron.core.transformer.moe.token_dispatcher import _DeepepManager  # noqa: E402

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


write([f"# Megatron-Core from {os.environ['MCORE_SRC']}, torch {torch.__version__}",
       f"setup_metadata (before the dispatch): {len(kept(setup))}", "  " + " ".join(kept(setup)),
       f"_indices_to_multihot forward: {len(kept(forward))}", "  " + " ".join(kept(forward)),
       f"its backward (the test's sum seeds it with ones_like): {len(kept(backward))}",
       "  " + " ".join(kept(backward))], sys.argv[1] if len(sys.argv) > 1 else None)
