"""Check gradients against finite differences, as ``torch.autograd.gradcheck``.

The backward pass computes each gradient from the rule table; a central
difference estimates the same number from the forward pass alone::

    d f / d x[j]  ~  (f(x + eps·e_j) - f(x - eps·e_j)) / (2·eps)

with an error of order eps² (about 1e-12 in float64 for eps = 1e-6, far below the
default tolerances). ``gradcheck`` builds both full Jacobians, one row per
output element and one column per input element, and compares them element by
element. When they differ it names the worst element, so a wrong rule can be
found.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .engine import grad, no_grad
from .tensors import Tensor

__all__ = ["GradcheckError", "gradcheck"]


class GradcheckError(RuntimeError):
    """Analytic and numerical gradients disagree (PyTorch's ``GradcheckError``)."""


def gradcheck(fn: Callable[..., Any], inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True) -> bool:
    """True when ``fn``'s analytic gradients match central differences.

    ``inputs`` is a Tensor or a tuple of arguments for ``fn``; the Tensors among
    them that require grad are checked (use float64: float32 rounding swamps a
    central difference). ``fn`` returns a Tensor or a tuple of Tensors. An element
    fails when |analytic - numerical| > atol + rtol·|numerical|; then a
    :class:`GradcheckError` names the output, the input, the worst element and
    both values (or, with ``raise_exception=False``, gradcheck returns False).
    """
    args = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    wrt = [i for i, x in enumerate(args) if isinstance(x, Tensor) and x.requires_grad]
    if not wrt:
        raise ValueError("gradcheck: no input is a Tensor that requires grad; create the "
                         "inputs to check with requires_grad=True")
    for i in wrt:
        if args[i].dtype != np.float64:
            warnings.warn(f"gradcheck: input {i} is {args[i].dtype}, not float64; central "
                          "differences in low precision are too coarse to check against",
                          UserWarning, stacklevel=2)
    outputs = _outputs(fn(*args))
    analytic = _analytic(outputs, [args[i] for i in wrt])
    numerical = _numerical(fn, args, wrt, eps)
    for o, out in enumerate(outputs):
        for k, i in enumerate(wrt):
            a, n = analytic[o][k], numerical[o][k]
            excess = np.abs(a - n) - (atol + rtol * np.abs(n))
            if not np.all(excess <= 0):  # nan counts as a failure too
                excess = np.where(np.isnan(excess), np.inf, excess)
                row, col = np.unravel_index(int(np.argmax(excess)), excess.shape)
                out_at = np.unravel_index(int(row), out.shape) if out.shape else ()
                in_at = np.unravel_index(int(col), args[i].shape) if args[i].shape else ()
                av, nv = float(a[row, col]), float(n[row, col])
                message = (
                    f"gradcheck: Jacobian mismatch for output {o} with respect to input {i}, "
                    f"worst at output element {tuple(int(j) for j in out_at)} and input "
                    f"element {tuple(int(j) for j in in_at)}: analytic {av!r}, numerical "
                    f"{nv!r}, |difference| {abs(av - nv):.3g} > atol + rtol·|numerical| = "
                    f"{atol + rtol * abs(nv):.3g} (atol={atol:g}, rtol={rtol:g}, eps={eps:g}); "
                    f"{int(np.sum(~(excess <= 0)))} of {excess.size} elements differ")
                if raise_exception:
                    raise GradcheckError(message)
                return False
    return True


def _outputs(result: Any) -> tuple[Tensor, ...]:
    outs = result if isinstance(result, (tuple, list)) else (result,)
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(f"gradcheck: fn must return Tensors, got {type(o).__name__}")
    return tuple(outs)


def _analytic(outputs: tuple[Tensor, ...], inputs: list[Tensor]) -> list[list[Any]]:
    """Jacobians from the backward pass: one backward per output element (a row each)."""
    result = []
    for out in outputs:
        jac = [np.zeros((out.data.size, x.data.size)) for x in inputs]
        if out.requires_grad:
            for row in range(out.data.size):
                seed = np.zeros(out.data.size, dtype=out.dtype)
                seed[row] = 1.0
                gs = grad(out, inputs, grad_outputs=seed.reshape(out.shape), allow_unused=True)
                for j, g in enumerate(gs):
                    if g is not None:
                        jac[j][row] = g.data.ravel()
        result.append(jac)
    return result


def _numerical(fn: Callable[..., Any], args: tuple[Any, ...], wrt: list[int],
               eps: float) -> list[list[Any]]:
    """Jacobians from central differences: two forward passes per input element (a column)."""
    sizes = [o.data.size for o in _outputs(fn(*args))]
    n_out = len(sizes)
    result: list[list[Any]] = [[] for _ in range(n_out)]
    for i in wrt:
        x = args[i]
        original = x._data
        columns: list[list[Any]] = [[] for _ in range(n_out)]
        try:
            for j in range(original.size):
                values = []
                for step in (eps, -eps):
                    moved = original.copy()
                    moved.flat[j] += step
                    x._data = moved  # (not .data: a perturbation is no edit to count)
                    with no_grad():
                        values.append([o.data.astype(np.float64).ravel()
                                       for o in _outputs(fn(*args))])
                for o in range(n_out):
                    columns[o].append((values[0][o] - values[1][o]) / (2 * eps))
        finally:
            x._data = original  # the numbers are back: graphs recorded before stay valid
        for o in range(n_out):
            jac = np.array(columns[o]).reshape(original.size, sizes[o]).T
            result[o].append(jac)
    return result
