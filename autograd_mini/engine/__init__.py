"""The engine: one graph walk that serves every node kind.

Read in this order:

* ``rule.py``      what a node points at: a Rule, one entry of a derivative table
* ``order.py``     step 1, the nodes in topological order (an explicit stack, no recursion)
* ``backward.py``  steps 2-4, seed, visit, deliver to the leaves: the chain rule
* ``grad.py``      ``grad(outputs, inputs)``, the same pass returning gradients
* ``forward.py``   forward mode: each node's tangent, the chain rule from the input side
* ``modes.py``     ``no_grad`` and friends, per thread
* ``anomaly.py``   ``detect_anomaly``, the checks for nan and inf
* ``fast_walk.py`` the fast path of step 3: the same visits with the calls inlined
"""

from .anomaly import AnomalyError, check_forward, detect_anomaly
from .backward import backward_pass, local_shares
from .forward import forward_pass
from .grad import grad
from .modes import (
    enable_grad,
    is_grad_enabled,
    no_grad,
    record,
    set_grad_enabled,
    threads_off_default,
)
from .order import parents, topological_order
from .rule import BINARY, NARY, PASS, UNARY, WEIGHTED, Rule, Saved, binary, nary, shares_of, unary

__all__ = [
    "BINARY",
    "NARY",
    "PASS",
    "UNARY",
    "WEIGHTED",
    "AnomalyError",
    "Rule",
    "Saved",
    "backward_pass",
    "binary",
    "check_forward",
    "detect_anomaly",
    "enable_grad",
    "forward_pass",
    "grad",
    "is_grad_enabled",
    "local_shares",
    "nary",
    "no_grad",
    "parents",
    "record",
    "set_grad_enabled",
    "shares_of",
    "threads_off_default",
    "topological_order",
    "unary",
]
