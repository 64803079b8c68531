"""autograd_mini: reverse-mode automatic differentiation for learning how backpropagation works.

The package, in the order a reader meets it:

* ``engine/``   the one graph walk (topological order, the backward pass, ``grad()``),
  grad modes and anomaly checks
* ``scalar/``   :class:`Value` and the table of its derivative rules
* ``tensors/``  :class:`Tensor` and the tables of its derivative rules, by family
* ``nn/``, ``optim/``, ``data.py``, ``train.py``  training, with PyTorch's names
* ``viz/``      drawing, explaining, stepping through the backward pass
* ``cli/``      the command line and the course's worked example

Only the engine and the two node kinds load with ``import autograd_mini``; the rest
(drawing, nn, optim, data sets, the progress bar) loads when first used, so a notebook
or a command starts quickly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import numpy as np

from .engine import (
    AnomalyError,
    detect_anomaly,
    enable_grad,
    grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .scalar import Value
from .tensors import (
    Tensor,
    abs,
    arange,
    as_tensor,
    cat,
    clamp,
    concatenate,
    cos,
    cumsum,
    device,
    dot,
    double,
    empty,
    empty_like,
    exp,
    eye,
    float32,
    float64,
    floor_divide,
    fmod,
    from_numpy,
    full,
    full_like,
    int32,
    int64,
    linspace,
    log,
    long,
    manual_seed,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mm,
    norm,
    ones,
    ones_like,
    pow,
    prod,
    rand,
    rand_like,
    randn,
    randn_like,
    relu,
    remainder,
    sigmoid,
    sin,
    sqrt,
    stack,
    sum,
    tanh,
    tensor,
    where,
    zeros,
    zeros_like,
)

if TYPE_CHECKING:  # what __getattr__ below loads on first use, for type checkers
    from . import autograd, data, func, nn, optim, train
    from .gradient_check import GradcheckError, gradcheck
    from .serialization import load, save
    from .tensors.generators import Generator
    from .tensors.sampling import multinomial, randint, randint_like, randperm
    from .viz.draw import draw
    from .viz.explain import explain
    from .viz.steps import backprop_steps, forward_steps

# PyTorch's torch.float, torch.int and torch.bool (as double is torch.double, long torch.long).
# Left out of __all__, unlike torch's: `from autograd_mini import *` would hide Python's float,
# int and bool.
float = float32
int = int32
bool = np.dtype(np.bool_)

# name -> (module, attribute); attribute None: the module itself
_LAZY: dict[str, tuple[str, str | None]] = {
    "autograd": (".autograd", None),
    "data": (".data", None),
    "func": (".func", None),
    "nn": (".nn", None),
    "optim": (".optim", None),
    "train": (".train", None),
    "GradcheckError": (".gradient_check", "GradcheckError"),
    "Generator": (".tensors.generators", "Generator"),
    "multinomial": (".tensors.sampling", "multinomial"),
    "randint": (".tensors.sampling", "randint"),
    "randint_like": (".tensors.sampling", "randint_like"),
    "randperm": (".tensors.sampling", "randperm"),
    "gradcheck": (".gradient_check", "gradcheck"),
    "load": (".serialization", "load"),
    "save": (".serialization", "save"),
    "draw": (".viz.draw", "draw"),
    "explain": (".viz.explain", "explain"),
    "backprop_steps": (".viz.steps", "backprop_steps"),
    "forward_steps": (".viz.steps", "forward_steps"),
}


def __getattr__(name: str) -> Any:
    """Load a part of the package the first time it is asked for (PEP 562)."""
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'autograd_mini' has no attribute {name!r}")
    module = importlib.import_module(where[0], __name__)
    # Bind every name that module gives, so that the next lookup is an ordinary attribute.
    # (No lazy name is also the name of a module of the package, test_layout checks: the
    # import of autograd_mini.<name> would bind the module over the function.)
    for lazy, (source, attribute) in _LAZY.items():
        if source == where[0]:
            globals()[lazy] = module if attribute is None else getattr(module, attribute)
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "AnomalyError",
    "Generator",
    "GradcheckError",
    "Tensor",
    "Value",
    "abs",
    "arange",
    "as_tensor",
    "autograd",
    "backprop_steps",
    "cat",
    "clamp",
    "concatenate",
    "cos",
    "cumsum",
    "data",
    "detect_anomaly",
    "device",
    "dot",
    "double",
    "draw",
    "empty",
    "empty_like",
    "enable_grad",
    "exp",
    "explain",
    "eye",
    "float32",
    "float64",
    "floor_divide",
    "fmod",
    "forward_steps",
    "from_numpy",
    "full",
    "full_like",
    "func",
    "grad",
    "gradcheck",
    "int32",
    "int64",
    "is_grad_enabled",
    "linspace",
    "load",
    "log",
    "long",
    "manual_seed",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mm",
    "multinomial",
    "nn",
    "no_grad",
    "norm",
    "ones",
    "ones_like",
    "optim",
    "pow",
    "prod",
    "rand",
    "rand_like",
    "randint",
    "randint_like",
    "randn",
    "randn_like",
    "randperm",
    "relu",
    "remainder",
    "save",
    "set_grad_enabled",
    "sigmoid",
    "sin",
    "sqrt",
    "stack",
    "sum",
    "tanh",
    "tensor",
    "train",
    "where",
    "zeros",
    "zeros_like",
]
__version__ = "0.1.0"
