"""``grad(outputs, inputs)``: gradients returned instead of stored, as ``torch.autograd.grad``.

The same backward pass as ``backward()`` (``backward.py``), asked to capture the inputs'
gradients and to leave every ``.grad`` alone.
"""

from __future__ import annotations

from typing import Any

from .backward import backward_pass

__all__ = ["grad"]


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Any, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, as ``torch.autograd.grad``.

    Returns a tuple with one gradient per input and leaves every ``.grad`` alone.
    ``grad_outputs`` weights each output (default 1 for a scalar output). With
    ``create_graph=True`` the backward pass is itself recorded, so the results can be
    differentiated again: for y = x**3 at x = 2, three nested calls give 12, 12 and 6.
    An input the outputs do not depend on is an error unless ``allow_unused=True``
    (then its gradient is None). ``retain_graph`` is accepted for PyTorch compatibility:
    a backward pass never frees the graph here, so it can always be walked again.
    """
    outs = _as_tuple(outputs, "outputs")
    ins = _as_tuple(inputs, "inputs")
    if grad_outputs is None:
        gos: tuple[Any, ...] = (None,) * len(outs)
    else:
        gos = _as_tuple(grad_outputs, "grad_outputs")
        if len(gos) != len(outs):
            raise ValueError(
                f"grad: got {len(gos)} grad_outputs for {len(outs)} outputs; give one per output"
            )
    for i, out in enumerate(outs):
        if not out.requires_grad or (out._op is None and not any(out is x for x in ins)):
            raise ValueError(
                f"grad: output {i} ({_name(out)}) does not require grad and has no history, "
                "so nothing depends on the inputs; was it computed under no_grad?"
            )
    seeds = [out._seed(go, create_graph, "grad") for out, go in zip(outs, gos)]
    grads = backward_pass(outs, seeds, create_graph=create_graph, accumulate=False, capture=ins)
    result = []
    for i, x in enumerate(ins):
        g = grads.get(x)
        if g is None and not allow_unused:
            raise ValueError(
                f"grad: input {i} ({_name(x)}) was not used to compute the outputs; "
                "pass allow_unused=True to get None for it"
            )
        result.append(None if g is None else x._grad_result(g, create_graph))
    return tuple(result)


def _as_tuple(x: Any, what: str) -> tuple[Any, ...]:
    if isinstance(x, (list, tuple)):
        if not x:
            raise ValueError(f"grad: {what} is empty")
        return tuple(x)
    return (x,)


def _name(node: Any) -> str:
    label = getattr(node, "label", "")
    return f"{type(node).__name__} {label!r}" if label else type(node).__name__
