"""The Tensor's methods besides its data, its backward() and its operators, in four
families, each a mixin class that ``Tensor`` is made of: elementwise functions (exp, sin,
relu, clamp ...), reductions (sum, mean, var, max, prod, cumsum, norm ...; and softmax along
an axis), products (matmul, mm, dot) and shape changes (reshape, permute, expand, indexing
...). The in-place methods (add_, zero_ ...) are in ``inplace.py``.

Each method checks its arguments, computes the result with NumPy, and makes the node with
its rule (``_make``): the rules are in the ``rules_*.py`` tables.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..engine import Rule
from ..scalar import Value
from .arguments import Shape, _dims, _keep, _one_dim, _shape_arg
from .formulas import _count, _exp, _log, _log1p, _sigmoid, _sqrt
from .functions import maximum, minimum
from .nodes import (
    _INT64,
    _as_tensor,
    _describe,
    _leaf,
    _make,
    _matmul_node,
    _mixing_error,
    _number,
)
from .rules_arithmetic import ABS, CLAMP, COS, EXP, LOG, LOG1P, RELU, SIGMOID, SIN, SQRT, TANH
from .rules_reductions import (
    AMAX,
    AMIN,
    CUMSUM,
    LOG_SOFTMAX,
    MAX_ALL,
    MEAN,
    MIN_ALL,
    NORM,
    PROD,
    SOFTMAX,
    SUM,
    VAR,
    _log_softmax,
    _softmax,
)
from .rules_shape import EXPAND, FLATTEN, GETITEM, PERMUTE, RESHAPE, SQUEEZE, UNSQUEEZE, VIEW
from .versions import _shared_counter, _view_counter

if TYPE_CHECKING:  # at run time a global that tensor.py sets once the class exists
    from .tensor import Tensor

Real = float  # inside class Tensor, `float` names its method Tensor.float


class MaxMin(NamedTuple):
    """What ``max(dim=...)`` / ``min(dim=...)`` return, as PyTorch's ``return_types.max``."""

    values: Tensor
    indices: Tensor


class _TensorParts:
    """What the methods below read of the Tensor they belong to (declared for the type
    checker: the Tensor class defines them)."""

    __slots__ = ()
    if TYPE_CHECKING:
        _data: np.ndarray[Any, Any]
        _version_counter: list[int] | None
        data: Any
        requires_grad: bool

        @property
        def shape(self) -> Shape: ...

        def clone(self) -> Tensor: ...

        def reshape(self, *shape: Any) -> Tensor: ...

        def abs(self) -> Tensor: ...

        def __getitem__(self, index: Any) -> Tensor: ...


class _Elementwise(_TensorParts):
    """exp, log, log1p, sqrt, sin, cos, abs, tanh, sigmoid, relu, clamp, pow, maximum,
    minimum."""

    __slots__ = ()

    def sin(self) -> Tensor:
        """Sine (of radians); d/dx = cos(x)."""
        return _make(np.sin(_real(self._data)), SIN, self, None, self.requires_grad)

    def cos(self) -> Tensor:
        """Cosine (of radians); d/dx = -sin(x)."""
        return _make(np.cos(_real(self._data)), COS, self, None, self.requires_grad)

    def pow(self, exponent: Any) -> Tensor:
        """``self ** exponent`` (a number or a tensor, broadcast): the ** operator."""
        return self ** exponent  # type: ignore[no-any-return,operator]

    def exp(self) -> Tensor:
        """e ** self; d/dx = exp(x), the output itself."""
        return _make(_exp(_real(self._data)), EXP, self, None, self.requires_grad)

    def log(self) -> Tensor:
        """Natural logarithm (-inf at 0, nan below); d/dx = 1/x."""
        return _make(_log(_real(self._data)), LOG, self, None, self.requires_grad)

    def log1p(self) -> Tensor:
        """log(1 + x), accurate for tiny x; d/dx = 1/(1 + x)."""
        return _make(_log1p(_real(self._data)), LOG1P, self, None, self.requires_grad)

    def sqrt(self) -> Tensor:
        """Square root (nan below 0); d/dx = 1/(2 sqrt(x))."""
        return _make(_sqrt(_real(self._data)), SQRT, self, None, self.requires_grad)

    def abs(self) -> Tensor:
        """|x|; d/dx = sign(x), which is 0 at 0 (as PyTorch)."""
        return _make(np.abs(self.data), ABS, self, None, self.requires_grad)

    def tanh(self) -> Tensor:
        """Hyperbolic tangent; d/dx = 1 - tanh(x)²."""
        return _make(np.tanh(_real(self._data)), TANH, self, None, self.requires_grad)

    def sigmoid(self) -> Tensor:
        """1 / (1 + e^-x), finite for any x; d/dx = s(x)·(1 - s(x))."""
        return _make(_sigmoid(_real(self._data)), SIGMOID, self, None, self.requires_grad)

    def relu(self) -> Tensor:
        """max(x, 0); d/dx = 1 where x > 0, else 0 (0 at x = 0, as PyTorch)."""
        return _make(np.maximum(self.data, 0), RELU, self, None, self.requires_grad)

    def clamp(self, min: Real | None = None, max: Real | None = None) -> Tensor:
        """Values limited to [min, max]; the gradient passes where min <= x <= max."""
        lo, hi = (None if v is None else _number(v) for v in (min, max))
        for name, v, f in (("min", min, lo), ("max", max, hi)):
            if v is not None and f is None:
                raise TypeError(f"clamp: {name} must be a number or None, got {_describe(v)}; "
                                "use maximum()/minimum() for elementwise bounds")
        if lo is None and hi is None:
            raise ValueError("clamp: at least one of min and max must be given")
        return _make(np.clip(self.data, lo, hi), CLAMP, self, (lo, hi), self.requires_grad)

    def clip(self, min: Real | None = None, max: Real | None = None) -> Tensor:
        """Alias of :meth:`clamp` (NumPy's and PyTorch's other name)."""
        return self.clamp(min, max)

    def maximum(self, other: Any) -> Tensor:
        """Elementwise larger value; ties share the gradient equally."""
        return maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        """Elementwise smaller value; ties share the gradient equally."""
        return minimum(self, other)


class _Reductions(_TensorParts):
    """sum, mean, var, amax, amin, max, min, argmax, argmin, prod, cumsum, norm; softmax and
    log_softmax."""

    __slots__ = ()

    # ---- reductions (PyTorch's dim/keepdim, or NumPy's axis/keepdims)
    def _reduce(self, rule: Rule, dim: Any, keepdim: bool, axis: Any,
                keepdims: bool | None) -> Tensor:
        dims = _dims(rule.name, dim, axis, self.data.ndim)
        keep = _keep(keepdim, keepdims)
        ctx = (dims, keep)
        return _make(rule.forward(self.data, ctx), rule, self, ctx, self.requires_grad)

    def sum(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None) -> Tensor:
        """Sum over ``dim`` (an int or tuple; all axes by default); the sum of an integer or
        bool tensor is int64 (``(x > 0).sum()`` counts), as in PyTorch."""
        if self._data.dtype.kind != "f" and self._data.dtype != _INT64:
            return _leaf(self._data.astype(_INT64))._reduce(SUM, dim, keepdim, axis, keepdims)
        return self._reduce(SUM, dim, keepdim, axis, keepdims)

    def mean(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
             keepdims: bool | None = None) -> Tensor:
        """Mean over ``dim`` (all axes by default)."""
        _floating(self._data, "mean")
        return self._reduce(MEAN, dim, keepdim, axis, keepdims)

    def var(self, dim: Any = None, keepdim: bool = False, *, correction: Real | None = None,
            unbiased: bool | None = None, axis: Any = None, keepdims: bool | None = None,
            ddof: Real | None = None) -> Tensor:
        """Variance over ``dim``, divided by n - correction (PyTorch's default correction=1:
        the unbiased estimate; ``unbiased=False`` or NumPy's ``ddof=0`` divides by n)."""
        _floating(self._data, "var")
        given = [v for v in (correction, unbiased, ddof) if v is not None]
        if len(given) > 1:
            raise TypeError("var: give one of correction, unbiased and ddof")
        corr = 1.0 if not given else float(1 if unbiased else 0) if unbiased is not None \
            else float(given[0])
        dims = _dims("var", dim, axis, self.data.ndim)
        keep = _keep(keepdim, keepdims)
        if _count(self.data.shape, dims) - corr <= 0:
            warnings.warn(f"var: degrees of freedom <= 0 (n = {_count(self.data.shape, dims)}, "
                          f"correction = {corr:g}); the result is inf or nan",
                          RuntimeWarning, stacklevel=2)
        ctx = (dims, keep, corr)
        return _make(VAR.forward(self.data, ctx), VAR, self, ctx, self.requires_grad)

    def amax(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
             keepdims: bool | None = None) -> Tensor:
        """Largest value over ``dim``; tied maxima share the gradient equally."""
        self._check_nonempty("amax")
        return self._reduce(AMAX, dim, keepdim, axis, keepdims)

    def amin(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
             keepdims: bool | None = None) -> Tensor:
        """Smallest value over ``dim``; tied minima share the gradient equally."""
        self._check_nonempty("amin")
        return self._reduce(AMIN, dim, keepdim, axis, keepdims)

    def max(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None) -> Any:
        """The largest value; with ``dim``, PyTorch's ``(values, indices)`` pair.

        Without dim the gradient is shared equally among tied maxima; with dim it
        goes to the element ``indices`` points at (the first maximum), as in PyTorch.
        A Tensor in place of dim gives the elementwise :meth:`maximum`, as in PyTorch.
        """
        if dim.__class__ is Tensor:
            return maximum(self, dim)
        if dim is None and axis is None:
            self._check_nonempty("max")
            return _make(MAX_ALL.forward(self.data, None), MAX_ALL, self, None,
                         self.requires_grad)
        return self._select("max", np.argmax, dim, keepdim, axis, keepdims)

    def min(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None) -> Any:
        """The smallest value; with ``dim``, PyTorch's ``(values, indices)`` pair (with a
        Tensor in place of dim, the elementwise :meth:`minimum`)."""
        if dim.__class__ is Tensor:
            return minimum(self, dim)
        if dim is None and axis is None:
            self._check_nonempty("min")
            return _make(MIN_ALL.forward(self.data, None), MIN_ALL, self, None,
                         self.requires_grad)
        return self._select("min", np.argmin, dim, keepdim, axis, keepdims)

    def prod(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """Product of every element, or along one axis ``dim``.

        The gradient of an element is the product of the others: out / x where no element
        is 0 (PyTorch's formula), else computed by multiplying the others, so that a zero
        gets the exact product of the rest (and two zeros give 0 everywhere).
        """
        if isinstance(dim, (tuple, list)):
            raise TypeError("prod: dim must be one int or None (PyTorch's prod takes one "
                            "axis); call prod once for each axis")
        d = None if dim is None else _one_dim("prod", dim, self.data.ndim)
        d = d if self.data.ndim else None  # a 0-d tensor: its one element
        ctx = (d, bool(keepdim) and d is not None)
        return _make(PROD.forward(self.data, ctx), PROD, self, ctx, self.requires_grad)

    def cumsum(self, dim: int) -> Tensor:
        """Running sums along ``dim``: out[i] = x[0] + ... + x[i]; the gradient of x[i]
        is the sum of the gradients of out[i], out[i + 1], ... (a reversed cumsum)."""
        d = _one_dim("cumsum", dim, max(self.data.ndim, 1))
        if not self.data.ndim:
            return self.reshape(1).cumsum(0).reshape(())
        return _make(CUMSUM.forward(self.data, d), CUMSUM, self, d, self.requires_grad)

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
        """The vector norm over ``dim`` (all elements by default): p = 2 or "fro" (the
        default), sqrt(sum(x²)), whose gradient x / norm is taken as 0 where the norm is 0
        (as PyTorch's); p = 1, sum(|x|); p = inf, max(|x|) (these two are recorded as the
        abs and sum/amax they are made of)."""
        _floating(self._data, "norm")
        if p == "fro" or (_number(p) == 2.0 and not isinstance(p, bool)):
            if p == "fro" and isinstance(dim, (tuple, list)) and len(dim) > 2:
                raise RuntimeError(f"norm: p='fro' is a matrix norm and takes at most 2 dims, "
                                   f"got dim={tuple(dim)}; use p=2 for the vector norm over "
                                   "more axes (as in PyTorch)")
            dims = _dims("norm", dim, None, self.data.ndim)
            ctx = (dims, bool(keepdim))
            return _make(NORM.forward(self.data, ctx), NORM, self, ctx, self.requires_grad)
        if _number(p) == 1.0 and not isinstance(p, bool):
            return self.abs().sum(dim, keepdim)
        if _number(p) == math.inf:
            return self.abs().amax(dim, keepdim)
        raise ValueError(f"norm: p={p!r} is not supported; use p=2 (or 'fro', the default), "
                         "p=1 or p=float('inf'), or write the p-norm out: "
                         "(x.abs() ** p).sum() ** (1 / p)")

    def _check_nonempty(self, op: str) -> None:
        if self.data.size == 0:
            raise ValueError(f"{op}: the tensor is empty (shape {self.shape}); it has no "
                             "largest or smallest element")

    def _select(self, op: str, arg: Any, dim: Any, keepdim: bool, axis: Any,
                keepdims: bool | None) -> MaxMin:
        if dim is not None and axis is None and isinstance(dim, (tuple, list)):
            raise TypeError(f"{op}: dim must be one int (use amax/amin for several axes)")
        self._check_nonempty(op)
        dims = _dims(op, dim, axis, self.data.ndim)
        keep = _keep(keepdim, keepdims)
        if not dims:  # a 0-d tensor: the value itself
            return MaxMin(self.clone(), _leaf(np.zeros((), _INT64)))
        d = dims[0]
        idx = arg(self.data, axis=d, keepdims=keep)
        return MaxMin(self[_along(idx, d, self.data.shape, keep)], _leaf(idx.astype(_INT64)))

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """Index of the largest value (over the flattened tensor without dim): an int64
        tensor, as in PyTorch."""
        return self._arg("argmax", np.argmax, dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """Index of the smallest value (over the flattened tensor without dim): int64."""
        return self._arg("argmin", np.argmin, dim, keepdim)

    def _arg(self, op: str, arg: Any, dim: int | None, keepdim: bool) -> Tensor:
        self._check_nonempty(op)
        if self._data.dtype.kind == "b":
            raise RuntimeError(f"{op}(): does not support bool input (as in PyTorch); convert "
                               "the mask first, e.g. mask.long()")
        d = None if dim is None else _one_dim(op, dim, max(self.data.ndim, 1))
        return _leaf(np.asarray(arg(self.data, axis=d, keepdims=bool(keepdim)), _INT64))

    def softmax(self, dim: int) -> Tensor:
        """exp(x) / sum(exp(x)) along ``dim``, computed without overflow."""
        _floating(self._data, "softmax")
        d = _one_dim("softmax", dim, self.data.ndim)
        return _make(_softmax(self.data, d), SOFTMAX, self, d, self.requires_grad)

    def log_softmax(self, dim: int) -> Tensor:
        """log(softmax(x)) along ``dim`` by max-subtraction: finite for logits of ±1000."""
        _floating(self._data, "log_softmax")
        d = _one_dim("log_softmax", dim, self.data.ndim)
        return _make(_log_softmax(self.data, d), LOG_SOFTMAX, self, d, self.requires_grad)

    def multinomial(self, num_samples: int, replacement: bool = False, *,
                    generator: Any = None) -> Tensor:
        """Indices drawn with probabilities proportional to this tensor's weights, as
        :func:`autograd_mini.multinomial` (which loads on first use)."""
        from .sampling import multinomial

        return multinomial(self, num_samples, replacement, generator=generator)  # type: ignore[arg-type]


class _Products(_TensorParts):
    """matmul, mm (matrices only) and dot (vectors only): the @ operator, with
    PyTorch's checks of the shapes."""

    __slots__ = ()

    def matmul(self, other: Any) -> Tensor:
        """``self @ other`` (NumPy's and PyTorch's rules for 1-D and batched operands)."""
        return self @ other  # type: ignore[no-any-return,operator]

    def mm(self, mat2: Any) -> Tensor:
        """The product of two matrices (2-D only, unlike matmul)."""
        o = _as_tensor(mat2, self, "mm")  # type: ignore[arg-type]
        s, t = self.data.shape, o.data.shape
        for name, shape in (("self", s), ("mat2", t)):
            if len(shape) != 2:
                raise RuntimeError(f"mm: {name} must be a matrix (2-D), got shape {shape}; "
                                   "use matmul (or @) for vectors and batches")
        if s[1] != t[0]:
            raise RuntimeError(f"mm: mat1 and mat2 shapes cannot be multiplied ({s[0]}x{s[1]} "
                               f"and {t[0]}x{t[1]}): the columns of the first ({s[1]}) must "
                               f"equal the rows of the second ({t[0]})")
        return _matmul_node(self, o)  # type: ignore[arg-type]

    def dot(self, other: Any) -> Tensor:
        """The dot product of two vectors of one length (1-D only, unlike matmul)."""
        o = _as_tensor(other, self, "dot")  # type: ignore[arg-type]
        s, t = self.data.shape, o.data.shape
        if len(s) != 1 or len(t) != 1:
            raise RuntimeError(f"dot: 1D tensors expected, but got {len(s)}D and {len(t)}D "
                               f"tensors (shapes {s} and {t}); use matmul (or @) for "
                               "matrices")
        if s != t:
            raise RuntimeError(f"dot: inconsistent tensor size: the vectors have {s[0]} and "
                               f"{t[0]} elements; they need the same number")
        return _matmul_node(self, o)  # type: ignore[arg-type]


class _ShapeChanges(_TensorParts):
    """reshape, view, flatten, squeeze, unsqueeze, permute, transpose, expand, indexing."""

    __slots__ = ()

    # ---- shape changes
    def reshape(self, *shape: Any) -> Tensor:
        """The same numbers in a new shape (one entry may be -1: inferred)."""
        return self._reshaped(RESHAPE, _shape_arg(shape))

    def view(self, *shape: Any) -> Tensor:
        """Same as :meth:`reshape` (NumPy arrays need no contiguity check)."""
        return self._reshaped(VIEW, _shape_arg(shape))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Axes start_dim..end_dim merged into one (all of them by default)."""
        s = self.data.shape
        if not s:
            return self._reshaped(FLATTEN, (1,))
        lo, hi = (_one_dim("flatten", d, len(s)) for d in (start_dim, end_dim))
        if lo > hi:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        return self._reshaped(FLATTEN, (*s[:lo], math.prod(s[lo:hi + 1]), *s[hi + 1:]))

    def squeeze(self, dim: int | None = None) -> Tensor:
        """Size-1 axes removed (only ``dim``, if given and of size 1)."""
        s = self.data.shape
        if dim is None:
            return self._reshaped(SQUEEZE, tuple(n for n in s if n != 1))
        d = _one_dim("squeeze", dim, len(s)) if s else 0
        return self._reshaped(SQUEEZE, s[:d] + s[d + 1:] if s and s[d] == 1 else s)

    def unsqueeze(self, dim: int) -> Tensor:
        """A size-1 axis inserted at ``dim``."""
        s = self.data.shape
        d = _one_dim("unsqueeze", dim, len(s) + 1)
        return self._reshaped(UNSQUEEZE, (*s[:d], 1, *s[d:]))

    def _reshaped(self, rule: Rule, shape: Shape) -> Tensor:
        size = self.data.size
        known = math.prod(n for n in shape if n != -1)
        if shape.count(-1) > 1 or any(n < -1 for n in shape) or (
                -1 in shape and (known == 0 or size % known)) or (
                -1 not in shape and known != size):
            raise ValueError(f"{rule.name}: cannot reshape a tensor of shape {self.shape} "
                             f"({size} elements) into shape {shape}")
        out = self._data.reshape(shape)
        return _make(out, rule, self, shape, self.requires_grad, _view_counter(out, self))

    def permute(self, *dims: Any) -> Tensor:
        """The axes reordered: ``permute(2, 0, 1)`` puts axis 2 first."""
        axes = _shape_arg(dims)
        n = self.data.ndim
        if sorted(d % n if n else d for d in axes) != list(range(n)) or any(
                not -n <= d < n for d in axes):
            raise ValueError(f"permute: {axes} is not an ordering of the {n} axes of a tensor "
                             f"of shape {self.shape}")
        axes = tuple(d % n for d in axes)
        return _make(self._data.transpose(axes), PERMUTE, self, axes, self.requires_grad,
                     _shared_counter(self))  # always a view

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """Axes ``dim0`` and ``dim1`` swapped (PyTorch's two-axis transpose)."""
        n = self.data.ndim
        if n == 0:
            return self.permute(())
        d0, d1 = _one_dim("transpose", dim0, n), _one_dim("transpose", dim1, n)
        axes = list(range(n))
        axes[d0], axes[d1] = axes[d1], axes[d0]
        return self.permute(tuple(axes))

    swapaxes = transpose

    def expand(self, *shape: Any) -> Tensor:
        """A broadcast to ``shape`` (no copy); -1 keeps an axis's size, as in PyTorch."""
        target = _shape_arg(shape)
        s = self.data.shape
        lead = len(target) - len(s)
        if lead < 0:
            raise ValueError(f"expand: cannot expand shape {s} to {target}, which has fewer "
                             "dimensions")
        full_shape = tuple(s[i - lead] if n == -1 and i >= lead else n
                           for i, n in enumerate(target))
        for i, n in enumerate(s):
            if n != 1 and n != full_shape[i + lead]:
                raise ValueError(f"expand: cannot expand shape {s} to {target}: axis {i} has "
                                 f"size {n}, which is neither 1 nor {full_shape[i + lead]}")
        if any(n < 0 for n in full_shape):
            raise ValueError(f"expand: -1 is only allowed for existing axes ({target})")
        return _make(np.broadcast_to(self._data, full_shape), EXPAND, self, full_shape,
                     self.requires_grad, _shared_counter(self))  # always a (read-only) view

    def broadcast_to(self, *shape: Any) -> Tensor:
        """Same as :meth:`expand` (NumPy's name)."""
        return self.expand(*shape)

    def expand_as(self, other: Tensor) -> Tensor:
        """Expanded to ``other``'s shape."""
        return self.expand(other.shape)

    def __getitem__(self, index: Any) -> Tensor:
        ix = _normalize_index(index)
        try:
            out = self.data[ix]
        except IndexError as exc:
            raise IndexError(f"Tensor index {index!r} does not fit shape {self.shape}: "
                             f"{exc}") from None
        if not isinstance(out, np.ndarray):  # one element: NumPy gives a scalar
            out = np.asarray(out)
        return _make(out, GETITEM, self, (ix, _accumulates(ix)), self.requires_grad,
                     _view_counter(out, self))  # basic indexing gives a view


# ------------------------------------------------------------------ argument helpers
def _real(d: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """A bool array as float64 for the float functions (NumPy would compute sin(True) in
    float16); any other array as it is (NumPy gives integers float64, our default float)."""
    return d.astype(np.float64) if d.dtype.kind == "b" else d


def _floating(d: np.ndarray[Any, Any], op: str) -> None:
    """RuntimeError, as PyTorch's, when ``op`` (mean, var ...) gets integers or bools."""
    if d.dtype.kind != "f":
        raise RuntimeError(f"{op}(): needs a floating point dtype, got {d.dtype} (as in "
                           f"PyTorch); convert first, e.g. t.double().{op}() or t.float()")


def _normalize_index(index: Any) -> Any:
    """The index as NumPy takes it; Tensors (which hold floats) are refused with advice."""
    items = index if isinstance(index, tuple) else (index,)
    out = []
    for item in items:
        if item.__class__ is Tensor:
            kind = item.data.dtype.kind
            if kind == "f":
                raise IndexError(f"Tensor index: tensors used as indices must be long, int, "
                                 f"byte or bool tensors, got {item.data.dtype}; convert it, "
                                 "e.g. idx.long()")
            item = item.data  # an int64/int32 tensor picks elements, a bool one is a mask
        if isinstance(item, Value):
            raise _mixing_error("Tensor index")
        if isinstance(item, (list, np.ndarray)):
            arr = np.array(item)  # a copy: later edits to the caller's array cannot change
            if arr.dtype.kind not in "biu" and arr.size:  # what the backward pass picks
                raise TypeError(f"Tensor index: an index array must hold integers or "
                                f"booleans, got dtype {arr.dtype}")
            item = arr.astype(np.intp) if arr.dtype.kind != "b" else arr
        out.append(item)
    return tuple(out) if isinstance(index, tuple) else out[0]


def _accumulates(ix: Any) -> bool:
    """True when the index may pick an element twice (integer arrays), so the backward
    pass must add with np.add.at rather than assign."""
    items = ix if isinstance(ix, tuple) else (ix,)
    return any(isinstance(i, np.ndarray) and i.dtype.kind != "b" for i in items)


def _along(idx: Any, dim: int, shape: Shape, keepdim: bool) -> tuple[Any, ...]:
    """The index that picks ``a[..., idx, ...]`` along ``dim`` (take_along_axis's index)."""
    out_shape = idx.shape
    index: list[Any] = []
    for axis, n in enumerate(shape):
        if axis == dim:
            index.append(idx)
            continue
        at = axis if keepdim else (axis if axis < dim else axis - 1)
        grid_shape = [1] * len(out_shape)
        grid_shape[at] = n
        index.append(np.arange(n).reshape(grid_shape))
    return tuple(index)
