"""Scalar autodiff: :class:`Value` and its derivative rules.

* ``value.py``  the Value node: one float, its operators and ``backward()``
* ``rules.py``  the table of elementary derivative rules (add, mul, exp, relu ...)
* ``fused.py``  fast paths: a whole neuron (``dot``, ``dot_relu``) and the hinge loss as
  one node each, equal to the elementary rules to the last bit
"""

from .value import Value  # first: the rule tables read the class

# isort: split
from .fused import FUSED_RULES, dot
from .rules import RULES as ELEMENTARY_RULES

RULES = {**ELEMENTARY_RULES, **FUSED_RULES}
"""The rule of every Value op by name (the constant-operand variants share a name)."""

__all__ = ["ELEMENTARY_RULES", "FUSED_RULES", "RULES", "Value", "dot"]
