"""``autograd_mini.func``: PyTorch's ``torch.func`` transforms, on the engine's two passes.

A transform takes a function and gives back its derivative as another function (or calls
it once and returns the derivative):

* :func:`jvp`     ``(f(x), J · t)``: one **forward** sweep along the direction ``t``
* :func:`vjp`     ``(f(x), v ↦ vᵀ · J)``: one **backward** pass per call of the returned function
* :func:`jacfwd`  the whole Jacobian, a column per input element (n forward sweeps)
* :func:`jacrev`  the whole Jacobian, a row per output element (m backward passes)
* :func:`hessian` ``jacfwd(jacrev(f))``: forward-over-reverse, as ``torch.func.hessian``

For f: Rⁿ → Rᵐ the two Jacobians are the same numbers at a different price: n sweeps
forward, m passes backward (``benchmarks/jacobian_modes.py`` times both). PyTorch batches
the n (or m) passes into one with ``vmap``; here they run one after the other, so the cost
of each mode is plain to see.

How they work. Each transform calls ``f`` on fresh leaves made from the primals (so that
the graph it records starts at them) with grad mode on, then walks that graph: the reverse
transforms with :func:`~autograd_mini.grad`, the forward ones with
:func:`~autograd_mini.engine.forward_pass` (``Rule.jvp`` beside every backward formula).
:func:`hessian` is forward-over-reverse: the inner ``jacrev`` runs its backward passes with
``create_graph=True`` (because its input is the outer ``jacfwd``'s leaf, which requires
grad), so the gradient is itself a recorded graph, and the outer ``jacfwd`` sweeps that graph
forward.

Nesting. A reverse transform (``vjp``, ``jacrev``) given a primal that requires grad (a
Tensor with history, or the leaf of an outer transform) keeps its results differentiable
(``create_graph=True``), so ``jacrev(jacrev(f))`` and ``jacfwd(jacrev(f))`` work, and so
does ``jacrev(f)(w)`` for a parameter ``w`` whose Jacobian is then trained. Forward mode
computes tangents as plain numbers, not as a recorded graph, so a forward transform
(``jvp``, ``jacfwd``) cannot be differentiated again: inside another transform, with a
primal that transform is tracking, it raises an error that says what to use instead
(``jacfwd(jacrev(f))`` or ``jacrev(jacrev(f))``); at the top level a primal that requires
grad is used as a constant (its history is not followed).

Values. The transforms work on functions of :class:`~autograd_mini.Value` too (the scalar
node kind: primals and outputs Values, tangents and cotangents Values or numbers), and give
Values back: ``jacrev(f)(w)`` of a scalar function is its derivative as a Value. A function
mixes no Values with Tensors (they are two graphs).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..engine import enable_grad, forward_pass, grad, topological_order
from ..scalar import Value
from ..tensors import Tensor, stack

__all__ = ["hessian", "jacfwd", "jacrev", "jvp", "vjp"]

_state = threading.local()  # how many transforms are running f on this thread


@contextmanager
def _transform() -> Iterator[None]:
    """While a transform runs ``f``: grad mode on (as torch.func ignores an outer no_grad),
    and the count of active transforms up by one (what nesting checks read)."""
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        with enable_grad():
            yield
    finally:
        _state.depth -= 1


def _active() -> bool:
    return getattr(_state, "depth", 0) > 0


def _is_node(x: Any) -> bool:
    return isinstance(x, (Tensor, Value))


def _tracked(x: Any) -> bool:
    """Whether an outer computation is recording through ``x``, so that a reverse transform
    must keep its results differentiable. (A Value always takes part in a graph: it counts
    only inside another transform.)"""
    return bool(x.requires_grad) and (isinstance(x, Tensor) or _active())


# ------------------------------------------------------------------ checking the inputs
def _check_primal(who: str, x: Any, error: type[Exception] = ValueError) -> None:
    if not _is_node(x):
        raise error(
            f"{who}: expected primals to only contain Tensors (or Values), got "
            f"{type(x).__name__} {x!r}; wrap a number or an array in autograd_mini.tensor(...)"
            " (or a Value) before passing it")
    if isinstance(x, Tensor) and x.data.dtype.kind != "f":
        raise error(
            f"{who}: expected primal to be floating point, but got {x.data.dtype} (shape "
            f"{tuple(x.shape)}): only floating tensors have derivatives; convert it with "
            ".double() or .float()")


def _argnums(who: str, argnums: Any, n: int) -> tuple[tuple[int, ...], bool]:
    """``argnums`` as a tuple of positions in 0..n-1, and whether it was a tuple."""
    if isinstance(argnums, bool) or not isinstance(argnums, (int, tuple)):
        raise RuntimeError(f"{who}: argnums must be int or Tuple[int, ...], got: "
                           f"{type(argnums).__name__} {argnums!r}")
    many = isinstance(argnums, tuple)
    nums: tuple[Any, ...] = argnums if isinstance(argnums, tuple) else (argnums,)
    if not nums:
        raise RuntimeError(f"{who}: argnums must be non-empty; give the positions of the "
                           "arguments to differentiate with respect to, e.g. argnums=(0, 1)")
    out = []
    for k in nums:
        if isinstance(k, bool) or not isinstance(k, int):
            raise RuntimeError(f"{who}: argnums must be int or Tuple[int, ...], got an element "
                               f"{k!r} of type {type(k).__name__}")
        if not -n <= k < n:
            raise RuntimeError(f"{who}: Got argnum={k}, but only {n} positional inputs; "
                               f"argnums counts f's positional arguments from 0 (or from -1 "
                               "at the end)")
        out.append(k % n)
    if len(set(out)) != len(out):
        raise RuntimeError(f"{who}: argnums elements must be unique, got {argnums}")
    return tuple(out), many


def _leaf_for(who: str, x: Any, reverse: bool) -> Any:
    """The node ``f`` gets in place of the primal ``x``.

    Usually a fresh leaf over ``x``'s numbers, so that the recorded graph starts there. A
    primal an outer computation tracks gets, in a reverse transform, an alias node in that
    outer graph (``clone``: the derivatives asked of it are of ``f`` only, and the outer
    one still reaches ``x`` through it)."""
    if _tracked(x):
        if reverse:
            return x.clone() if isinstance(x, Tensor) else x + 0.0
        if _active():
            raise RuntimeError(
                f"{who}: forward mode inside a transform that differentiates its result (e.g. "
                "jacrev(jacfwd(f)) or jacfwd(jacfwd(f))) is not supported: autograd_mini "
                "computes tangents as plain numbers, not as a recorded graph, so they cannot "
                "be differentiated again. Put forward mode outside: func.hessian(f) is "
                "jacfwd(jacrev(f)); or use reverse over reverse, jacrev(jacrev(f))")
    if isinstance(x, Value):
        return Value(x.data, x.label)
    leaf = x.detach()
    leaf.requires_grad_(True)
    return leaf


def _outputs(who: str, out: Any, has_aux: bool) -> tuple[tuple[Any, ...], Any, Any]:
    """f's result as (its nodes, its structure: None / tuple / list, aux)."""
    aux = None
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise RuntimeError(f"{who}: output of function f should be a tuple: (output, aux) "
                               f"if has_aux is True, got {type(out).__name__}")
        out, aux = out
    kind = type(out) if isinstance(out, (tuple, list)) else None
    nodes = tuple(out) if kind else (out,)
    for i, o in enumerate(nodes):
        if not _is_node(o):
            where = f"output {i} of f" if kind else "f"
            raise RuntimeError(
                f"{who}: expected f(*primals) to return only tensors, got unsupported type "
                f"{type(o).__name__} ({where} returned {o!r}); return Tensors (or Values), "
                "or a tuple of them, computed from the arguments")
    return nodes, kind, aux


def _shaped(kind: Any, items: list[Any]) -> Any:
    """One result per output, in f's structure (one, a tuple, a list)."""
    if kind is None:
        return items[0]
    return kind(items)


def _detached(o: Any, keep: bool) -> Any:
    return o if keep else o.detach()


def _wrap(like: Any, number: Any) -> Any:
    """A derivative (a float, an array) as a node of ``like``'s kind."""
    if isinstance(like, Value):
        return Value(float(number))
    return Tensor(np.asarray(number, dtype=like.data.dtype))


def _zeros(like: Any) -> Any:
    return Value(0.0) if isinstance(like, Value) else Tensor(np.zeros_like(like.data))


def _tangent(who: str, x: Any, t: Any, i: int) -> Any:
    """The tangent of primal ``x`` as the number forward mode seeds it with, checked."""
    if isinstance(x, Value):
        if isinstance(t, Value):
            return float(t.data)
        if isinstance(t, (int, float)) and not isinstance(t, bool):
            return float(t)
        raise ValueError(f"{who}: tangent {i} for a Value primal must be a Value or a number, "
                         f"got {type(t).__name__}")
    if not isinstance(t, Tensor):
        raise ValueError(f"{who}: tangent {i} must be a Tensor like its primal (shape "
                         f"{tuple(x.shape)}), got {type(t).__name__}")
    if t.data.dtype.kind != "f":
        raise ValueError(f"{who}: Expected tangent to be floating point, but got "
                         f"{t.data.dtype} (tangent {i}); convert it with .double() or .float()")
    if t.shape != x.shape:
        raise RuntimeError(
            f"{who}: tangent {i} has shape {tuple(t.shape)} but its primal has shape "
            f"{tuple(x.shape)}: a tangent is a direction in the primal's space, so it must "
            "have the primal's shape")
    return t.data.astype(x.data.dtype, copy=False)


# ------------------------------------------------------------------ the transforms
def jvp(func: Callable[..., Any], primals: Any, tangents: Any, *, strict: bool = False,
        has_aux: bool = False) -> tuple[Any, ...]:
    """``(func(*primals), J · tangents)``: the output and its directional derivative, from
    one forward sweep (``torch.func.jvp``).

    ``primals`` and ``tangents`` are tuples of the same length, each tangent of its primal's
    shape. Returns ``(output, jvp_out)`` (plus ``aux`` with ``has_aux=True``: ``func``
    then returns ``(output, aux)``), in ``func``'s structure (one Tensor, or a tuple of
    them); neither is recorded.

    >>> from autograd_mini import Value, func
    >>> out, slope = func.jvp(lambda x: x * x * x, (Value(2.0),), (1.0,))
    >>> out.data, slope.data   # x³ and 3x² at 2
    (8.0, 12.0)
    """
    who = "jvp(f, primals, tangents)"
    for name, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, tuple):
            raise RuntimeError(f"{who}: Expected {name} to be a tuple, got "
                               f"{type(value).__name__}. E.g. it should be valid to call "
                               f"f(*primals): write (x,) for one argument")
    if len(primals) != len(tangents):
        raise RuntimeError(f"{who}: Expected primals and tangents to have the same python "
                           f"structure: got {len(primals)} primals and {len(tangents)} "
                           "tangents; give one tangent per primal")
    for p in primals:
        _check_primal(who, p, RuntimeError)
    seeds = [_tangent(who, p, t, i) for i, (p, t) in enumerate(zip(primals, tangents))]
    xs = [_leaf_for(who, p, reverse=False) for p in primals]
    with _transform():
        nodes, kind, aux = _outputs(who, func(*xs), has_aux)
    found = forward_pass(nodes, dict(zip(xs, seeds)))
    outs = [_detached(o, False) for o in nodes]
    tans = [_zeros(o) if o not in found else _wrap(o, found[o]) for o in nodes]
    result = (_shaped(kind, outs), _shaped(kind, tans))
    return (*result, aux) if has_aux else result


def vjp(func: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """``(func(*primals), vjp_fn)``: the output, and a function that takes a cotangent ``v``
    (one per output, of its shape) and returns ``vᵀ · J``, one gradient per primal, from one
    backward pass (``torch.func.vjp``). ``vjp_fn`` can be called many times.

    >>> from autograd_mini import Value, func
    >>> out, vjp_fn = func.vjp(lambda a, b: a * b, Value(3.0), Value(4.0))
    >>> [g.data for g in vjp_fn(1.0)]
    [4.0, 3.0]
    """
    who = "vjp(f, *primals)"
    for p in primals:
        _check_primal(who, p)
    keep = any(_tracked(p) for p in primals)
    xs = [_leaf_for(who, p, reverse=True) for p in primals]
    with _transform():
        nodes, kind, aux = _outputs(who, func(*xs), has_aux)

    def vjp_fn(cotangents: Any) -> tuple[Any, ...]:
        cots = _cotangents(who, nodes, kind, cotangents)
        used = [(o, c) for o, c in zip(nodes, cots) if _depends(o, xs)]
        gs: tuple[Any, ...] = (None,) * len(xs)
        if used and xs:
            with enable_grad():
                gs = grad([o for o, _ in used], xs, [c for _, c in used],
                          create_graph=keep, allow_unused=True)
        return tuple(_zeros(x) if g is None else _detached(g, keep) for x, g in zip(xs, gs))

    outs = _shaped(kind, [_detached(o, keep) for o in nodes])
    return (outs, vjp_fn, aux) if has_aux else (outs, vjp_fn)


def _cotangents(who: str, nodes: tuple[Any, ...], kind: Any, cotangents: Any) -> list[Any]:
    """The cotangents, one per output of f, checked against f's outputs."""
    several = isinstance(cotangents, (tuple, list))
    cots = list(cotangents) if several else [cotangents]
    if several != (kind is not None) or len(cots) != len(nodes):
        raise RuntimeError(f"{who}: Expected pytree structure of cotangents to be the same as "
                           f"pytree structure of outputs to the function: f returned "
                           f"{f'{len(nodes)} outputs' if kind else 'one output'}, got "
                           f"{f'{len(cots)} cotangents' if several else 'one cotangent'}; "
                           "give one cotangent per output, in the same structure")
    for i, (o, c) in enumerate(zip(nodes, cots)):
        if isinstance(o, Tensor):
            shape = c.shape if isinstance(c, Tensor) else np.shape(c)
            if tuple(shape) != o.shape:
                raise RuntimeError(f"{who}: Mismatch in shape: grad_output[{i}] has a shape of "
                                   f"{tuple(shape)} and output[{i}] has a shape of "
                                   f"{tuple(o.shape)}; a cotangent has its output's shape")
    return cots


def _call(who: str, func: Callable[..., Any], args: tuple[Any, ...], argnums: Any,
          has_aux: bool, reverse: bool) -> tuple[Any, ...]:
    """f called with the differentiated arguments replaced by leaves: (leaves, whether
    the result must stay recorded, f's nodes, their structure, aux, argnums a tuple)."""
    nums, many = _argnums(who, argnums, len(args))
    for k in nums:
        _check_primal(who, args[k])
    keep = reverse and any(_tracked(args[k]) for k in nums)
    xs = [_leaf_for(who, args[k], reverse) for k in nums]
    call = list(args)
    for k, x in zip(nums, xs):
        call[k] = x
    with _transform():
        nodes, kind, aux = _outputs(who, func(*call), has_aux)
    return xs, keep, nodes, kind, aux, many


def _per_output(kind: Any, many: bool, table: list[list[Any]], aux: Any,
                has_aux: bool) -> Any:
    """``table[output][argument]`` in torch.func's structure."""
    rows = [tuple(row) if many else row[0] for row in table]
    result = _shaped(kind, rows)
    return (result, aux) if has_aux else result


def jacrev(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, *,
           has_aux: bool = False, chunk_size: int | None = None) -> Callable[..., Any]:
    """The Jacobian of ``func`` with respect to the arguments at ``argnums``, by reverse
    mode: one backward pass per output element (``torch.func.jacrev``).

    The Jacobian of an output of shape S with respect to an argument of shape P has shape
    S + P. A tuple ``argnums`` gives a tuple (one per argument); a tuple of outputs, a tuple
    of those. ``chunk_size`` is accepted for PyTorch's signature (the passes run one by
    one here).
    """
    who = "jacrev(f, argnums)"

    def wrapper(*args: Any) -> Any:
        xs, keep, nodes, kind, aux, many = _call(who, func, args, argnums, has_aux, True)
        table = [[_rows(o, x, r, keep) for x, r in zip(xs, _row_grads(o, xs, keep))]
                 for o in nodes]
        return _per_output(kind, many, table, aux, has_aux)

    return wrapper


def _row_grads(o: Any, xs: list[Any], keep: bool) -> list[list[Any]]:
    """For each x, the gradient of each element of ``o`` with respect to it (None: 0)."""
    n = 1 if isinstance(o, Value) else o.data.size
    per_x: list[list[Any]] = [[] for _ in xs]
    for k in range(n):
        if not _depends(o, xs):
            gs: tuple[Any, ...] = (None,) * len(xs)
        elif isinstance(o, Value):
            with enable_grad():
                gs = grad(o, xs, create_graph=keep, allow_unused=True)
        else:
            seed = np.zeros(o.data.size, o.data.dtype)
            seed[k] = 1.0
            with enable_grad():
                gs = grad(o, xs, Tensor(seed.reshape(o.shape)), create_graph=keep,
                          allow_unused=True)
        for row, g in zip(per_x, gs):
            row.append(g)
    return per_x


def _depends(o: Any, xs: list[Any]) -> bool:
    """Whether ``o`` may depend on the leaves ``xs`` (else its derivatives are all 0; grad()
    would refuse it)."""
    return bool(o.requires_grad) and (o._op is not None or any(o is x for x in xs))


def _rows(o: Any, x: Any, grads: list[Any], keep: bool) -> Any:
    """One Jacobian block from its rows (the gradients of o's elements with respect to x)."""
    if isinstance(o, Value):
        return _zeros(x) if grads[0] is None else _detached(grads[0], keep)
    shape = (*o.shape, *x.shape)
    if keep:  # the rows are recorded: stack them with a recorded op
        rows = [_zeros(x) if g is None else g for g in grads]
        return stack(rows).reshape(shape) if rows else Tensor(np.zeros(shape, x.data.dtype))
    arrays = [np.zeros(x.shape, x.data.dtype) if g is None else g.data for g in grads]
    return Tensor(np.stack(arrays).reshape(shape) if arrays
                  else np.zeros(shape, x.data.dtype))


def jacfwd(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, has_aux: bool = False,
           *, randomness: str = "error") -> Callable[..., Any]:
    """The Jacobian of ``func`` with respect to the arguments at ``argnums``, by forward
    mode: one forward sweep per input element (``torch.func.jacfwd``), over the graph f
    records, walked in one topological order computed once.

    The same structure as :func:`jacrev`. ``randomness`` is accepted for PyTorch's
    signature (there is no vmap here, so random ops simply run once).
    """
    who = "jacfwd(f, argnums)"

    def wrapper(*args: Any) -> Any:
        xs, _, nodes, kind, aux, many = _call(who, func, args, argnums, has_aux, False)
        order = topological_order(list(nodes), leaves=False)
        table: list[list[Any]] = [[] for _ in nodes]
        for x in xs:
            columns = _columns(nodes, x, order)
            for row, o, cols in zip(table, nodes, columns):
                row.append(_block(o, x, cols))
        return _per_output(kind, many, table, aux, has_aux)

    return wrapper


def _columns(nodes: tuple[Any, ...], x: Any, order: list[Any]) -> list[list[Any]]:
    """For each output, its tangent along each unit direction of ``x`` (None: 0)."""
    n = 1 if isinstance(x, Value) else x.data.size
    cols: list[list[Any]] = [[] for _ in nodes]
    for i in range(n):
        if isinstance(x, Value):
            seed: Any = 1.0
        else:
            seed = np.zeros(n, x.data.dtype)
            seed[i] = 1.0
            seed = seed.reshape(x.shape)
        found = forward_pass(nodes, {x: seed}, order=order)
        for col, o in zip(cols, nodes):
            col.append(found.get(o))
    return cols


def _block(o: Any, x: Any, cols: list[Any]) -> Any:
    if isinstance(o, Value):
        return Value(0.0 if cols[0] is None else float(cols[0]))
    shape = (*o.shape, *x.shape)
    zero = np.zeros(o.shape, o.data.dtype)
    arrays = [zero if c is None else c for c in cols]
    return Tensor(np.stack(arrays, axis=-1).reshape(shape) if arrays
                  else np.zeros(shape, o.data.dtype))


def hessian(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0) -> Callable[..., Any]:
    """The Hessian of ``func``: ``jacfwd(jacrev(func, argnums), argnums)``, forward-over-
    reverse as in ``torch.func.hessian``. The inner backward passes are recorded
    (``create_graph``), and the outer forward sweeps push tangents through that recorded
    graph of the gradient. For a scalar function of x of shape P the result has shape P + P.
    """
    return jacfwd(jacrev(func, argnums), argnums)
