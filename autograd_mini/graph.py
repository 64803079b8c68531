"""The one graph walk: grad mode, topological order, and the backward pass.

Every node kind (the scalar :class:`~autograd_mini.Value`, the array
:class:`~autograd_mini.Tensor`) stores its history in the same four slots::

    data   what the node holds (a float, an ndarray)
    _op    the Rule that made it; None for a leaf (made by the user, or under no_grad)
    _a     first operand: a parent node; for n-ary rules, a tuple of parent nodes
    _b     second operand: a parent node when the rule is binary; otherwise the
           rule's constant (the 3 in ``x * 3``) or context (the axis of a sum)

and ``Rule.arity`` says which of ``_a``/``_b`` are parents. Each kind also has
``requires_grad`` (gradient flows into the node), ``_retains_grad`` (backward keeps
its gradient in ``.grad`` although it is not a leaf; every Value does), a ``_g`` slot
(its gradient so far, used only during a backward pass; None otherwise) and the hooks
``_seed``, ``_grad_result`` and ``_first_grad`` that ``grad()`` and ``backward()`` use.
A kind may also define ``_check_graph(order)`` (a static method), called before a
backward pass moves any gradient, to refuse a graph it cannot differentiate correctly
(Tensor: one whose operands were edited in place after the forward pass).

Constants stay plain numbers instead of becoming nodes, and a node keeps no
closure: it points at its parents and at a shared Rule, never back at itself, so
dropping a graph frees it by reference counting alone (micrograd's per-node
closures make cycles and leave them to the slow cyclic garbage collector).

One iterative walk (:func:`topological_order`, an explicit stack, no recursion)
serves both node kinds, ``backward()`` and :func:`~autograd_mini.grad`.

Graph lifetime. A backward pass frees nothing. A rule reads only its operands, its
result and its context (cross_entropy's context keeps the log-probabilities it
computed), all of which the graph holds anyway: there are no intermediate buffers
that PyTorch would free after ``backward()`` unless ``retain_graph=True``. So every
graph can be walked again, each pass adding its gradients once more, and
``retain_graph`` is accepted only for compatibility. A graph lives as long as
something refers to its output, and reference counting frees it when dropped.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, TypeVar

__all__ = [
    "AnomalyError",
    "Rule",
    "Saved",
    "backward_pass",
    "detect_anomaly",
    "enable_grad",
    "is_grad_enabled",
    "no_grad",
    "parents",
    "set_grad_enabled",
    "shares_of",
    "topological_order",
]

UNARY, BINARY, NARY, WEIGHTED = 1, 2, 0, 3


class Rule(NamedTuple):
    """How one kind of node computes its value and sends gradient back.

    ``backward`` holds one vector-Jacobian product per parent: given the gradient
    ``g`` of the final output with respect to this node, it returns that
    parent's share. For unary and binary rules each is called as ``f(g, a, b, out)``
    with the operands and the node's own value; n-ary rules have a single entry
    called as ``f(g, parents, b, out)`` that returns a list, one share per parent.
    A ``WEIGHTED`` rule is an n-ary rule whose every share is ``g`` times a number, as
    in a weighted sum (the scalar ``dot``): its entry returns the pair ``(g, coefficients)``
    instead, the share of parent i being ``g * coefficients[i]``, and the walk multiplies
    as it adds, without a list of shares (a neuron of the scalar MLP has 33 parents).
    All rules are linear in ``g``, so ``f(1, ...)`` is the local derivative
    d out / d parent that drawings and explanations print.

    In an ordinary backward pass the arguments are plain numbers (floats or
    arrays). With ``create_graph=True`` they are the nodes themselves, so the same
    formula records a graph of the backward pass and gradients of gradients work.
    An n-ary node whose context ``b`` is :class:`Saved` already holds every number its
    formula reads, and a plain pass gives it ``None`` for ``parents``.
    """

    name: str
    arity: int
    forward: Callable[..., Any]
    backward: tuple[Callable[..., Any], ...]
    symbol: str = ""


class Saved(tuple):  # type: ignore[type-arg]
    """An n-ary node's context that holds every number its backward formula reads, saved
    by the forward pass (as PyTorch's nodes save their inputs), so that a plain backward
    pass need not read all its parents' numbers again: it passes ``None`` for them."""

    __slots__ = ()


def shares_of(op: Rule, result: Any) -> Any:
    """What an n-ary rule's backward returned, as one share per parent."""
    if op.arity == WEIGHTED:
        g, coefficients = result
        return [g * c for c in coefficients]
    return result


# --------------------------------------------------------------------------- modes
class _Mode(threading.local):
    """This thread's mode: recording a graph (on by default), checking for nan/inf (off)."""

    enabled = True
    anomaly = False


_mode = _Mode()
# Reading a threading.local costs ~55 ns, a third of making a node. So ops first read
# this shared count of threads whose mode is not the default (a one-item list, so the
# modules that imported it see updates) and take the slow path, `record`, only when it
# is non-zero.
threads_off_default = [0]
_count_lock = threading.Lock()
F = TypeVar("F", bound=Callable[..., Any])


def _set_mode(enabled: bool | None = None, anomaly: bool | None = None) -> None:
    with _count_lock:
        before = (not _mode.enabled) or _mode.anomaly
        if enabled is not None:
            _mode.enabled = enabled
        if anomaly is not None:
            _mode.anomaly = anomaly
        threads_off_default[0] += ((not _mode.enabled) or _mode.anomaly) - before


def record(node: Any, op: Rule, a: Any, b: Any) -> Any:
    """Give a new node its history as this thread's mode says (the slow path of every op)."""
    if _mode.enabled:
        node._op, node._a, node._b = op, a, b
    else:
        node._op = node._a = node._b = None
    if _mode.anomaly:
        _check_forward(node, op, a, b)
    return node


def is_grad_enabled() -> bool:
    """True when new operations in this thread record their history (the default)."""
    return _mode.enabled


class set_grad_enabled:
    """Turn graph recording on or off in this thread, as a context manager or decorator."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self.prev: list[bool] = []

    def __enter__(self) -> None:
        self.prev.append(_mode.enabled)
        _set_mode(enabled=self.mode)

    def __exit__(self, *exc: object) -> None:
        _set_mode(enabled=self.prev.pop())

    def __call__(self, fn: F) -> F:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(set_grad_enabled):
    """Context manager and decorator: inside it, operations record no graph.

    Use it for parameter updates and evaluation. It affects only the current thread.
    """

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Context manager and decorator that turns recording back on inside ``no_grad``."""

    def __init__(self) -> None:
        super().__init__(True)


class AnomalyError(FloatingPointError):
    """An op or a gradient produced nan or inf from finite inputs (see ``detect_anomaly``)."""


class detect_anomaly:
    """Context manager: stop at the first op that turns finite numbers into nan or inf.

    Inside it, every forward op and every step of the backward pass is checked, and
    the first one that produces nan or inf from finite inputs raises
    :class:`AnomalyError` naming the op, its inputs (labels, values or shapes) and
    what went bad, e.g. ``log`` of a negative number. Affects only this thread and
    slows things down, so use it to hunt a nan, not for training.
    """

    def __init__(self) -> None:
        self.prev: list[bool] = []

    def __enter__(self) -> None:
        self.prev.append(_mode.anomaly)
        _set_mode(anomaly=True)

    def __exit__(self, *exc: object) -> None:
        _set_mode(anomaly=self.prev.pop())


# Why an op may turn finite inputs into nan or inf: forward, then backward (by op name,
# shared by Values and Tensors); ops not listed can only overflow.
_HINTS = {
    "log": "log is defined for x > 0: log(0) = -inf and log(x < 0) = nan",
    "log1p": "log1p(x) = log(1 + x) is defined for x > -1: log1p(-1) = -inf, below it nan",
    "div": "division by zero (or 0/0, inf/inf)",
    "rdiv": "division by zero",
    "pow": "a negative base with a non-integer exponent is nan; 0 to a negative power is "
    "inf; or the power overflows",
    "rpow": "a negative base with a non-integer exponent is nan, or the power overflows",
    "exp": "exp(x) overflows to inf for x > 709.78 in float64 (x > 88.72 in float32)",
    "sqrt": "sqrt is defined for x >= 0",
    "var": "the variance divides by n - correction, which is 0 or less here (e.g. one element "
    "with the default correction=1)",
    "mean": "the mean of no elements is 0/0",
    "to": "float32 holds numbers up to 3.4e38: larger ones become inf",
}
_BACKWARD_HINTS = {
    "log": "the derivative 1/x is infinite at x = 0",
    "log1p": "the derivative 1/(1 + x) is infinite at x = -1",
    "sqrt": "the derivative 1/(2 sqrt(x)) is infinite at x = 0",
    "div": "the derivatives 1/b and -a/b² are infinite at b = 0 (or overflow for a tiny b)",
    "rdiv": "the derivative -c/x² is infinite at x = 0 (or overflows for a tiny x)",
    "pow": "the derivative c·x^(c-1) is infinite at x = 0 when c < 1, and the exponent's "
    "derivative x^c·log(x) is nan for x < 0",
    "rpow": "the derivative c^x·log(c) is nan for a negative base c",
    "var": "the variance divides by n - correction, which is 0 or less here",
    "binary_cross_entropy": "the target's derivative log(1 - p) - log(p) is infinite where "
    "the probability p is 0 or 1",
}
# Ops whose result element i comes from their operands' elements i (after broadcasting):
# an anomaly message can then show the operands' numbers at the bad element.
_ELEMENTWISE = frozenset({
    "add", "sub", "rsub", "mul", "div", "rdiv", "pow", "rpow", "neg", "exp", "log", "log1p",
    "sqrt", "abs", "tanh", "sigmoid", "relu", "clamp", "maximum", "minimum", "where", "to",
    "binary_cross_entropy", "binary_cross_entropy_with_logits"})


def _data(x: Any) -> Any:
    return x.data if hasattr(x, "_op") else x


def _bad(x: Any) -> bool:
    """True if x (a number, an array or a node) holds nan or inf anywhere."""
    data = _data(x)
    if isinstance(data, float):
        return data - data != 0  # nan - nan and inf - inf are nan
    if isinstance(data, int):
        return False
    import numpy as np

    return not bool(np.isfinite(data).all())


def _describe(x: Any, name: str = "") -> str:
    """A node as an anomaly message names it: ``a = -1.0``, ``W of shape (3, 2)``."""
    if not hasattr(x, "_op"):
        return f"constant {x!r}" if isinstance(x, (int, float)) else f"constant of shape {x.shape}"
    label = x.label or name
    shape = getattr(x, "shape", None)
    if shape is None or shape == ():
        return f"{label or type(x).__name__} = {x.data if shape is None else x.item()!r}"
    return f"{label or type(x).__name__} of shape {tuple(shape)}"


def _operands(op: Rule, a: Any, b: Any) -> list[Any]:
    if op.arity == UNARY:  # b is a constant (a float) or the rule's context (axes, shapes ...)
        return [a, b] if isinstance(b, float) else [a]
    if op.arity == BINARY:
        return [a, b]
    return list(a)


def _first_bad(data: Any) -> tuple[int, ...] | None:
    """Where the first nan or inf of an array is (None for a number or a one-element array)."""
    if isinstance(data, (int, float)) or getattr(data, "size", 1) <= 1 or data.ndim == 0:
        return None
    import numpy as np

    return tuple(int(i) for i in np.argwhere(~np.isfinite(data))[0])


def _numbers_at(where: tuple[int, ...], shape: tuple[int, ...], operands: list[Any]) -> str:
    """The operands' numbers that made element ``where`` of an elementwise op's result."""
    import numpy as np

    shown = []
    for i, x in enumerate(operands):
        data = _data(x)
        if not hasattr(data, "shape"):
            continue  # a plain number is in the message already
        try:
            value = np.broadcast_to(data, shape)[where]
        except ValueError:
            return ""
        name = (x.label if hasattr(x, "_op") and x.label else f"input {i}")
        shown.append(f"{name} = {float(value)!r}")
    return f", where {' and '.join(shown)}," if shown else ""


def check_forward(node: Any, op: Rule, a: Any, b: Any) -> None:
    """Under ``detect_anomaly``, check a result that records no history (data only)."""
    if _mode.anomaly:
        _check_forward(node, op, a, b)


def _check_forward(node: Any, op: Rule, a: Any, b: Any) -> None:
    operands = _operands(op, a, b)
    if _bad(node) and not any(_bad(x) for x in operands if x is not None):
        data = _data(node)
        what = "nan" if _has_nan(data) else "inf"
        inputs = ", ".join(_describe(x, f"input {i}") for i, x in enumerate(operands))
        where = _first_bad(data)
        at = ""
        if where is not None:
            at = f" at index {where}"
            if op.name in _ELEMENTWISE:
                at += _numbers_at(where, data.shape, operands)
        hint = _HINTS.get(op.name, "the result overflows the floating-point range")
        raise AnomalyError(
            f"detect_anomaly: forward {op.name}({inputs}) produced {what}{at} from finite "
            f"inputs ({hint})"
        )


def _check_backward(node: Any, g: Any, parent: Any, index: int, share: Any) -> None:
    if share is None or not _bad(share) or _bad(g):
        return
    operands = _operands(node._op, node._a, node._b)
    if not any(_bad(x) for x in (node, *operands)):  # else a nan came in with the inputs
        share_data = _data(share)
        what = "nan" if _has_nan(share_data) else "inf"
        inputs = ", ".join(_describe(x, f"input {i}") for i, x in enumerate(operands))
        label = f" {node.label!r}" if node.label else ""
        where = _first_bad(share_data)
        at = ""
        if where is not None:
            at = f" at index {where}"
            same_shape = [x for x in operands if getattr(_data(x), "shape", None)
                          == share_data.shape]
            if node._op.name in _ELEMENTWISE or same_shape == [parent]:
                at += _numbers_at(where, share_data.shape,
                                  same_shape if node._op.name in _ELEMENTWISE else [parent])
        hint = _BACKWARD_HINTS.get(node._op.name) or _HINTS.get(
            node._op.name, "the local derivative is not finite there, or the gradient overflows")
        raise AnomalyError(
            f"detect_anomaly: backward of {node._op.name}{label} sent {what} to its input "
            f"{index} ({_describe(parent, f'input {index}')}){at} from finite inputs and a "
            f"finite incoming gradient; inputs were {inputs} ({hint})"
        )


def _has_nan(data: Any) -> bool:
    if isinstance(data, float):
        return data != data
    import numpy as np

    return bool(np.isnan(data).any())


# --------------------------------------------------------------------------- the walk
def parents(node: Any) -> tuple[Any, ...]:
    """The nodes ``node`` was computed from (empty for a leaf)."""
    op = node._op
    if op is None:
        return ()
    if op.arity == UNARY:
        return (node._a,)
    if op.arity == BINARY:
        return (node._a, node._b)
    return tuple(node._a)


_EMIT = None  # stack marker: "the node entered last has all its parents done"


def topological_order(roots: Iterable[Any], leaves: bool = True) -> list[Any]:
    """Every node the roots depend on, each listed after all of its parents.

    Iterative depth-first search with an explicit stack, so a chain of a million
    nodes needs no recursion. Entering a node pushes a marker and then its
    parents above the marker; by the time the marker is popped again, the
    parents (and everything they depend on) are in ``order``, so the node goes next.
    With ``leaves=False`` only the nodes that have parents are listed (the backward
    pass finds the leaves as their gradients arrive).
    """
    order: list[Any] = []
    seen: set[Any] = set()
    entered: list[Any] = []  # nodes waiting for their marker, innermost last
    stack = list(roots)
    push, pop, see = stack.append, stack.pop, seen.add
    while stack:
        node = pop()
        if node is _EMIT:
            order.append(entered.pop())
            continue
        if node in seen:
            continue
        see(node)
        op = node._op
        if op is None:  # a leaf has no parents: it is done at once
            if leaves:
                order.append(node)
            continue
        entered.append(node)
        push(_EMIT)
        # Push operands last to first, so they are entered first to last: the order of
        # `order` then reads like the computation (x*3 before y*4 in x*3 + y*4).
        arity = op.arity
        if arity == UNARY:
            a = node._a
            if (leaves or a._op is not None) and a not in seen:
                push(a)
        elif arity == BINARY:
            a, b = node._a, node._b
            if (leaves or b._op is not None) and b not in seen:
                push(b)
            if (leaves or a._op is not None) and a not in seen:
                push(a)
        elif not seen.issuperset(node._a):  # one C loop: most n-ary parents are seen already
            stack.extend([p for p in reversed(node._a) if p not in seen])
    return order


def _on_paths_from(order: list[Any], sources: Iterable[Any]) -> list[Any]:
    """The nodes of ``order`` (a topological order) that depend on one of ``sources``."""
    reached = set(sources)
    for node in order:  # parents come first, so one pass suffices
        if node not in reached and any(p in reached for p in parents(node)):
            reached.add(node)
    return [node for node in order if node in reached]


def PASS(g: Any, a: Any, b: Any, out: Any) -> Any:
    """The derivative is 1: the gradient passes through unchanged (as for a + b).

    The backward pass recognises this rule entry and skips the call.
    """
    return g


# One backward pass at a time: during a pass each node keeps its running gradient in
# its `_g` slot (about 3x faster than a dictionary), so two passes over shared nodes
# must not interleave. The GIL lets only one thread run Python at a time anyway, so
# waiting here costs nothing real. No user code runs inside a pass, so it cannot re-enter.
_backward_lock = threading.Lock()
_UNCHANGED = contextlib.nullcontext()


def backward_pass(
    roots: Sequence[Any],
    seeds: Sequence[Any],
    create_graph: bool = False,
    accumulate: bool = True,
    capture: Iterable[Any] | None = None,
    order: list[Any] | None = None,
    observe: Callable[[Any, Any, list[tuple[Any, Any]]], None] | None = None,
) -> dict[Any, Any]:
    """Apply the chain rule from ``roots`` (seeded with ``seeds``) back through the graph.

    Visits the operations in reverse topological order: when a node's turn comes,
    every node that uses it has already sent its share, so its gradient is complete
    and can be passed on to its parents through its rule. Then the leaves take their
    turns, in the order their first shares came (all their shares are in by then).
    Nodes whose ``requires_grad`` is false receive nothing.

    With ``accumulate``, the complete gradient is added to ``.grad`` of every leaf
    and of every node that retains its gradient (all Values; Tensors after
    ``retain_grad()``), as PyTorch does. Returns ``{node: gradient}`` for the nodes
    in ``capture`` that were reached (every node reached when ``capture`` is None),
    so ``grad()`` can pick out what it was asked for without touching ``.grad``.

    ``observe(node, gradient, sent)``, if given, is called at each node's turn with the
    list of ``(parent, share)`` it sent, in the order they were added: this is how
    ``backprop_steps`` shows the pass one node at a time.
    """
    # The leaves need no place in the order: each is found when its first share arrives,
    # and takes its turn when every other node has had its own.
    if order is None:
        order = topological_order(roots, leaves=False)
    wanted: Any = _EVERY_NODE if capture is None else set(capture)
    # A node kind may refuse the pass before any gradient moves (Tensor: an operand that a
    # backward formula reads was changed in place since the forward pass).
    for kind in (roots[0].__class__,) if len(roots) == 1 else {r.__class__ for r in roots}:
        check_graph = getattr(kind, "_check_graph", None)
        if check_graph is not None:
            # grad(outputs, inputs) needs only the nodes on a path from an input: a branch
            # that leads to no input may have been edited (PyTorch never runs it either)
            check_graph(order if accumulate or capture is None or not wanted
                        else _on_paths_from(order, wanted))
    # A kind whose class says every node requires and retains its gradient (Value) is
    # checked once here instead of once per edge. A Value op never takes a Tensor, so a
    # graph under a Value root holds only Values.
    check = _mode.anomaly
    watch = check or observe is not None  # each share a node sends is checked or reported
    kind = type(roots[0]) if len(roots) == 1 else None
    every_node_requires = getattr(kind, "requires_grad", None) is True
    every_node_retains = accumulate and getattr(kind, "_retains_grad", None) is True
    result: dict[Any, Any] = {}
    waiting: list[Any] = []  # the leaves reached, in the order their first share came
    with _backward_lock:
        try:
            for root, seed in zip(roots, seeds):
                if root._g is None:
                    root._g = seed
                    if root._op is None:
                        waiting.append(root)
                else:
                    root._g = root._g + seed
            # A plain pass computes on raw numbers and cannot record anything, so only a
            # create_graph pass switches recording on (even inside no_grad, as PyTorch).
            with set_grad_enabled(True) if create_graph else _UNCHANGED:
                for node in reversed(order):
                    g = node._g
                    if g is None:  # no path from a root through a differentiable op
                        continue
                    op = node._op
                    if op is None:  # a leaf (in an order given with leaves): see below
                        continue
                    node._g = None  # leave every node clean for the next pass
                    if node in wanted:
                        result[node] = g
                    if every_node_retains or (accumulate and node._retains_grad):
                        old = node.grad
                        node.grad = node._first_grad(g) if old is None else old + g
                    a = node._a
                    arity = op.arity
                    if arity == UNARY:
                        d_a = op.backward[0]
                        if d_a is PASS:
                            share = g
                        elif create_graph:
                            share = d_a(g, a, node._b, node)
                        else:
                            share = d_a(g, a.data, node._b, node.data)
                        prev = a._g
                        a._g = share if prev is None else prev + share
                        if prev is None and a._op is None:  # a leaf's first share
                            waiting.append(a)
                        if watch:
                            _watch(node, g, [(0, a, share)], check, observe)
                    elif arity == BINARY:
                        b = node._b
                        if create_graph:
                            av, bv, out = a, b, node
                        else:
                            av, bv, out = a.data, b.data, node.data
                        d_a, d_b = op.backward
                        share_a = share_b = None
                        if every_node_requires or a.requires_grad:
                            share_a = g if d_a is PASS else d_a(g, av, bv, out)
                            prev = a._g
                            a._g = share_a if prev is None else prev + share_a
                            if prev is None and a._op is None:
                                waiting.append(a)
                        if every_node_requires or b.requires_grad:
                            share_b = g if d_b is PASS else d_b(g, av, bv, out)
                            prev = b._g
                            b._g = share_b if prev is None else prev + share_b
                            if prev is None and b._op is None:
                                waiting.append(b)
                        if watch:
                            _watch(node, g, [(i, p, share) for i, p, share in
                                             ((0, a, share_a), (1, b, share_b))
                                             if share is not None], check, observe)
                    else:
                        context = node._b
                        if create_graph:
                            shares = op.backward[0](g, a, context, node)
                        elif isinstance(context, Saved):
                            shares = op.backward[0](g, None, context, node.data)
                        else:
                            shares = op.backward[0](g, [p.data for p in a], context, node.data)
                        if arity == WEIGHTED:
                            if every_node_requires and not watch:
                                scale, coefficients = shares  # parent i gets scale * cᵢ
                                for p, c in zip(a, coefficients):
                                    share = scale * c
                                    prev = p._g
                                    p._g = share if prev is None else prev + share
                                    if prev is None and p._op is None:
                                        waiting.append(p)
                                continue
                            shares = shares_of(op, shares)
                        for p, share in zip(a, shares):
                            if share is not None and (every_node_requires or p.requires_grad):
                                prev = p._g
                                p._g = share if prev is None else prev + share
                                if prev is None and p._op is None:
                                    waiting.append(p)
                        if watch:
                            _watch(node, g, [(i, p, share) for i, (p, share) in
                                             enumerate(zip(a, shares))
                                             if share is not None and p.requires_grad],
                                   check, observe)
                # The leaves' turns, in the order their first shares came: every share has
                # come, so each gradient is complete and is stored (a leaf sends nothing on).
                for node in waiting:
                    g = node._g
                    node._g = None
                    if node in wanted:
                        result[node] = g
                    if accumulate:
                        old = node.grad
                        node.grad = node._first_grad(g) if old is None else old + g
                    if observe is not None:
                        observe(node, g, [])
        except BaseException as exc:
            for n in (*order, *waiting):  # e.g. KeyboardInterrupt: leave no half pass behind
                n._g = None
            if create_graph and isinstance(exc, AnomalyError) and "forward" in str(exc)[:30]:
                # an op of the recorded backward pass: say whose backward formula it is in
                label = f" {node.label!r}" if node.label else ""
                what = (f"the backward of {node._op.name}{label}" if node._op is not None
                        else f"the gradient of the leaf{label}")  # its .grad + the new one
                where = f"while recording {what} (create_graph)"
                raise AnomalyError(str(exc).replace("detect_anomaly:", f"detect_anomaly: {where}:",
                                                    1)) from None
            raise
    return result


class _EveryNode:
    """What ``backward_pass(capture=None)`` captures: every node it reaches."""

    def __contains__(self, node: Any) -> bool:
        return True


_EVERY_NODE = _EveryNode()


def _watch(node: Any, g: Any, sent: list[tuple[int, Any, Any]], check: bool,
           observe: Callable[[Any, Any, list[tuple[Any, Any]]], None] | None) -> None:
    """The slow path of a node's turn: under detect_anomaly, check each ``(input index,
    parent, share)`` the node sent; then report them to ``observe`` (backprop_steps)."""
    if check:
        for i, parent, share in sent:
            _check_backward(node, g, parent, i, share)
    if observe is not None:
        observe(node, g, [(parent, share) for _, parent, share in sent])


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
