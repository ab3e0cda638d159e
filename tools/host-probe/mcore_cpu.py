"""Shared set-up of the CPU probes that run Megatron-Core code (count_router_ops.py, count_deepep_ops.py).

Importing it puts MCORE_SRC on the path, installs stand-ins for modules Megatron-Core imports at module level but
these probes never call (einops, Triton), and adapts Debian's PyTorch 1.13 to the names a 2025 Megatron-Core
expects (torch.distributed._coalescing_manager, new_group's newer keyword arguments, torch.cuda.current_device,
which the router uses to move CPU weights). Log records every ATen operation dispatched inside it; kept() drops
the views and allocations that launch no kernel.
"""
import os
import sys
import types

sys.path.insert(0, os.environ["MCORE_SRC"])


def _stand_in(name, **attributes):
    if name not in sys.modules:
        module = types.ModuleType(name)
        for key, value in attributes.items():
            setattr(module, key, value)
        sys.modules[name] = module
    return sys.modules[name]


def _not_needed(*args, **kwargs):
    raise RuntimeError("stand-in: not needed by the CPU probes")


_stand_in("einops", rearrange=_not_needed)
_language = _stand_in("triton.language", constexpr=int)
_stand_in("triton", jit=lambda *a, **k: (a[0] if a and callable(a[0]) else (lambda f: f)),
          autotune=lambda *a, **k: (lambda f: f), Config=lambda *a, **k: None, cdiv=lambda a, b: -(-a // b),
          language=_language)

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
from torch.utils._python_dispatch import TorchDispatchMode  # noqa: E402

if not hasattr(dist, "_coalescing_manager"):
    dist._coalescing_manager = None
_new_group = dist.new_group


def _compatible_new_group(*args, **kwargs):
    for key in ("use_local_synchronization", "group_desc", "device_id"):
        kwargs.pop(key, None)
    return _new_group(*args, **kwargs)


dist.new_group = _compatible_new_group
torch.cuda.current_device = lambda: "cpu"

VIEWS = {"view", "_unsafe_view", "expand", "t", "transpose", "unsqueeze", "squeeze", "detach", "alias", "select",
         "slice", "as_strided", "_reshape_alias", "permute", "split", "lift_fresh", "empty", "empty_like",
         "new_empty", "empty_strided"}


class Log(TorchDispatchMode):
    """Records the name of every ATen operation dispatched while it is active."""

    def __init__(self):
        super().__init__()
        self.ops = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.ops.append(func.overloadpacket.__name__)
        return func(*args, **(kwargs or {}))


def kept(log):
    """The logged operations that are not views or bare allocations."""
    return [op for op in log.ops if op not in VIEWS]


def init_single_rank(port="29533"):
    """A world of one rank on gloo, with Megatron-Core's parallel state at TP = PP = 1."""
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", port)
    dist.init_process_group("gloo", rank=0, world_size=1)
    from megatron.core import parallel_state
    parallel_state.initialize_model_parallel(1, 1)


def write(lines, path):
    """Prints the result lines and writes them to path when one is given."""
    print("\n".join(lines))
    if path:
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
