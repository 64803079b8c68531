"""``autograd.functional``: PyTorch's older Jacobian API, ``jacobian`` and ``hessian``.

The same numbers as :mod:`autograd_mini.func` (which these call), with
``torch.autograd.functional``'s calling convention: ``inputs`` is a Tensor or a tuple of
Tensors (all of them differentiated), the result is a Tensor, a tuple over inputs, or a tuple
over outputs of tuples over inputs, and the options are PyTorch's:

* ``create_graph``: keep the result differentiable (the passes are recorded);
* ``strict``: refuse an output that does not depend on the inputs instead of giving zeros;
* ``vectorize``: PyTorch batches the passes with vmap; here the passes run one by one either
  way, and ``vectorize`` only matters for the checks PyTorch makes (``strategy="forward-mode"``
  needs it, ``strict`` refuses it);
* ``strategy`` (``outer_jacobian_strategy`` in ``hessian``): ``"reverse-mode"`` (one backward
  pass per output element, ``func.jacrev``) or ``"forward-mode"`` (one forward sweep per input
  element, ``func.jacfwd``). A forward-mode Hessian is forward-over-reverse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..tensors import Tensor

__all__ = ["hessian", "jacobian"]


def _as_tuple(who: str, inputs: Any) -> tuple[bool, tuple[Any, ...]]:
    many = isinstance(inputs, tuple)
    xs = inputs if many else (inputs,)
    for x in xs:
        if not isinstance(x, Tensor):
            raise TypeError(
                f"The inputs given to {who} must be either a Tensor or a tuple of Tensors but "
                f"the given inputs has type {type(inputs if not many else x).__name__} "
                "(autograd.functional takes Tensors; for Values use autograd_mini.func)")
    return many, xs


def _check_strategy(strategy: str, vectorize: bool, strict: bool, create_graph: bool,
                    who: str) -> None:
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError(
            f'{who}: Expected strategy to be either "forward-mode" or "reverse-mode", got '
            f'{strategy!r}. Hint: If your function has more outputs than inputs, '
            '"forward-mode" tends to be more performant. Otherwise, prefer to use '
            '"reverse-mode".')
    if strict and vectorize:
        raise RuntimeError(f"{who}: `strict=True` and `vectorized=True` are not supported "
                           "together. Please either set `strict=False` or `vectorize=False`.")
    if strategy == "forward-mode":
        if strict:
            raise RuntimeError(f'{who}: `strict=True` and `strategy="forward-mode"` are not '
                               'supported together (yet). Please either set `strict=False` '
                               'or `strategy="reverse-mode"`.')
        if create_graph:
            raise NotImplementedError(
                f'{who}: `create_graph=True` and `strategy="forward-mode"` are not supported '
                'together (yet). Please either set `create_graph=False` or '
                '`strategy="reverse-mode"`.')
        if not vectorize:
            raise NotImplementedError(
                f"{who}: Computing Jacobian using forward-AD or forward-over-reverse Hessian is "
                "only implemented for `vectorize=True` (as in PyTorch); pass vectorize=True "
                "(autograd_mini then sweeps forward once per input element)")


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False,
             strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs`` (``torch.autograd.functional.jacobian``).

    For one input and one output, a Tensor of shape output.shape + input.shape; for a tuple
    of inputs, a tuple of those; for a tuple of outputs, a tuple over outputs (of tuples
    over inputs when ``inputs`` is a tuple). An output that does not depend on an input
    gives zeros (an error with ``strict=True``).
    """
    from .. import func as transforms

    who = "torch.autograd.functional.jacobian"
    many, xs = _as_tuple("jacobian", inputs)
    _check_strategy(strategy, vectorize, strict, create_graph, who)
    checked = _checked("jacobian", func)
    argnums = tuple(range(len(xs))) if many else 0
    leaves = _leaves(xs, create_graph)
    if strict:
        _strict_check(checked, leaves, create_graph)
    make = transforms.jacfwd if strategy == "forward-mode" else transforms.jacrev
    return make(checked, argnums)(*leaves)


def _checked(who: str, func: Callable[..., Any], scalar: bool = False) -> Callable[..., Any]:
    """``func``, with PyTorch's TypeError when it returns something other than Tensors (and,
    for hessian, its RuntimeError when the output has more than one element)."""

    def checked(*args: Any) -> Any:
        out = func(*args)
        outs = out if isinstance(out, tuple) else (out,)
        for o in outs:
            if not isinstance(o, Tensor):
                raise TypeError(
                    f"The outputs of the user-provided function given to {who} must be either "
                    f"a Tensor or a tuple of Tensors but the given outputs of the user-provided "
                    f"function has type {type(o if isinstance(out, tuple) else out).__name__}.")
        if scalar:
            if isinstance(out, tuple) or out.data.size != 1:
                raise RuntimeError(
                    "The Tensor returned by the function given to hessian should contain a "
                    f"single element (got {'a tuple' if isinstance(out, tuple) else 'shape '}"
                    f"{'' if isinstance(out, tuple) else tuple(out.shape)}); reduce it (e.g. "
                    ".sum()) or use jacobian")
            return out.reshape(())
        return out

    return checked


def _leaves(xs: tuple[Any, ...], create_graph: bool) -> list[Any]:
    """What the transforms differentiate at: with create_graph, the inputs themselves when
    they require grad (the result is then differentiable with respect to them, as in
    PyTorch), else leaves that require grad (so that the passes are recorded); without it,
    the inputs detached."""
    if not create_graph:
        return [x.detach() for x in xs]
    return [x if x.requires_grad else x.detach().requires_grad_(True) for x in xs]


def _strict_check(func: Callable[..., Any], leaves: list[Any], create_graph: bool) -> None:
    """strict=True: every output must depend on the inputs (and, with create_graph, its
    gradient must too), as PyTorch checks."""
    from ..engine import enable_grad, grad

    xs = [x.detach().requires_grad_(True) for x in leaves]
    with enable_grad():
        out = func(*xs)
        outs = out if isinstance(out, tuple) else (out,)
        for i, o in enumerate(outs):
            if not o.requires_grad or (o._op is None and not any(o is x for x in xs)):
                raise RuntimeError(
                    f"Output {i} of the user-provided function does not require gradients. "
                    "The outputs must be computed in a differentiable manner from the input "
                    "when running in strict mode.")
            gs = grad(o.sum(), xs, create_graph=create_graph, allow_unused=True)
            for k, g in enumerate(gs):
                if g is None or (create_graph and not g.requires_grad):
                    raise RuntimeError(
                        f"The jacobian of the user-provided function is independent of input "
                        f"{k}. This is not allowed in strict mode"
                        + (" when create_graph=True." if g is not None else "."))


def hessian(func: Callable[..., Any], inputs: Any, create_graph: bool = False,
            strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of the scalar function ``func`` at ``inputs``
    (``torch.autograd.functional.hessian``): the Jacobian of its gradient, whose inner
    Jacobian is always reverse mode and whose outer one is ``outer_jacobian_strategy``
    ("forward-mode": forward-over-reverse). For a tuple of inputs, a tuple of tuples
    (``H[i][j]`` = d² f / d inputs[i] d inputs[j]).
    """
    from .. import func as transforms

    who = "torch.autograd.functional.hessian"
    many, xs = _as_tuple("hessian", inputs)
    _check_strategy(outer_jacobian_strategy, vectorize, strict, create_graph, who)
    argnums = tuple(range(len(xs))) if many else 0
    inner = transforms.jacrev(_checked("hessian", func, scalar=True), argnums)
    leaves = _leaves(xs, create_graph)
    if strict:
        _strict_hessian(inner, leaves, many)
    make = transforms.jacfwd if outer_jacobian_strategy == "forward-mode" else transforms.jacrev
    return make(inner, argnums)(*leaves)


def _strict_hessian(inner: Callable[..., Any], leaves: list[Any], many: bool) -> None:
    from ..engine import enable_grad, grad

    xs = [x.detach().requires_grad_(True) for x in leaves]
    with enable_grad():
        gs = inner(*xs)
        for k, g in enumerate(gs if many else (gs,)):
            if not (g.requires_grad and g._op is not None) or all(
                    r is None for r in grad(g.sum(), xs, allow_unused=True)):
                raise RuntimeError(
                    "While computing the hessian, found that the jacobian of the user-provided "
                    f"function with respect to input {k} is independent of the input. This is "
                    "not allowed in strict mode. You should ensure that your function is twice "
                    "differentiable and that the jacobian depends on the inputs (this would be "
                    "violated by a linear function for example).")
