"""The derivative rules of shape changes and indexing, as a table: reshape, view, flatten,
squeeze, unsqueeze, permute, expand, to (a dtype), clone, ``a[index]``, and the functions of
several tensors (cat, stack, where).

A shape change sends the gradient back through the inverse change; indexing puts it back
where the elements came from. None of these formulas reads its operands' numbers, only
their shapes (``reads=""``), so the operands may be edited between the forward and the
backward pass, as in PyTorch.

Forward mode (``jvp=``): a shape change is linear, so its JVP is the same change applied to
the tangent (reshape the tangent, permute it, index it, concatenate the tangents).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine import Rule, nary, unary
from .formulas import _astype, _index_put, _index_put_forward, _permute, _where, unbroadcast


# ---- shape changes: gradients go back through the inverse change
def _reshape_rule(name: str) -> Rule:
    return unary(name, name, lambda a, shape: a.reshape(shape),
                 lambda g, a, shape, out: g.reshape(a.shape), reads="",
                 jvp=lambda t, a, shape, out: t.reshape(out.shape))


RESHAPE, VIEW, FLATTEN = _reshape_rule("reshape"), _reshape_rule("view"), _reshape_rule("flatten")
SQUEEZE, UNSQUEEZE = _reshape_rule("squeeze"), _reshape_rule("unsqueeze")
PERMUTE = unary("permute", "permute", lambda a, axes: a.transpose(axes),
                lambda g, a, axes, out: _permute(g, tuple(np.argsort(axes))), reads="",
                jvp=lambda t, a, axes, out: t.transpose(axes))
EXPAND = unary("expand", "expand", lambda a, shape: np.broadcast_to(a, shape),
               lambda g, a, shape, out: unbroadcast(g, a.shape), reads="",
               jvp=lambda t, a, shape, out: np.broadcast_to(t, out.shape))
CAST = unary("to", "to", lambda a, dtype: a.astype(dtype),
             lambda g, a, dtype, out: _astype(g, a.dtype), reads="",
             jvp=lambda t, a, dtype, out: t.astype(out.dtype))
CLONE = unary("clone", "clone", lambda a, _: a.copy(), lambda g, a, _, out: g, reads="",
              jvp=lambda t, a, _, out: t)

# ---- indexing: a[index]; its gradient puts g back where the elements came from
GETITEM = unary("getitem", "[]", lambda a, ix: a[ix[0]],
                lambda g, a, ix, out: _index_put(g, a.shape, ix[0], ix[1]), reads="",
                jvp=lambda t, a, ix, out: t[ix[0]])
# the gradient of indexing, as a recorded op (create_graph): its own gradient is indexing
INDEX_PUT = unary("index_put", "index_put", _index_put_forward,
                  lambda g, a, ctx, out: unbroadcast(g[ctx[1]], a.shape), reads="",
                  jvp=lambda t, a, ctx, out: _index_put_forward(t, ctx))  # (linear)

def _tangents(ts: list[Any], ps: list[Any]) -> list[Any]:
    """An n-ary rule's parents' tangents, zeros for a parent without one (it does not
    depend on the inputs), in the parent's dtype."""
    return [np.zeros_like(p) if t is None else t for t, p in zip(ts, ps)]


# ---- several tensors at once: context is the axis (and the split points)
CAT = nary("cat", "cat", lambda ps, ctx: np.concatenate(ps, axis=ctx[0]),
           lambda g, ps, ctx, out: [
               g[(slice(None),) * ctx[0] + (slice(lo, hi),)]
               for lo, hi in zip(ctx[1], ctx[1][1:])], reads="",
           jvp=lambda ts, ps, ctx, out: np.concatenate(_tangents(ts, ps), axis=ctx[0]))
STACK = nary("stack", "stack", lambda ps, axis: np.stack(ps, axis=axis),
             lambda g, ps, axis, out: [
                 g[(slice(None),) * axis + (i,)] for i in range(len(ps))], reads="",
             jvp=lambda ts, ps, axis, out: np.stack(_tangents(ts, ps), axis=axis))
WHERE = nary("where", "where", lambda ps, cond: np.where(cond, ps[0], ps[1]),
             lambda g, ps, cond, out: [unbroadcast(_where(cond, g, 0.0), ps[0].shape),
                                       unbroadcast(_where(cond, 0.0, g), ps[1].shape)], reads="",
             jvp=lambda ts, ps, cond, out: np.where(cond, *_tangents(ts, ps)))

RULES = {r.name: r for r in (RESHAPE, VIEW, FLATTEN, SQUEEZE, UNSQUEEZE, PERMUTE, EXPAND, CAST,
                             CLONE, GETITEM, INDEX_PUT, CAT, STACK, WHERE)}
"""The rules of shape changes and indexing by name."""
