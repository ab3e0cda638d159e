"""Host (CPU) time of a Megatron-Core MoE transformer layer in eager PyTorch, on one GPU.

Megatron-Core is taken as source (megatron/core of Megatron-LM commit 1e057005, the code of the ModelZoo's
May-2025 Qwen3-235B runs) from the folder named by MCORE_SRC. Transformer Engine is not available on the
probe machine, so the layer is Megatron-Core's *local* implementation (torch Linear layers, unfused
attention, SequentialMLP: one MLP module per local expert). For each configuration it measures, after
warm-up: wall time per forward+backward with tiny inputs (the GPU idles, so this is the host time), the
number of cudaLaunchKernel calls per step (torch.profiler), and at a realistic size the GPU time.
With MCORE_SPEC=te the layer is built from Megatron-Core's Transformer Engine spec instead (TE modules, grouped
GEMM over TE's GroupedLinear), as the ModelZoo runs were; that needs Transformer Engine installed (the runs used
release_v2.2) and has not been run yet: no machine available to moe-sim had Transformer Engine.
Usage: OUT=dir MCORE_SRC=dir [MCORE_SPEC=local|te] python3 megatron_host.py
"""
import csv, json, os, sys, time, traceback

OUT = os.environ.get("OUT", "/tmp/probe-out")
os.makedirs(OUT, exist_ok=True)
sys.path.insert(0, os.environ["MCORE_SRC"])
os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
os.environ.setdefault("MASTER_PORT", "29517")
os.environ.setdefault("CUDA_DEVICE_MAX_CONNECTIONS", "1")
import warnings
warnings.filterwarnings("ignore")
import torch
import torch.nn.functional as F

T0 = time.time()


def log(*a):
    print(f"[{time.time() - T0:6.1f}s]", *a, flush=True)


torch.cuda.set_device(0)
torch.distributed.init_process_group("nccl", rank=0, world_size=1)
from megatron.core import parallel_state
parallel_state.initialize_model_parallel(tensor_model_parallel_size=1, pipeline_model_parallel_size=1)
from megatron.core.tensor_parallel.random import model_parallel_cuda_manual_seed
model_parallel_cuda_manual_seed(1234)
from megatron.core.transformer.transformer_config import TransformerConfig
from megatron.core.models.gpt.gpt_layer_specs import get_gpt_layer_local_spec
SPEC = os.environ.get("MCORE_SPEC", "local")
if SPEC not in ("local", "te"):
    sys.exit("MCORE_SPEC must be local or te, got " + SPEC)
if SPEC == "te":
    from megatron.core.models.gpt.gpt_layer_specs import get_gpt_layer_with_transformer_engine_spec
from megatron.core.transformer.spec_utils import build_module
log("megatron-core imported")


def make_layer(experts, topk, heads, groups, dispatcher):
    cfg = TransformerConfig(
        num_layers=1, hidden_size=4096, ffn_hidden_size=12288, num_attention_heads=heads, num_query_groups=groups,
        kv_channels=128, normalization="RMSNorm", gated_linear_unit=True, activation_func=F.silu,
        add_bias_linear=False, qk_layernorm=True, hidden_dropout=0.0, attention_dropout=0.0,
        bias_activation_fusion=False, bias_dropout_fusion=False, masked_softmax_fusion=False,
        apply_rope_fusion=False, persist_layer_norm=False, bf16=True, params_dtype=torch.bfloat16,
        pipeline_dtype=torch.bfloat16,
        num_moe_experts=experts, moe_router_topk=topk, moe_ffn_hidden_size=1536,
        moe_router_load_balancing_type="aux_loss", moe_aux_loss_coeff=1e-3, moe_router_dtype="fp32",
        moe_router_force_load_balancing=True, moe_token_dispatcher_type=dispatcher, moe_grouped_gemm=SPEC == "te")
    if SPEC == "te":
        spec = get_gpt_layer_with_transformer_engine_spec(num_experts=experts, moe_grouped_gemm=True,
                                                          qk_layernorm=True)
    else:
        spec = get_gpt_layer_local_spec(num_experts=experts, moe_grouped_gemm=False, qk_layernorm=True,
                                        normalization="RMSNorm")
    return build_module(spec, config=cfg, layer_number=1).cuda()


def launches_per_step(step):
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        step()
        torch.cuda.synchronize()
    launches = kernels = 0
    for e in prof.key_averages():
        if e.key in ("cudaLaunchKernel", "cudaLaunchKernelExC", "cuLaunchKernel", "cuLaunchKernelEx"):
            launches += e.count
    for e in prof.events():
        if getattr(e, "device_type", None) is not None and str(e.device_type).endswith("CUDA"):
            kernels += 1
    return launches, kernels


def host_ms(step, iters=20):
    for _ in range(5):
        step()
    torch.cuda.synchronize()
    samples = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(iters):
            step()
        t1 = time.perf_counter()
        torch.cuda.synchronize()
        t2 = time.perf_counter()
        samples.append(((t1 - t) / iters * 1e3, (t2 - t) / iters * 1e3))
    samples.sort()
    return samples[len(samples) // 2]  # (host-side issue time, wall incl. GPU drain) per step, ms


def gpu_ms(step, iters=10):
    for _ in range(3):
        step()
    torch.cuda.synchronize()
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    t = time.perf_counter()
    s.record()
    for _ in range(iters):
        step()
    e.record()
    torch.cuda.synchronize()
    return s.elapsed_time(e) / iters, (time.perf_counter() - t) / iters * 1e3


rows = []
table = open(os.path.join(OUT, "megatron_host.csv"), "w", newline="")
w = csv.writer(table)
w.writerow(["part", "experts", "topk", "heads", "kv_groups", "dispatcher", "tokens", "issue_ms", "wall_ms",
            "gpu_ms", "launches", "kernels"])
configs = [("layer", 16, 8, 16, 1, "alltoall"), ("moe", 16, 8, 16, 1, "alltoall"), ("moe", 4, 4, 16, 1, "alltoall"),
           ("moe", 8, 8, 16, 1, "alltoall"), ("moe", 32, 8, 16, 1, "alltoall"), ("layer", 4, 4, 32, 2, "alltoall"),
           ("moe", 16, 8, 16, 1, "allgather"), ("attention", 16, 8, 16, 1, "alltoall")]
for part, experts, topk, heads, groups, dispatcher in configs:
    if time.time() - T0 > float(os.environ.get("PROBE_BUDGET_S", "200")):
        log("budget reached")
        break
    try:
        layer = make_layer(experts, topk, heads, groups, dispatcher)
        for tokens in (128, 4096):
            x = torch.randn(tokens, 1, 4096, device="cuda", dtype=torch.bfloat16, requires_grad=True)
            if part == "layer":
                def step():
                    out, _ = layer(x, attention_mask=None)
                    out.float().sum().backward()
            elif part == "moe":
                def step():
                    out, _ = layer.mlp(layer.pre_mlp_layernorm(x))
                    out.float().sum().backward()
            else:
                def step():
                    out, _ = layer.self_attention(layer.input_layernorm(x), attention_mask=None)
                    out.float().sum().backward()
            if tokens == 128:
                issue, wall = host_ms(step)
                launches, kernels = launches_per_step(step)
                g = float("nan")
            else:
                g, wall = gpu_ms(step)
                issue, launches, kernels = float("nan"), 0, 0
            row = [part, experts, topk, heads, groups, dispatcher, tokens, round(issue, 3), round(wall, 3),
                   round(g, 3), launches, kernels]
            w.writerow(row)
            table.flush()
            log(*row)
        del layer
        torch.cuda.empty_cache()
    except Exception:
        log("failed", part, experts, dispatcher, traceback.format_exc()[-1500:])
with open(os.path.join(OUT, "megatron_env.json"), "w") as f:
    json.dump({"torch": torch.__version__, "spec": SPEC, "elapsed_s": time.time() - T0}, f)
log("done")
