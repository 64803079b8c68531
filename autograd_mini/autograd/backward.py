"""``backward(tensors, grad_tensors)``: ``torch.autograd.backward``, the backward pass from
several roots at once, accumulating into ``.grad`` (of every leaf, or of ``inputs`` only).

The same pass as ``t.backward()`` (``engine/backward.py``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from ..engine import backward_pass

__all__ = ["backward"]


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """Add the gradients of ``tensors`` (weighted by ``grad_tensors``) to ``.grad``.

    ``tensors`` is a Tensor or a sequence of them; ``grad_tensors`` gives one gradient per
    tensor (None: 1 for a one-element tensor), so ``backward([y1, y2], [g1, g2])`` equals
    ``(y1 * g1).sum() + (y2 * g2).sum()`` differentiated. With ``inputs``, only those tensors'
    ``.grad`` change. ``retain_graph`` is accepted for PyTorch compatibility (graphs are
    never freed here); ``create_graph=True`` records the pass, as in ``Tensor.backward``.
    """
    roots = _as_list(tensors)
    if not roots:
        raise RuntimeError("backward: tensors is empty; pass the tensor(s) to differentiate")
    if grad_tensors is None:
        gradients: list[Any] = [None] * len(roots)
    else:
        gradients = _as_list(grad_tensors)
        if len(gradients) != len(roots):
            raise RuntimeError(
                f"backward: got {len(roots)} tensors and {len(gradients)} grad_tensors; give "
                "one gradient per tensor (None for a one-element tensor)")
    for i, t in enumerate(roots):
        if not getattr(t, "requires_grad", False):
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn: "
                "create the inputs with requires_grad=True (and not under no_grad)")
    if create_graph:
        warnings.warn(
            "backward(create_graph=True) stores in each leaf's .grad a Tensor whose history "
            "leads back to the leaf: a reference cycle that reference counting cannot free. "
            "Prefer autograd_mini.grad(..., create_graph=True)", UserWarning, stacklevel=2)
    seeds = [t._seed(g, create_graph, "backward") for t, g in zip(roots, gradients)]
    if inputs is None:
        backward_pass(roots, seeds, create_graph=create_graph, capture=())
        return
    wanted = _as_list(inputs)
    if not wanted:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    grads = backward_pass(roots, seeds, create_graph=create_graph, accumulate=False,
                          capture=wanted)
    for x in dict.fromkeys(wanted):  # each input once, in the order given
        g = grads.get(x)
        if g is not None:
            x._accumulate_grad(g)


def _as_list(x: Any) -> list[Any]:
    return list(x) if isinstance(x, Sequence) and not hasattr(x, "_op") else [x]
