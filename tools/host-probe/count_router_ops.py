"""Counts the operations Megatron-Core's MoE router launches, by running its own code on the CPU.

Megatron-LM's megatron/core at the commit under study (1e057005 for the ModelZoo's May-2025 Qwen3 runs) is
taken as source from MCORE_SRC. A TorchDispatchMode logs every ATen operation of one TopKRouter forward and
backward (aux-loss balancing, softmax after top-k, FP32 router, forced balance: the ModelZoo's Qwen3 settings)
after a warm-up step. On a GPU each non-view ATen operation is one kernel launch, except where noted in
sim-engine's RouterKernels (torch.topk launches a gather and a sort; an out-of-place scatter copies, then
scatters). The counts, not the CPU times, are what this measures: they check moe-sim's code-read counts.

Needs PyTorch only (Debian's python3-torch 1.13 works) and no GPU. Megatron-Core 1e057005 expects a newer
PyTorch and einops, so this script patches three things before importing it: a stand-in einops module (only
used to lay out ranks of multi-GPU groups), torch.distributed._coalescing_manager and new_group's newer keyword
arguments, and torch.cuda.current_device (the router moves CPU weights to it); mcore_cpu.py does all three. World size 1 on gloo: the
auxiliary loss's all-reduce over the TP x CP group is skipped, as it is for TP = CP = 1.

Usage: MCORE_SRC=dir /usr/bin/python3 count_router_ops.py [OUT.txt]
"""
import os
import sys

from mcore_cpu import Log, init_single_rank, kept, write

import torch  # noqa: E402

init_single_rank()
from megatron.core.transformer.moe.moe_utils import get_default_model_comm_pgs  # noqa: E402
from megatron.core.transformer.moe.router import TopKRouter  # noqa: E402
from megatron.core.transformer.transformer_config import TransformerConfig  # noqa: E402

config = TransformerConfig(
    num_layers=2, hidden_size=256, num_attention_heads=4, ffn_hidden_size=512, num_moe_experts=128,
    moe_router_topk=8, moe_router_load_balancing_type="aux_loss", moe_aux_loss_coeff=1e-3, moe_router_dtype="fp32",
    moe_router_force_load_balancing=True, moe_ffn_hidden_size=128, bf16=True, params_dtype=torch.bfloat16,
    add_bias_linear=False, use_cpu_initialization=True)
router = TopKRouter(config=config, model_comm_pgs=get_default_model_comm_pgs())
router.set_layer_number(1)
router.train()
x = torch.randn(64, 1, 256, dtype=torch.bfloat16, requires_grad=True)
for step in range(2):  # the second step is the steady state (the first creates the loss tracker)
    x.grad = None
    router.weight.grad = None
    with Log() as forward:
        probs, routing_map = router(x)
    loss = probs.sum()
    with Log() as backward:
        loss.backward()
fwd = kept(forward)
bwd = kept(backward)
write([f"# Megatron-Core from {os.environ['MCORE_SRC']}, torch {torch.__version__}",
       f"forward non-view ATen ops: {len(fwd)}", "  " + " ".join(fwd),
       f"backward non-view ATen ops (seeded by the test's sum, one ones_like is autograd's seed): {len(bwd)}",
       "  " + " ".join(bwd)], sys.argv[1] if len(sys.argv) > 1 else None)
