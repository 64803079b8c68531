"""Array autodiff: :class:`Tensor` (a NumPy array that remembers how it was computed) and
the tables of its derivative rules.

Read in this order:

* ``tensor.py``             the Tensor: its numbers and their version, ``backward()``, the
  arithmetic operators (+ - * / ** @) and the in-place ones
* ``rules_arithmetic.py``   the derivative rules of arithmetic and the elementwise functions
* ``rules_reductions.py``   ... of sum, mean, var, max and min, prod, cumsum, norm, softmax,
  log_softmax
* ``rules_shape.py``        ... of reshape, permute, expand, indexing, cat, stack, where
* ``rules_losses.py``       ... of nll_loss, cross_entropy and binary cross-entropy
* ``formulas.py``           the helpers the formulas call, on arrays or Tensors (unbroadcast)
* ``methods.py``            the Tensor's other methods: elementwise, reductions, products,
  shape changes
* ``nodes.py``              how a node is made (``_make``), leaves, conversions of operands
* ``versions.py``           the in-place check: what was edited since the forward pass
* ``functions.py``          cat, stack, where, maximum, minimum, zeros_like, ones_like,
  empty_like, full_like, randn_like, rand_like
* ``function_forms.py``     sin(x), sum(x, dim) ...: the function spellings of the methods
* ``inplace.py``            add_, mul_, zero_, fill_, copy_, clamp_: in-place edits
* ``factories.py``          zeros, ones, empty, full, randn, rand, arange, linspace, from_numpy,
  as_tensor, manual_seed
* ``generators.py``         Generator (PyTorch's name for a seeded random stream)
* ``sampling.py``           randint, randint_like, randperm, multinomial (loaded on first use)
* ``devices.py``            device("cpu") and the check of device= arguments
* ``arguments.py``          the checks of shapes, axes and broadcasting
* ``fast_cross_entropy.py`` cross_entropy's fast path (the flat picks), equal to the general
  path to the last bit
"""

from .tensor import Tensor  # first: the other files read the class (see the end of tensor.py)

# isort: split
from . import rules_arithmetic, rules_losses, rules_reductions, rules_shape
from .devices import device
from .factories import (
    arange,
    as_tensor,
    double,
    empty,
    eye,
    float32,
    float64,
    from_numpy,
    full,
    int32,
    int64,
    linspace,
    long,
    manual_seed,
    ones,
    rand,
    randn,
    tensor,
    zeros,
)
from .formulas import unbroadcast
from .function_forms import (
    abs,
    clamp,
    cos,
    cumsum,
    dot,
    exp,
    floor_divide,
    fmod,
    log,
    matmul,
    max,
    mean,
    min,
    mm,
    norm,
    pow,
    prod,
    relu,
    remainder,
    sigmoid,
    sin,
    sqrt,
    sum,
    tanh,
)
from .functions import (
    cat,
    concatenate,
    empty_like,
    full_like,
    maximum,
    minimum,
    ones_like,
    rand_like,
    randn_like,
    stack,
    where,
    zeros_like,
)

RULES = {**rules_arithmetic.RULES, **rules_reductions.RULES, **rules_shape.RULES,
         **rules_losses.RULES}
"""The rule of every Tensor op by name (the constant-operand variants share a name)."""

__all__ = [
    "RULES",
    "Tensor",
    "abs",
    "arange",
    "as_tensor",
    "cat",
    "clamp",
    "concatenate",
    "cos",
    "cumsum",
    "device",
    "dot",
    "double",
    "empty",
    "empty_like",
    "exp",
    "eye",
    "float32",
    "float64",
    "floor_divide",
    "fmod",
    "from_numpy",
    "full",
    "full_like",
    "int32",
    "int64",
    "linspace",
    "log",
    "long",
    "manual_seed",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mm",
    "norm",
    "ones",
    "ones_like",
    "pow",
    "prod",
    "rand",
    "rand_like",
    "randn",
    "randn_like",
    "relu",
    "remainder",
    "sigmoid",
    "sin",
    "sqrt",
    "stack",
    "sum",
    "tanh",
    "tensor",
    "unbroadcast",
    "where",
    "zeros",
    "zeros_like",
]
