"""The in-place check: version counters, and the refusal of a backward pass whose numbers
were edited since the forward pass.

Each Tensor counts the edits of its numbers (see ``Tensor.data``). A recorded op notes its
operands' versions (``nodes._make``), and before a backward pass moves any gradient,
:func:`_check_versions` compares them with the versions now. An edit is refused when a
backward formula that the pass will run reads the edited numbers: which numbers each formula
reads is declared beside it, in its rule's ``reads`` (``"a"``, ``"b"``, ``"out"``; see
``engine/rule.py``). Otherwise the gradient would silently be computed from the new numbers.
So ``y = x * 2`` then ``x += 1`` under no_grad then ``y.backward()`` is fine (mul by a number
reads no operand), as in PyTorch, while ``y = x * x`` is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..engine import BINARY, UNARY, Rule, parents

if TYPE_CHECKING:
    from .tensor import Tensor

# A version counter counts the edits of a tensor's numbers; a new shape or dtype adds
# _RESHAPED more, so the in-place check can tell "other numbers" (which formulas that read only
# shapes, such as add's, do not mind) from "another shape" (which every formula minds).
_RESHAPED = 1 << 32

class _Counted(Protocol):
    """A Tensor, as the counters below see it (also the Tensor's method files, for the type
    checker)."""

    _data: np.ndarray[Any, Any]
    _version_counter: list[int] | None


_UNEDITED = (0, 0)  # the versions of two operands never edited, shared by all such nodes


def _version(t: _Counted) -> int:
    """The tensor's version: how often its numbers were edited (None: never, no view)."""
    vc = t._version_counter
    return 0 if vc is None else vc[0]


def _shared_counter(t: _Counted) -> list[int]:
    """``t``'s version counter, made now if it has none yet, to share with a view."""
    vc = t._version_counter
    if vc is None:
        vc = t._version_counter = [0]
    return vc


def _view_counter(view: Any, base: _Counted) -> list[int] | None:
    """``base``'s version counter when the array ``view`` shares its memory, else None.

    As in PyTorch, a view and its base count their edits together: ``v.data -= 1``
    writes into the base's numbers too.
    """
    return _shared_counter(base) if np.may_share_memory(view, base._data) else None


def _check_versions(order: Sequence[Any]) -> None:
    """RuntimeError if a tensor that a backward formula of the graph reads was changed after
    the op recorded it (called by the backward pass before any gradient moves, so a refused
    pass changes nothing)."""
    # (_version inlined: this runs before every backward pass, over every node)
    for node in order:
        saved = node._saved_versions
        if saved is None:  # a leaf
            continue
        op = node._op
        arity = op.arity
        if arity == UNARY:
            vc = node._a._version_counter
            changed = (0 if vc is None else vc[0]) != saved
        elif arity == BINARY:
            va, vb = node._a._version_counter, node._b._version_counter
            changed = (0 if va is None else va[0], 0 if vb is None else vb[0]) != saved
        else:
            changed = tuple([_version(p) for p in node._a]) != saved
            check_saved = getattr(node._b, "_check_saved_versions", None)
            if check_saved is not None:  # an autograd.Function's ctx: its saved tensors
                check_saved(node)
        # the result: its counter starts at 0, unless it is a view (and then its rule does
        # not read it). (A rule has one `reads` entry per backward formula, one or two: its
        # first and its last are all of them.)
        vc = node._version_counter
        if changed or (vc is not None and vc[0]
                       and ("out" in op.reads[0] or "out" in op.reads[-1])):
            _version_error(node)


def _version_error(node: Tensor) -> None:
    """Raise for the first changed tensor that the node's backward formulas read, if any."""
    op = node._op
    assert op is not None
    saved = node._saved_versions
    label = f" {node.label!r}" if node.label else ""
    if _version(node) and any("out" in names for names in op.reads):
        raise _changed(f"the result of {op.name}", node, op, label, 0, _version(node),
                       "numbers")
    operands = parents(node)
    for i, (p, was) in enumerate(zip(operands, saved if isinstance(saved, tuple) else (saved,))):
        now = _version(p)
        if now == was:
            continue
        if now // _RESHAPED != was // _RESHAPED:  # every formula reads its operands' shapes
            raise _changed(f"input {i} of {op.name}", p, op, label, was, now, "shape")
        if _numbers_read(op, i, operands):
            raise _changed(f"input {i} of {op.name}", p, op, label, was, now, "numbers")


def _numbers_read(op: Rule, i: int, operands: Sequence[Tensor]) -> bool:
    """Whether a backward formula that the pass will run reads the numbers of operand ``i``.

    A unary or n-ary rule has one formula, which always runs (for an n-ary rule ``"a"``
    names every parent). A binary rule's formula for a parent runs only when that parent
    requires grad, so, as in PyTorch (which saves ``a`` for ``a * b`` only when ``b``
    requires grad), an operand that only the other operand's formula reads may be edited
    when that operand needs no gradient: in ``x @ W`` with data ``x``, ``W`` may change
    (only the gradient of ``x``, not computed, reads it) but ``x`` may not (the gradient of
    ``W`` reads it).
    """
    if op.arity != BINARY:
        return "a" in op.reads[0]
    name = "ab"[i]
    return any(name in names and p.requires_grad for names, p in zip(op.reads, operands))


def _changed(what: str, t: Tensor, op: Rule, label: str, was: int, now: int,
             needs: str) -> RuntimeError:
    name = f"{t.label!r}" if t.label else "a tensor"
    change = ("its .data was replaced by an array of another shape or dtype" if needs == "shape"
              else f"it is at version {now % _RESHAPED}, {op.name} saw version "
              f"{was % _RESHAPED}")
    return RuntimeError(
        f"backward: {what} ({name} of shape {t.shape}) was changed in place after "
        f"{op.name}{label} was recorded ({change}), and the backward formula of {op.name} "
        f"needs its {needs}: the gradient would silently use the new ones. Compute the "
        "forward pass again after changing a tensor (an optimizer step changes every "
        "parameter: call backward() before step(), then compute a new loss)")


