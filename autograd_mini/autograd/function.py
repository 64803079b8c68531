"""``autograd.Function``: a learner's own rule, with its own forward and backward.

As in PyTorch::

    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad_output):
            (y,) = ctx.saved_tensors
            return grad_output * y

    z = Exp.apply(x)

How it fits the engine. Each subclass gets one n-ary :class:`~autograd_mini.engine.Rule`,
made the first time it is applied and kept on the class (its name is the class name, so
``draw``, ``explain`` and ``backprop_steps`` show ``Exp`` like any built-in op). The node
``apply`` returns holds that rule, the Tensor arguments as its parents and the ``ctx``
object as its context. The rule's backward formula calls ``Exp.backward(ctx, grad)``:

* in a plain backward pass ``grad`` is a leaf Tensor over the engine's gradient array (no
  copy), the user's backward runs under ``no_grad``, and the arrays of what it returns are
  handed to the parents;
* with ``create_graph=True`` ``grad`` is the recorded gradient and the saved tensors are the
  graph's own nodes, so a backward written with Tensor operations is itself recorded and
  can be differentiated again.

A node never points back at itself: when ``forward`` saves its own result
(``save_for_backward(y)`` above), ``ctx`` keeps a marker instead, and ``saved_tensors``
gives the node's value during the backward call only. The saved tensors' versions are
noted when the node is made and checked before every backward pass (``tensors/versions.py``
asks the ctx), so a saved tensor edited in place is refused as PyTorch refuses it.

Functions work on Tensors only; a Value (the scalar node kind) has its own rule table
(``scalar/rules.py``). A forward that returns several tensors (a tuple) is not supported.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from ..engine import Rule, is_grad_enabled, nary, no_grad
from ..scalar import Value
from ..tensors import Tensor, unbroadcast
from ..tensors.nodes import _leaf, _make
from ..tensors.versions import _shared_counter, _version

__all__ = ["Function", "FunctionCtx"]


class _Output:
    """What ``ctx`` keeps in place of the node's own result (a reference would be a cycle)."""

    def __repr__(self) -> str:
        return "<the output of the Function>"


_OUTPUT = _Output()


class FunctionCtx:
    """The ``ctx`` of :class:`Function`: what ``forward`` leaves for ``backward``.

    ``save_for_backward(*tensors)`` keeps tensors (inputs, the output, or tensors made in
    forward) for ``saved_tensors``; ``needs_input_grad`` has one bool per argument of
    forward (False for a non-Tensor argument); ``mark_non_differentiable(t)`` says the
    output has no gradient. Any other attribute (``ctx.k = 3``) is kept as set.
    """

    needs_input_grad: tuple[bool, ...]

    def __init__(self, name: str, needs_input_grad: tuple[bool, ...]) -> None:
        self.needs_input_grad = needs_input_grad
        self._name = name
        self._to_save: tuple[Any, ...] = ()
        self._saved: tuple[Any, ...] | None = None  # after apply: tensors, _OUTPUT or None
        self._versions: tuple[int, ...] = ()
        self._out: Tensor | None = None  # the output, only while backward runs
        self._non_differentiable: tuple[Any, ...] = ()
        self._shapes: tuple[tuple[int, ...], ...] = ()  # of the Tensor arguments
        self._dtypes: tuple[Any, ...] = ()
        self._positions: tuple[int, ...] = ()  # where the Tensor arguments are in forward's
        self._for_forward: tuple[Any, ...] | None = None  # save_for_forward's, for jvp
        self._in_jvp = False

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep ``tensors`` for ``backward`` (``ctx.saved_tensors``); None is allowed."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    f"save_for_backward can only save variables, but argument {i} is of type "
                    f"{type(t).__name__} (in {self._name}.forward): save Tensors (or None), and "
                    "keep other values as attributes of ctx (ctx.k = k)")
        self._to_save = tensors

    def save_for_forward(self, *tensors: Any) -> None:
        """Keep ``tensors`` for ``jvp`` (forward mode), where ``ctx.saved_tensors`` gives
        them, as in PyTorch (without it, jvp sees the tensors saved for backward)."""
        self._for_forward = tensors

    def mark_non_differentiable(self, *tensors: Any) -> None:
        """Say that these outputs of forward have no gradient (e.g. indices)."""
        self._non_differentiable = tensors

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The tensors given to ``save_for_backward``, as they were then."""
        if self._in_jvp and self._for_forward is not None:
            return tuple(self._out if t is _OUTPUT else t for t in self._for_forward)
        if self._saved is None:  # still in forward
            return self._to_save
        if self._out is None and any(t is _OUTPUT for t in self._saved):
            raise RuntimeError(
                f"{self._name}: saved_tensors holds the Function's own output, which is "
                "available only while backward runs (ctx keeps no reference to it)")
        return tuple(self._out if t is _OUTPUT else t for t in self._saved)

    def _keep_saved(self, node: Tensor, out: Tensor, inputs: tuple[Tensor, ...]) -> None:
        """After forward: the saved tensors (the output as a marker) and their versions."""
        saved: list[Any] = []
        versions: list[int] = []
        for t in self._to_save:
            if t is None:
                saved.append(None)
                versions.append(0)
            elif t is out and not any(t is x for x in inputs):
                saved.append(_OUTPUT)
                versions.append(_version(node))
            else:
                saved.append(t)
                versions.append(_version(t))
        self._saved, self._versions, self._to_save = tuple(saved), tuple(versions), ()
        if self._for_forward is not None:  # the output as a marker here too (no cycle)
            self._for_forward = tuple(_OUTPUT if t is out and not any(t is x for x in inputs)
                                      else t for t in self._for_forward)

    def _check_saved_versions(self, node: Tensor) -> None:
        """Before a backward pass (``tensors/versions.py``): refuse edited saved tensors."""
        saved = self._saved
        if not saved:
            return
        for k, (t, was) in enumerate(zip(saved, self._versions)):
            if t is None:
                continue
            which = node if t is _OUTPUT else t
            now = _version(which)
            if now != was:
                raise _edited_error(self._name, k, which, t is _OUTPUT, was, now)


def _edited_error(name: str, k: int, t: Tensor, is_output: bool, was: int,
                  now: int) -> RuntimeError:
    what = "its output" if is_output else (f"{t.label!r}" if t.label else "a tensor")
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: saved tensor {k} of {name} ({what}, shape {tuple(t.shape)}) "
        f"is at version {now}; expected version {was} instead. {name}.backward reads it "
        "through ctx.saved_tensors, so the gradient would use the new numbers: compute the "
        "forward pass again after changing it, or save a copy (x.clone()) in forward")


class Function:
    """A differentiable operation defined by the learner, as ``torch.autograd.Function``.

    Subclass it with two static methods, ``forward(ctx, *args)`` (computes the output
    from Tensors and any other arguments; runs with grad mode off) and
    ``backward(ctx, grad_output)`` (returns one gradient per argument of forward: a Tensor
    of that argument's shape, or None), and call ``MyFunction.apply(*args)``. The output
    is a node of the graph only when a Tensor argument requires grad (and grad mode is
    on); otherwise, and when forward returns something other than a Tensor or marks its
    output with ``ctx.mark_non_differentiable``, ``apply`` returns forward's result as it
    is. Keyword arguments pass through to forward and get no gradient.

    Works on Tensors; a Value (one number) has its own rules and cannot be an argument.
    """

    _rule: ClassVar[Rule | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please "
            "use new-style autograd function with static forward method: call "
            f"{type(self).__name__}.apply(...) on the class, not on an instance")

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        """The output, computed from the arguments (override it)."""
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        """One gradient per argument of forward, given the output's gradient (override it)."""
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD.")

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        """Forward mode: the output's tangent, given one tangent per argument of forward
        (a Tensor of the argument's shape; None for a non-Tensor argument). Override it to
        use the Function under ``func.jvp``, ``func.jacfwd`` or ``func.hessian``."""
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it with "
            "forward mode AD.")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` and, when an input requires grad, record the output as a node."""
        name = cls.__name__
        for i, a in enumerate(args):
            if isinstance(a, Value):
                raise TypeError(
                    f"{name}.apply: argument {i} is a Value; autograd.Function works on "
                    "Tensors (a Value's operations use their own rules): pass a Tensor, "
                    "e.g. Tensor(v.data)")
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx = FunctionCtx(name, needs)
        with no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        if isinstance(out, (tuple, list)):
            raise NotImplementedError(
                f"{name}.forward returned a {type(out).__name__} of {len(out)} values: a "
                "Function with several outputs is not supported by autograd_mini; return "
                "one Tensor (write one Function per output, or stack them into one tensor)")
        recorded = any(needs) and is_grad_enabled() and isinstance(out, Tensor)
        if not recorded or any(out is t for t in ctx._non_differentiable):
            return out  # (a result that is no Tensor passes through, as in PyTorch)
        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        inputs = tuple(args[i] for i in positions)
        ctx._positions = positions
        ctx._shapes = tuple(t.shape for t in inputs)
        ctx._dtypes = tuple(t.data.dtype for t in inputs)
        # the node shares the output's numbers and version counter (no copy)
        node = _make(out.data, _rule_of(cls), inputs, ctx, True, _shared_counter(out))
        ctx._keep_saved(node, out, inputs)
        return node


def _rule_of(cls: type[Function]) -> Rule:
    """The class's one Rule, made on first use (kept on this class, not inherited)."""
    rule = cls.__dict__.get("_rule")
    if rule is None:
        rule = nary(cls.__name__, "", _forward_of(cls), _backward_of(cls), reads="",
                    jvp=_jvp_of(cls))
        cls._rule = rule
    return rule  # type: ignore[no-any-return]


def _forward_of(cls: type[Function]) -> Callable[..., Any]:
    def forward(parents: Any, context: Any) -> Any:
        """The rule's forward, for completeness: the engine records through ``apply``."""
        return cls.apply(*parents).data

    return forward


def _backward_of(cls: type[Function]) -> Callable[..., Any]:
    def backward(g: Any, parents: Any, ctx: FunctionCtx, out: Any) -> list[Any]:
        return _run_backward(cls, g, ctx, out)

    return backward


def _jvp_of(cls: type[Function]) -> Callable[..., Any]:
    def jvp(tangents: list[Any], parents: Any, ctx: FunctionCtx, out: Any) -> Any:
        return _run_jvp(cls, tangents, ctx, out)

    return jvp


def _run_jvp(cls: type[Function], tangents: list[Any], ctx: FunctionCtx, out: Any) -> Any:
    """The rule's forward-mode formula: ``cls.jvp(ctx, *tangents)`` as PyTorch calls it (a
    zero tangent for a Tensor argument without one, None for a non-Tensor argument), the
    result checked to be a Tensor of the output's shape; its numbers are the tangent."""
    name = cls.__name__
    if cls.jvp is Function.jvp:
        raise NotImplementedError(
            f"You must implement the jvp function for custom autograd.Function to use it with "
            f"forward mode AD: {name} defines forward and backward only, so func.jvp, "
            f"func.jacfwd and func.hessian cannot push a tangent through it; add a "
            f"@staticmethod jvp(ctx, *tangents) returning the output's tangent (one tangent "
            f"per argument of {name}.forward), or use reverse mode (func.vjp, func.jacrev)")
    args: list[Any] = [None] * len(ctx.needs_input_grad)
    for k, (i, shape, dtype) in enumerate(zip(ctx._positions, ctx._shapes, ctx._dtypes)):
        t = tangents[k]
        args[i] = _leaf(np.zeros(shape, dtype) if t is None else np.asarray(t))
    ctx._out, ctx._in_jvp = _leaf(out), True
    try:
        with no_grad():
            result = cls.jvp(ctx, *args)
    finally:
        ctx._out, ctx._in_jvp = None, False
    if not isinstance(result, Tensor) or result.shape != out.shape:
        got = (f"shape {tuple(result.shape)}" if isinstance(result, Tensor)
               else _type_name(result))
        raise RuntimeError(
            f"{name}.jvp returned {got}; it must return the output's tangent, a Tensor of the "
            f"output's shape {tuple(out.shape)}")
    return result.data


def _run_backward(cls: type[Function], g: Any, ctx: FunctionCtx, out: Any) -> list[Any]:
    """The rule's backward formula: ``cls.backward(ctx, grad)``, checked, as the engine's
    shares (arrays in a plain pass, Tensors when the pass is recorded)."""
    recorded = out.__class__ is Tensor
    if recorded:
        grad = g if g.__class__ is Tensor else _leaf(_gradient_array(g, out.data))
        ctx._out = out
    else:
        grad = _leaf(_gradient_array(g, out))
        ctx._out = _leaf(out)
    try:
        with contextlib.nullcontext() if recorded else no_grad():
            result = cls.backward(ctx, grad)
    finally:
        ctx._out = None
    return _shares(ctx, result, recorded)


def _gradient_array(g: Any, out: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The engine's gradient as an array of the output's shape (explain() passes 1.0)."""
    if g.__class__ is np.ndarray and g.shape == out.shape:
        return g  # type: ignore[no-any-return]
    return np.broadcast_to(np.asarray(g, dtype=out.dtype), out.shape)


def _shares(ctx: FunctionCtx, result: Any, recorded: bool) -> list[Any]:
    """What the user's backward returned, checked, as one share per Tensor argument."""
    name = ctx._name
    grads = result if isinstance(result, tuple) else (result,)
    expected = len(ctx.needs_input_grad)
    if len(grads) > expected and all(x is None for x in grads[expected:]):
        grads = grads[:expected]  # PyTorch allows trailing Nones
    if len(grads) != expected:
        raise RuntimeError(
            f"function {name}Backward returned an incorrect number of gradients (expected "
            f"{expected}, got {len(grads)}): {name}.backward must return one gradient per "
            "argument of forward, None for an argument that needs none")
    for i, x in enumerate(grads):
        if x is not None and not isinstance(x, Tensor):
            raise RuntimeError(
                f"expected Variable or None (got {_type_name(x)}): {name}.backward returned it "
                f"for input {i}; return a Tensor (or None), computed with Tensor operations "
                "from grad_output and ctx.saved_tensors (from_numpy wraps an array)")
        if x is not None and i not in ctx._positions:
            raise RuntimeError(
                f"function {name}Backward returned a gradient different than None at "
                f"position {i + 1}, but the corresponding forward input was not a Variable "
                f"(input {i} of {name}.forward is not a Tensor: return None for it)")
    return [None if grads[i] is None else _share(name, i, grads[i], shape, dtype, recorded)
            for i, shape, dtype in zip(ctx._positions, ctx._shapes, ctx._dtypes)]


def _type_name(x: Any) -> str:
    cls = type(x)
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__name__}"


def _share(name: str, i: int, x: Tensor, shape: tuple[int, ...], dtype: Any,
           recorded: bool) -> Any:
    """One returned gradient, in its input's dtype and summed down to its input's shape
    when it has a broadcast shape (as PyTorch does): a Tensor when the pass is recorded,
    else an array."""
    if x.shape != shape:
        try:
            fits = np.broadcast_shapes(shape, x.shape) == x.shape
        except ValueError:
            fits = False
        if not fits:
            raise RuntimeError(
                f"Function {name}Backward returned an invalid gradient at index {i} - got "
                f"{list(x.shape)} but expected shape compatible with {list(shape)} "
                f"({name}.backward must return, for input {i}, a gradient of that input's "
                f"shape {tuple(shape)})")
    if recorded:
        if x.data.dtype != dtype:
            x = x.to(dtype)
        return x if x.shape == shape else unbroadcast(x, shape)
    # a new array or a view, never the array itself: it may be the incoming gradient, a
    # saved tensor's numbers or another input's gradient, and a leaf keeps as its .grad
    # only an array that no one else holds (Tensor._first_grad copies a view)
    arr = x.data
    if arr.dtype != dtype:
        arr = arr.astype(dtype)
    return arr[...] if arr.shape == shape else unbroadcast(arr, shape)
