"""CPU cost of Megatron-Core's per-module and per-parameter Python hooks, measured on the host alone.

Megatron-Core's DistributedDataParallel (megatron/core/distributed/distributed_data_parallel.py at
Megatron-LM 1e057005, the code of the Megatron-MoE-ModelZoo's May-2025 Qwen3-235B runs) adds host work
that the probe of a bare layer (tools/hopper-probe/megatron_host.py) does not see:

* with the distributed optimizer and --overlap-param-gather, a forward pre-hook on *every* sub-module:
  it walks the module's own parameters, looks each up in a dict of bucket groups and calls the bucket
  group's finish-param-sync, which after the first micro-batch only checks two attributes;
* a hook on every parameter's gradient accumulator: it checks the gradient, sets param.grad to None and
  registers the gradient as ready (a no-op check except on the last micro-batch);
* Transformer Engine's modules (v2.2) hand autograd a dummy weight gradient per weight when the weight
  gradient was accumulated into main_grad (gradient-accumulation fusion): an attribute store and a
  torch.empty per weight, which autograd's AccumulateGrad node then stores as param.grad.

This script rebuilds that control flow (written for this probe, not copied) on CPU tensors and measures,
by difference, the CPU time each adds per module call and per parameter. It needs only PyTorch (any
version with grad-accumulator hooks; Debian's python3-torch 1.13 works) and no GPU. CPU tensors stand in
for CUDA ones: the hooks themselves are Python and the autograd engine's C++, the same on either device;
a CUDA torch.empty goes through the caching allocator instead of malloc (kept small here so that neither
pays for page mapping).

Usage: python3 ddp_hooks.py [OUT.csv]
"""
import csv
import platform
import statistics
import sys
import time

import torch

torch.set_num_threads(1)


class DdpConfig:
    use_distributed_optimizer = True
    overlap_param_gather = True
    overlap_grad_reduce = True
    align_param_gather = False


class BucketGroup:
    """The bucket-group state the hooks touch, in the steady state (every micro-batch after the first)."""

    def __init__(self, params):
        self.ddp_config = DdpConfig()
        self.param_gather_dispatched = True
        self.param_gather_handle = None
        self.next_param_gather_bucket_group = None
        self.is_last_microbatch = False
        self.params = set(params)
        self.params_with_grad = set()

    def finish_param_sync(self, skip_next_bucket_dispatch=False):
        assert self.ddp_config.use_distributed_optimizer
        assert self.ddp_config.overlap_param_gather
        if not self.param_gather_dispatched:
            raise RuntimeError("not in the steady state")
        if self.param_gather_handle is not None:
            raise RuntimeError("not in the steady state")

    def register_grad_ready(self, param):
        assert self.ddp_config.overlap_grad_reduce
        if self.is_last_microbatch:
            self.params_with_grad.add(param)


class Hooks:
    def __init__(self, model):
        self.ddp_config = DdpConfig()
        params = [p for p in model.parameters() if p.requires_grad]
        group = BucketGroup(params)
        self.param_to_bucket_group = {p: group for p in params}
        self.overlap_param_gather_with_optimizer_step = False
        self.handles = []
        self.grad_accs = []
        self.model = model

    def forward_pre_hook(self, module, *unused):
        for param in module.parameters(recurse=False):
            if param not in self.param_to_bucket_group:
                continue
            assert param.requires_grad
            skip = self.ddp_config.align_param_gather or self.overlap_param_gather_with_optimizer_step
            self.param_to_bucket_group[param].finish_param_sync(skip_next_bucket_dispatch=skip)

    def make_grad_hook(self, param):
        def hook(*unused):
            if param in self.param_to_bucket_group:
                assert param.requires_grad
                if self.ddp_config.overlap_grad_reduce:
                    assert param.grad is not None
                if param.grad is not None and (
                        not param.grad_added_to_main_grad or getattr(param, "zero_out_wgrad", False)):
                    param.main_grad.add_(param.grad.data)
                param.grad = None
                if self.ddp_config.overlap_grad_reduce:
                    self.param_to_bucket_group[param].register_grad_ready(param)
        return hook

    def enable_forward_pre_hooks(self):
        for m in self.model.modules():
            self.handles.append(m.register_forward_pre_hook(self.forward_pre_hook))

    def disable_forward_pre_hooks(self):
        for h in self.handles:
            h.remove()
        self.handles = []

    def enable_grad_hooks(self):
        for p in self.model.parameters():
            if p.requires_grad:
                acc = p.expand_as(p).grad_fn.next_functions[0][0]
                acc.register_hook(self.make_grad_hook(p))
                self.grad_accs.append(acc)


class FusedWeightsFn(torch.autograd.Function):
    """Stands in for a Transformer Engine linear: cheap forward, and in backward one dummy weight gradient
    per weight after flagging it as already accumulated into main_grad (what TE 2.2 does under
    Megatron's gradient-accumulation fusion)."""

    @staticmethod
    def forward(ctx, x, *weights):
        ctx.weights = weights
        return x.clone()

    @staticmethod
    def backward(ctx, grad):
        grads = []
        for w in ctx.weights:
            if w.requires_grad:
                w.grad_added_to_main_grad = True
                grads.append(torch.empty(w.main_grad.shape, dtype=w.dtype, device=w.device))
            else:
                grads.append(None)
        return (grad, *grads)


class Leaf(torch.nn.Module):
    def __init__(self, n_params, requires_grad):
        super().__init__()
        self.n = n_params
        for i in range(n_params):
            w = torch.nn.Parameter(torch.zeros(8, 8), requires_grad=requires_grad)
            w.main_grad = torch.zeros(8, 8)
            w.grad_added_to_main_grad = False
            setattr(self, f"weight{i}", w)

    def forward(self, x):
        if self.n == 0:
            return x.clone()
        return FusedWeightsFn.apply(x, *[getattr(self, f"weight{i}") for i in range(self.n)])


class Chain(torch.nn.Module):
    def __init__(self, modules, params_each, requires_grad):
        super().__init__()
        self.leaves = torch.nn.ModuleList([Leaf(params_each, requires_grad) for _ in range(modules)])

    def forward(self, x):
        for leaf in self.leaves:
            x = leaf(x)
        return x


def median_us(fn, reps, rounds=15):
    for _ in range(reps):
        fn()
    samples = []
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(reps):
            fn()
        samples.append((time.perf_counter() - t) / reps * 1e6)
    return statistics.median(samples)


def forward_hook_cost(modules, params_each):
    model = Chain(modules, params_each, True)
    hooks = Hooks(model)
    x = torch.zeros(4, requires_grad=True)

    def fwd():
        with torch.no_grad():
            model(x)

    base = median_us(fwd, 200)
    hooks.enable_forward_pre_hooks()
    hooked = median_us(fwd, 200)
    hooks.disable_forward_pre_hooks()
    # Chain itself and the ModuleList are modules too, but only Chain is called; ModuleList is not.
    return base, hooked, (hooked - base) / (modules + 1)


def backward_param_cost(modules, params_each):
    x = torch.zeros(4, requires_grad=True)

    def run(model):
        def step():
            model(x).sum().backward()
        return median_us(step, 100)

    frozen = run(Chain(modules, params_each, False))
    plain_model = Chain(modules, params_each, True)
    plain = run(plain_model)
    hooked_model = Chain(modules, params_each, True)
    Hooks(hooked_model).enable_grad_hooks()
    hooked = run(hooked_model)
    n = modules * params_each
    return frozen, plain, hooked, (plain - frozen) / n, (hooked - frozen) / n


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else None
    rows = []
    for modules, params_each in [(16, 0), (16, 1), (16, 2), (4, 16), (2, 16), (8, 4)]:
        base, hooked, per_module = forward_hook_cost(modules, params_each)
        rows.append(["forward-pre-hook", modules, params_each, round(base, 2), round(hooked, 2), "",
                     round(per_module, 3)])
        print(rows[-1], flush=True)
    for modules, params_each in [(16, 1), (4, 16), (2, 16), (8, 4)]:
        frozen, plain, hooked, per_param_plain, per_param_hooked = backward_param_cost(modules, params_each)
        rows.append(["backward-per-param-no-ddp-hook", modules, params_each, round(frozen, 2), round(plain, 2), "",
                     round(per_param_plain, 3)])
        rows.append(["backward-per-param-with-ddp-hook", modules, params_each, round(frozen, 2), round(hooked, 2),
                     "", round(per_param_hooked, 3)])
        print(rows[-2], rows[-1], flush=True)
    header = ["what", "modules", "params_per_module", "baseline_us", "measured_us", "", "us_each"]
    env = {"torch": torch.__version__, "python": platform.python_version(), "cpu": platform.processor() or
           platform.machine()}
    print(env)
    if out:
        with open(out, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["# " + ", ".join(f"{k} {v}" for k, v in env.items())])
            w.writerow(header)
            w.writerows(rows)


if __name__ == "__main__":
    main()
