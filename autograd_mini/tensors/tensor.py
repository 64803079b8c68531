"""The Tensor: a NumPy array that remembers the operation that produced it.

A Tensor holds a NumPy array (float64 unless you ask for float32) and remembers
the operation that produced it, on the same graph walk as the scalar
:class:`~autograd_mini.Value`: the Rule of the op (its forward formula and the
vector-Jacobian product for each operand, side by side in the ``rules_*.py`` tables)
and its operands. This file holds the class itself: its numbers and their version,
``backward()``, and the operators; its other methods (exp, sum, reshape ...) are in
``methods.py``, which the class is made of.

Constants. How an operand that needs no gradient rides in the graph:

* a **number** (``x * 2``, ``1 - y``, ``x ** 3``) stays a Python float in the
  node's ``_b`` slot, with a unary rule of its own (``MUL_C``, ``RSUB`` ...;
  ``rules_arithmetic.py`` gives the measurements that chose this): no array and
  no node is made for it, and a float32 tensor stays float32.
* an **array** (NumPy array or list) becomes a leaf Tensor with
  ``requires_grad=False`` and the ordinary binary rule is used; the graph walk
  skips parents that do not require grad, so the constant costs one skipped
  node and no arithmetic. A Tensor made from data (the batch ``x`` in
  ``x @ W``) is the same case: ``x @ W`` never computes a gradient for ``x``.

Gradients. ``.grad`` is a Tensor (or None before the first backward), as in
PyTorch: of the tensor's dtype and shape, with ``requires_grad=False``, and the same
object on every read, so ``x.grad.zero_()``, ``x.grad.numpy()``, ``np.asarray(x.grad)``
and ``x.grad + 1`` all work. ``backward()`` adds to it *in place*, as PyTorch's
AccumulateGrad: after ``g = x.grad; loss.backward()``, ``g is x.grad`` and ``g`` holds the
sum. What may be assigned is what PyTorch accepts: None, or a Tensor of the tensor's
dtype and shape (``p.grad = np.ones(2)`` is a TypeError: wrap it with
``autograd_mini.tensor``; a float64 gradient for a float32 ``p`` a RuntimeError). The
numbers in ``.grad`` belong to that tensor alone, never shared with another tensor's
``.grad`` or with the caller's ``gradient=`` argument, so editing one ``.grad`` in
place cannot change another (a gradient buffer the backward pass made is kept
without a copy, as PyTorch does; anything that might be shared is copied). The
update idioms ``p.data -= lr * p.grad`` (NumPy writes into ``p.data``: see
``Tensor.__array_ufunc__``), ``p.data -= lr * p.grad.data`` and, under ``no_grad()``,
``p -= lr * p.grad`` all work. With ``backward(create_graph=True)`` the backward pass
is itself recorded and ``.grad`` holds a Tensor *with history* (as PyTorch's does),
so it can be differentiated again (a recorded pass adds out of place, ``old + g``, as
PyTorch's does); ``grad()`` returns Tensors in both cases.

Dtypes. A Tensor holds float64, float32, int64, int32 or bool numbers; only the
floating ones carry gradients (``requires_grad=True`` on another raises a RuntimeError,
as in PyTorch), so integer and bool tensors are constants: indices, class labels,
counts and masks. ``Tensor(data)`` always makes floats (as ``torch.Tensor``):
``Tensor([1, 2])`` is float64; :func:`~autograd_mini.tensor` infers the dtype as
``torch.tensor`` does (bools bool, ints int64, floats float64: our default float dtype
is float64 where PyTorch's is float32). Float data of another width is converted:
float16 to float32 (exactly), np.longdouble to float64 (``dtype=np.float16`` is refused,
naming float32). Comparisons (``x > 0``) give bool tensors, ``argmax`` and the
``indices`` of ``max(dim=...)`` int64 tensors; both index (``x[x > 0]``, ``C[idx]``) with
the gradient going to the float tensor indexed. Promotion follows PyTorch: floats win over
integers and integers over bool (int64 with float32 is float32), float64 over float32 and
int64 over int32, through a recorded ``to`` node so each side's gradient comes back in its
own dtype; a 0-d tensor (or 0-d array) or a number promotes like a number, so
``ones(2, dtype=float32) * Tensor(2.5)`` is float32, ``tensor([1, 2]) + 1`` int64 and
``tensor([1, 2]) + 0.5`` or ``/ 2`` float64.

Tensors and Values. A :class:`~autograd_mini.Value` (one float, scalar graph)
and a Tensor (an array) are different node kinds on the same walk; an
expression that mixes them raises a TypeError that says how to convert:
``Tensor(v.data)`` makes a new tensor leaf from a Value's number,
``Value(t.item())`` makes a Value from a one-element Tensor (both start a new
graph: history is not carried across).
"""

from __future__ import annotations

import operator
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from ..engine import Rule, backward_pass, is_grad_enabled
from ..scalar import Value
from . import factories, formulas, functions, inplace, integers, methods, nodes
from .arguments import Shape, _broadcast_shapes
from .devices import CPU as _CPU
from .devices import _check_device, _to_args
from .devices import device as _device
from .formulas import _data, _div, _pow, _pow_scalar, _quiet
from .functions import minimum, where, zeros_like
from .inplace import _InPlace
from .integers import _IntegerOps
from .methods import _Elementwise, _normalize_index, _Products, _Reductions, _ShapeChanges
from .nodes import (
    _array_ufunc,
    _as_tensor,
    _binary_node,
    _cast,
    _check_grad,
    _check_integer_op,
    _constant,
    _data_array,
    _dtype_arg,
    _leaf,
    _make,
    _matmul_node,
    _mixing_error,
    _number,
    _number_node,
    _one,
    _requires_float,
    _to_array,
)
from .rules_arithmetic import (
    ADD,
    ADD_C,
    DIV,
    DIV_C,
    MUL,
    MUL_C,
    NEG,
    POW,
    POW_C,
    RDIV,
    RPOW,
    RSUB,
    SUB,
    SUB_C,
)
from .rules_shape import CLONE, INDEX_PUT
from .versions import _RESHAPED, _check_versions, _shared_counter, _version

__all__ = ["Tensor"]


class _Size(int):
    """The number of elements (NumPy's ``a.size``) that can also be called as PyTorch's
    ``t.size()`` (the shape) or ``t.size(dim)`` (one axis's length)."""

    shape: Shape

    def __call__(self, dim: int | None = None) -> Any:
        return self.shape if dim is None else self.shape[dim]


class Tensor(_Elementwise, _Reductions, _Products, _ShapeChanges, _InPlace, _IntegerOps):
    """An array that remembers how it was computed, so it can compute gradients.

    >>> W = Tensor([[1.0, 2.0], [3.0, -4.0]], requires_grad=True)
    >>> x = Tensor([1.0, 2.0])
    >>> loss = (W @ x).relu().sum()   # relu([5, -5]) = [5, 0]
    >>> loss
    Tensor(5., op='sum')
    >>> loss.backward()
    >>> W.grad                        # the row that relu zeroed gets no gradient
    Tensor([[1., 2.],
            [0., 0.]])

    ``Tensor(data)`` copies ``data`` (numbers, nested lists, NumPy arrays) into a
    new float64 array, or float32 when ``data`` is float32 or ``dtype`` says so;
    :func:`from_numpy` shares the array instead. Only tensors made with
    ``requires_grad=True`` (and results computed from them) take part in
    ``backward()``; ``.grad`` starts as None and every ``backward()`` *adds* to it.
    """

    __slots__ = ("_data", "_grad", "label", "_requires_grad", "_op", "_a", "_b", "_retains_grad",
                 "_g", "_version_counter", "_saved_versions", "__weakref__")
    # NumPy hands us its operators with an array on the left (arr - t, arr -= t): nodes.py
    __array_ufunc__ = _array_ufunc
    __hash__ = object.__hash__  # identity: the graph walk keeps nodes in sets and dicts
    # the backward pass asks before it starts: were operands edited in place since?
    _check_graph = staticmethod(_check_versions)

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None,
                 label: str = "", device: Any = None) -> None:
        if device is not None:
            _check_device(device, "Tensor")
        if not isinstance(label, str):
            raise TypeError(f"Tensor: label must be a str, got {type(label).__name__}")
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"Tensor: requires_grad must be True or False, got {requires_grad!r}")
        self._data: np.ndarray[Any, Any] = _to_array(data, dtype, "Tensor")
        self._version_counter: list[int] | None = None  # see the data property
        self._saved_versions: Any = None  # parents' versions, for a recorded op (see _make)
        self._grad: Any = None
        self.label = label
        self._requires_grad = bool(requires_grad)
        self._op: Rule | None = None
        self._a: Any = None
        self._b: Any = None
        self._retains_grad = False
        self._g: Any = None  # gradient so far, only during a backward pass

    # ---- what it holds
    # .data is a property so that replacing the array counts as an edit. Each tensor has a
    # version counter, as in PyTorch: assigning .data (an optimizer step does), the in-place
    # operators (t -= ..., under no_grad) and t.data -= ... (NumPy writes into the array, then
    # Python assigns it back) add one. A recorded op notes its operands' versions (its result
    # starts at version 0), and backward() refuses to run if a tensor whose numbers a backward
    # formula reads has changed since: the gradient would silently use the new numbers.
    # A view shares its base's counter. Not seen: writes that never pass through the Tensor,
    # such as t.data[0] = 5, np.copyto(t.data, ...) or edits to an array given to from_numpy.
    # (The counter is a one-item list that views share, or None until the first edit or view:
    # most tensors are never edited, and a list for each would cost 64 bytes.)
    def _set_data(self, value: Any) -> None:
        old = self._data
        vc = self._version_counter
        if value is old:  # t.data += 1: the array (and every view of it) was edited
            if vc is None:
                self._version_counter = [1]
            else:
                vc[0] += 1
            return
        # A new array shares no memory with the old one's views: a counter of its own. A new
        # shape or dtype also counts as _RESHAPED, which even formulas that read only their
        # operands' shapes (add, sum, reshape ...) care about.
        now = 0 if vc is None else vc[0]
        if vc is not None:
            # The tensors sharing the old counter (views, detached copies, its base: W.T in
            # nn.Linear) keep the old numbers, but in PyTorch, whose in-place operators and
            # optimizer steps write into the shared memory, they would be edited too. So count
            # an edit for them as well: graphs are refused where PyTorch refuses them, however
            # they read the tensor.
            vc[0] += 1
        if value.__class__ is np.ndarray and value.dtype is old.dtype and value.shape == old.shape:
            self._version_counter = [now + 1]  # a new array of the same shape and dtype
        else:
            value = _data_array(value, old.dtype)
            same = value.shape == old.shape and value.dtype == old.dtype
            self._version_counter = [now + (1 if same else _RESHAPED + 1)]
        self._data = value

    # (operator.attrgetter reads the slot in C: a third quicker than a Python getter)
    data = property(operator.attrgetter("_data"), _set_data, doc="The NumPy array of numbers.")

    # requires_grad is a property for the same reason: only a floating tensor can require grad,
    # and PyTorch refuses ``t.requires_grad = True`` on another at the assignment. (Reading
    # it is a C attrgetter, as for .data; the package's constructors write the slot.)
    def _set_requires_grad(self, value: Any) -> None:
        if not isinstance(value, (bool, np.bool_)):
            raise RuntimeError(f"requires_grad must be a bool (True or False), got {value!r}")
        if value and self._data.dtype.kind != "f":
            raise _requires_float(self._data.dtype, "requires_grad")
        if self._op is not None:  # PyTorch refuses either value on a result
            raise RuntimeError("requires_grad: you can only change requires_grad flags of leaf "
                               f"variables, and this tensor was computed by {self._op.name}; "
                               "use t.detach() for a tensor without history (and "
                               "t.detach().requires_grad_() for a new leaf)")
        self._requires_grad = bool(value)

    requires_grad = property(operator.attrgetter("_requires_grad"), _set_requires_grad,
                             doc="Whether backward() computes a gradient for this tensor.")

    # .grad is a property so that what is assigned is checked, as in PyTorch: a Tensor of this
    # tensor's dtype and shape, or None (an optimizer step would otherwise turn a float32
    # parameter into float64). The backward pass writes the slot itself (_accumulate_grad).
    def _set_grad(self, value: Any) -> None:
        if value is not None:
            data = self._data
            if (value.__class__ is not Tensor or value._data.dtype is not data.dtype
                    or value._data.shape != data.shape):
                _check_grad(value, data.dtype, data.shape)
        self._grad = value

    grad = property(operator.attrgetter("_grad"), _set_grad,
                    doc="The gradient: a Tensor of the tensor's dtype and shape, or None.")

    @staticmethod
    def _subtract_data(steps: Sequence[tuple[Tensor, Any]]) -> None:
        """``t.data -= amount`` for each ``(t, amount)``, in place and counted as that edit is
        (how SGD writes its step). The caller has checked that each amount is an array of the
        tensor's shape and dtype, and its array writable."""
        subtract = np.subtract
        for t, amount in steps:
            data = t._data
            t._set_data(subtract(data, amount, out=data))  # the same array: one more edit

    @property
    def _version(self) -> int:
        """How many times this tensor's numbers were changed in place (PyTorch's ``_version``)."""
        return _version(self) % _RESHAPED

    @property
    def shape(self) -> Shape:
        """The array's shape, a tuple (PyTorch's ``t.shape``)."""
        return self._data.shape  # type: ignore[no-any-return]

    @property
    def ndim(self) -> int:
        """Number of axes."""
        return self._data.ndim  # type: ignore[no-any-return]

    def dim(self) -> int:
        """Number of axes (PyTorch's name)."""
        return self.data.ndim  # type: ignore[no-any-return]

    @property
    def dtype(self) -> np.dtype[Any]:
        """The NumPy dtype: float64 (default) or float32."""
        return self._data.dtype

    @property
    def size(self) -> _Size:
        """Number of elements, as NumPy's ``a.size``; call it for PyTorch's ``t.size()``
        (the shape) or ``t.size(dim)`` (the length of one axis)."""
        s = _Size(self.data.size)
        s.shape = self.data.shape
        return s

    def numel(self) -> int:
        """Number of elements (PyTorch's name)."""
        return self.data.size  # type: ignore[no-any-return]

    @property
    def T(self) -> Tensor:
        """The tensor with its axes reversed (the transpose of a matrix)."""
        return self.permute(tuple(range(self.data.ndim - 1, -1, -1)))

    @property
    def mT(self) -> Tensor:
        """The last two axes swapped (a batch of transposed matrices)."""
        return self.swapaxes(-1, -2)

    @property
    def is_leaf(self) -> bool:
        """True for a tensor made by the user (or under no_grad), False for an op result."""
        return self._op is None

    @property
    def op(self) -> str:
        """Name of the operation that made this tensor ('' for a leaf)."""
        return "" if self._op is None else self._op.name

    def item(self) -> Any:
        """The one number of a one-element tensor, as a Python float (a Python int for an
        integer tensor, a bool for a bool one)."""
        if self.data.size != 1:
            raise ValueError(f"item: only a one-element tensor converts to a Python number; "
                             f"this one has shape {self.shape}")
        return self.data.reshape(()).item()

    def numpy(self) -> np.ndarray[Any, Any]:
        """The array itself (shared, not copied), as PyTorch's ``t.numpy()``.

        As in PyTorch, a tensor that requires grad refuses: NumPy would see its
        numbers without their history. Use ``t.detach().numpy()`` (or ``t.data``).
        """
        if self.requires_grad:
            raise TypeError("numpy: this Tensor requires grad, so NumPy would see its numbers "
                            "without their history (refused, as in PyTorch); use "
                            "t.detach().numpy() or t.data for the array")
        return self.data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray[Any, Any]:
        arr = self.numpy()
        return arr if dtype is None else arr.astype(dtype)

    def tolist(self) -> Any:
        """The numbers as (nested) Python lists."""
        return self.data.tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous; "
                             "use (t > 0).any() or (t > 0).all()")
        return bool(self.data.reshape(()))

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor (it holds one number; use t.item())")
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor (it holds one number; use t.item())")
        return (self[i] for i in range(len(self.data)))

    def _repr_html_(self) -> str:  # Jupyter: shape, dtype, a summary of the numbers, grad
        from ..viz.notebook import tensor_html

        return tensor_html(self)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        extras = []
        if self.data.dtype != np.float64:
            extras.append(f"dtype={self.data.dtype}")
        if self._op is not None:
            extras.append(f"op={self._op.name!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.label:
            extras.append(f"label={self.label!r}")
        return f"Tensor({', '.join([body, *extras])})"

    # ---- graph housekeeping
    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's array, with no history and no grad."""
        t = _leaf(self._data, counter=_shared_counter(self))  # shares numbers and edits
        t.label = self.label
        return t

    def clone(self) -> Tensor:
        """A copy of the array that stays in the graph (gradient passes through unchanged)."""
        return _make(self.data.copy(), CLONE, self, None, self.requires_grad)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Switch gradient tracking for a leaf on or off, in place; returns the tensor."""
        if self._op is not None and not requires_grad:
            raise ValueError("requires_grad_: only a leaf can stop requiring grad; use "
                             "t.detach() for a copy of this result without history")
        if requires_grad and self._data.dtype.kind != "f":
            raise _requires_float(self._data.dtype, "requires_grad_")
        self._requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> None:
        """Make ``backward()`` store this non-leaf tensor's gradient in ``.grad`` too."""
        if not self.requires_grad:
            raise ValueError("retain_grad: this tensor does not require grad, so it gets no "
                             "gradient to retain")
        if self._op is not None:
            self._retains_grad = True

    @property
    def retains_grad(self) -> bool:
        """True for a non-leaf after ``retain_grad()`` (PyTorch's ``retains_grad``)."""
        return self._retains_grad

    def to(self, *args: Any, dtype: Any = None, device: Any = None,
           non_blocking: bool = False, copy: bool = False) -> Tensor:
        """This tensor as ``dtype`` (float64, float32, int64, int32 or bool) on ``device`` (the
        CPU only), as
        PyTorch's ``t.to(dtype)``, ``t.to("cpu")``, ``t.to("cpu", dtype)``,
        ``t.to(device=..., dtype=...)``; itself when nothing changes (unless ``copy``).
        Another device raises a RuntimeError (autograd_mini computes on the CPU)."""
        dtype = _to_args(args, dtype, device, "to")
        dt = self.data.dtype if dtype is None else _dtype_arg(dtype, "to")
        if dt == self.data.dtype:
            return self.clone() if copy else self
        return _cast(self, dt)

    def cpu(self) -> Tensor:
        """Itself: autograd_mini's tensors are always on the CPU (PyTorch's ``t.cpu()``)."""
        return self

    @property
    def device(self) -> _device:
        """``device(type='cpu')``: autograd_mini computes on the CPU with NumPy."""
        return _CPU

    def float(self) -> Tensor:
        """As float32 (PyTorch's ``t.float()``)."""
        return self.to(np.float32)

    def double(self) -> Tensor:
        """As float64 (PyTorch's ``t.double()``)."""
        return self.to(np.float64)

    # ---- gradients
    def backward(self, gradient: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Add d self / d leaf (weighted by ``gradient``) to ``.grad`` of every leaf.

        ``gradient`` is required when this tensor has more than one element (as
        in PyTorch): it weights each output element, and must have this tensor's
        shape. With ``create_graph=True`` the backward pass is recorded, so the
        gradients in ``.grad`` are Tensors that can be differentiated again.
        ``retain_graph`` is accepted for PyTorch compatibility: graphs here are
        never freed by backward, so every graph can be walked again. A tensor whose
        numbers the graph's formulas read must not have been edited since the forward
        pass (an optimizer step edits every parameter): backward raises a RuntimeError
        naming it, as PyTorch does.

        With create_graph, ``x.grad`` refers back to ``x`` through its history (a
        reference cycle, as in PyTorch, which warns too); :func:`autograd_mini.grad`
        returns the same gradients without storing them.
        """
        if not self.requires_grad:
            raise ValueError("backward: this tensor does not require grad and has no history, "
                             "so no gradient can flow from it; create the inputs with "
                             "requires_grad=True (and not under no_grad)")
        if create_graph:
            warnings.warn(
                "backward(create_graph=True) stores in each leaf's .grad a Tensor whose history "
                "leads back to the leaf: a reference cycle that reference counting cannot "
                "free. Prefer autograd_mini.grad(..., create_graph=True), or set .grad = None "
                "after use (PyTorch warns the same)", UserWarning, stacklevel=2)
        backward_pass([self], [self._seed(gradient, create_graph, "backward")],
                      create_graph=create_graph, capture=())

    # hooks for graph.backward_pass and graph.grad
    def _seed(self, gradient: Any, create_graph: bool, who: str) -> Any:
        """The gradient the backward pass starts from at this output."""
        if gradient is None:
            if self.data.size != 1:
                raise ValueError(
                    f"{who}: grad can be implicitly created only for scalar outputs; this "
                    f"output has shape {self.shape}. Reduce it first (e.g. .sum() or .mean()) "
                    f"or pass a gradient of shape {self.shape} (e.g. ones_like(output))")
            # a plain backward() never edits its seed, so all share one read-only array; a
            # recorded one gets its own (it may end up in a leaf's .grad)
            g = (np.ones if create_graph else _one)(self.data.shape, self.data.dtype)
        else:
            if isinstance(gradient, Value):
                raise _mixing_error(f"{who}: gradient")
            if gradient.__class__ is Tensor:
                if create_graph and gradient.requires_grad:
                    self._check_seed_shape(gradient.shape, who)
                    return gradient  # a gradient with history stays differentiable
                gradient = gradient.data
            g = _to_array(gradient, self.data.dtype, f"{who}: gradient")  # a copy of our own
            self._check_seed_shape(g.shape, who)
        return _leaf(g) if create_graph else g

    def _check_seed_shape(self, shape: Shape, who: str) -> None:
        if shape != self.data.shape:
            raise ValueError(f"{who}: gradient has shape {shape} but the output has shape "
                             f"{self.shape}; they must match")

    @staticmethod
    def _grad_result(g: Any, create_graph: bool) -> Tensor:
        """What grad() returns for this input: a Tensor (with history if recorded)."""
        if g.__class__ is Tensor:
            return g  # type: ignore[no-any-return]
        g = np.asarray(g)
        return _leaf(g if g.flags.writeable and g.base is None else g.copy())

    def _accumulate_grad(self, g: Any) -> None:
        """Add a backward pass's gradient ``g`` to ``.grad``, as PyTorch's AccumulateGrad.

        The first gradient becomes ``.grad`` (see _first_grad). After that, a plain pass adds
        into the numbers of a leaf's Tensor already in ``.grad``, so a reference to it taken
        before (``g = x.grad``) sees the sum; the edit counts in its version, as any in-place
        edit does. A recorded pass (create_graph, ``g`` a Tensor) makes a new Tensor,
        ``old + g``, with history, and so does a non-leaf's ``retain_grad()``: both as
        PyTorch does.
        """
        old = self._grad
        if old is None:
            self._grad = self._first_grad(g)
        elif g.__class__ is Tensor:
            self._grad = old + g
        elif self._op is not None:  # a retained non-leaf gradient: a new Tensor
            self._grad = _leaf(np.asarray(old._data + g))
        else:
            data = old._data
            if data.flags.writeable:
                np.add(data, g, out=data)
                old._set_data(data)  # the same array: counted as one edit
            else:  # e.g. a read-only array given to from_numpy: a new one
                old.data = data + g

    def _first_grad(self, g: Any) -> Tensor:
        """What ``.grad`` becomes when it was None: a Tensor over an array no one else holds.

        A leaf's gradient array that owns its memory (``base is None``) can have
        reached only this leaf (see _passed_on), so it is kept as it is, as PyTorch
        keeps a gradient buffer it can steal. Anything else is copied: a view or a
        read-only broadcast, and the gradient of a non-leaf, which was also handed
        on to its parents. With create_graph the gradient is a Tensor with history
        and is kept as it is (as in PyTorch).
        """
        if g.__class__ is Tensor:
            return g  # type: ignore[no-any-return]
        if not (self._op is None and g.__class__ is np.ndarray and g.base is None
                and g.flags.writeable):
            g = np.array(g, dtype=self._data.dtype, copy=True)
        return _leaf(g)

    # ---- arithmetic: a tensor or array operand makes a binary node, a number a unary one
    def __add__(self, other: Any) -> Any:
        if other.__class__ is Tensor:
            return _binary_node(ADD, self, other)
        c = _number(other)
        if c is not None:
            if self._data.dtype.kind != "f":
                return _number_node(ADD, self, other)
            return _make(self.data + c, ADD_C, self, c, self.requires_grad)
        o = _constant(other, self, "Tensor + " + type(other).__name__)
        return NotImplemented if o is None else _binary_node(ADD, self, o)

    def __radd__(self, other: Any) -> Any:
        c = _number(other)
        if c is not None:
            if self._data.dtype.kind != "f":
                return _number_node(ADD, self, other, True)
            return _make(c + self.data, ADD_C, self, c, self.requires_grad)
        o = _constant(other, self, type(other).__name__ + " + Tensor")
        return NotImplemented if o is None else _binary_node(ADD, o, self)

    def __sub__(self, other: Any) -> Any:
        if other.__class__ is Tensor:
            return _binary_node(SUB, self, other)
        c = _number(other)
        if c is not None:
            if other.__class__ is bool:
                _check_integer_op("sub", np.dtype(bool), self._data.dtype)
            if self._data.dtype.kind != "f":
                return _number_node(SUB, self, other)
            return _make(self.data - c, SUB_C, self, c, self.requires_grad)
        o = _constant(other, self, "Tensor - " + type(other).__name__)
        return NotImplemented if o is None else _binary_node(SUB, self, o)

    def __rsub__(self, other: Any) -> Any:
        c = _number(other)
        if c is not None:
            if other.__class__ is bool:
                _check_integer_op("sub", np.dtype(bool), self._data.dtype)
            if self._data.dtype.kind != "f":
                return _number_node(SUB, self, other, True)
            return _make(c - self.data, RSUB, self, c, self.requires_grad)
        o = _constant(other, self, type(other).__name__ + " - Tensor")
        return NotImplemented if o is None else _binary_node(SUB, o, self)

    def __mul__(self, other: Any) -> Any:
        if other.__class__ is Tensor:
            return _binary_node(MUL, self, other)
        c = _number(other)
        if c is not None:
            if self._data.dtype.kind != "f":
                return _number_node(MUL, self, other)
            return _make(self.data * c, MUL_C, self, c, self.requires_grad)
        o = _constant(other, self, "Tensor * " + type(other).__name__)
        return NotImplemented if o is None else _binary_node(MUL, self, o)

    def __rmul__(self, other: Any) -> Any:
        c = _number(other)
        if c is not None:
            if self._data.dtype.kind != "f":
                return _number_node(MUL, self, other, True)
            return _make(c * self.data, MUL_C, self, c, self.requires_grad)
        o = _constant(other, self, type(other).__name__ + " * Tensor")
        return NotImplemented if o is None else _binary_node(MUL, o, self)

    def __truediv__(self, other: Any) -> Any:
        if other.__class__ is Tensor:
            return _binary_node(DIV, self, other)
        c = _number(other)
        if c is not None:
            if self._data.dtype.kind != "f":
                return _number_node(DIV, self, other)
            return _make(_div(self.data, c), DIV_C, self, c, self.requires_grad)
        o = _constant(other, self, "Tensor / " + type(other).__name__)
        return NotImplemented if o is None else _binary_node(DIV, self, o)

    def __rtruediv__(self, other: Any) -> Any:
        c = _number(other)
        if c is not None:
            if self._data.dtype.kind != "f":
                return _number_node(DIV, self, other, True)
            return _make(RDIV.forward(self.data, c), RDIV, self, c, self.requires_grad)
        o = _constant(other, self, type(other).__name__ + " / Tensor")
        return NotImplemented if o is None else _binary_node(DIV, o, self)

    def __pow__(self, other: Any) -> Any:
        if other.__class__ is Tensor:
            return _binary_node(POW, self, other)
        c = _number(other)
        if c is not None:
            if self._data.dtype.kind != "f":
                return _number_node(POW, self, other)
            return _make(_pow_scalar(self.data, c), POW_C, self, c, self.requires_grad)
        o = _constant(other, self, "Tensor ** " + type(other).__name__)
        return NotImplemented if o is None else _binary_node(POW, self, o)

    def __rpow__(self, other: Any) -> Any:
        c = _number(other)
        if c is not None:
            if self._data.dtype.kind != "f":
                return _number_node(POW, self, other, True)
            return _make(_pow(c, self.data), RPOW, self, c, self.requires_grad)
        o = _constant(other, self, type(other).__name__ + " ** Tensor")
        return NotImplemented if o is None else _binary_node(POW, o, self)

    def __matmul__(self, other: Any) -> Any:
        o = other if other.__class__ is Tensor else self._matmul_operand(other, "Tensor @ ")
        if o is None:
            return NotImplemented
        return _matmul_node(self, o)

    def __rmatmul__(self, other: Any) -> Any:
        o = self._matmul_operand(other, " @ Tensor")
        return NotImplemented if o is None else _matmul_node(o, self)

    def _matmul_operand(self, other: Any, where: str) -> Tensor | None:
        name = type(other).__name__
        op = where + name if where.endswith(" ") else name + where
        if _number(other) is not None:
            raise TypeError(f"{op}: matmul needs arrays (at least 1-D), got the number "
                            f"{other!r}; use * to multiply by a number")
        return _constant(other, self, op)

    def __neg__(self) -> Tensor:
        if self._data.dtype.kind == "b":
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported; "
                               "to invert a mask use ~mask (or mask.logical_not())")
        return _make(-self.data, NEG, self, None, self.requires_grad)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return self.abs()

    # in-place operators, for parameter updates under no_grad (W -= lr * W.grad). They
    # store a new array in .data rather than writing into the old one (unlike an optimizer's
    # step, which writes into each parameter's array as PyTorch's do), so views of the old
    # array and results computed from it stay as they were.
    # The update counts as an edit (see .data): a graph recorded before it that reads the
    # tensor's numbers refuses a backward pass, as in PyTorch. Compute the loss again.
    def _inplace(self, other: Any, op: Any, symbol: str) -> Tensor:
        if is_grad_enabled() and (self.requires_grad or getattr(other, "requires_grad", False)):
            raise ValueError(
                f"Tensor {symbol}=: an in-place update of a tensor that takes part in "
                "gradients is only allowed under no_grad() (as in PyTorch, for parameter "
                f"updates); write t = t {symbol} ... to record the operation instead")
        if isinstance(other, Value):
            raise _mixing_error(f"Tensor {symbol}= Value")
        o = _data(other) if other.__class__ is Tensor else _as_tensor(
            other, self, f"Tensor {symbol}= {type(other).__name__}").data
        shape = _broadcast_shapes(f"Tensor {symbol}=", self.data.shape, np.shape(o))
        if shape != self.data.shape:
            raise ValueError(f"Tensor {symbol}=: the result would have shape {shape}, but an "
                             f"in-place update must keep the shape {self.shape}")
        with _quiet():
            self.data = op(self.data, o).astype(self.data.dtype, copy=False)
        return self

    def __iadd__(self, other: Any) -> Tensor:
        return self._inplace(other, np.add, "+")

    def __isub__(self, other: Any) -> Tensor:
        return self._inplace(other, np.subtract, "-")

    def __imul__(self, other: Any) -> Tensor:
        return self._inplace(other, np.multiply, "*")

    def __itruediv__(self, other: Any) -> Tensor:
        return self._inplace(other, np.true_divide, "/")

    def __setitem__(self, index: Any, value: Any) -> None:
        """``t[index] = value`` for a tensor that requires no grad (as PyTorch's
        ``grad_input[input < 0] = 0``): an in-place edit, counted in the version as the
        in-place operators are (the numbers are a new array: views keep the old ones)."""
        if self.requires_grad:
            raise TypeError("Tensor does not support item assignment (t[i] = v) on a tensor "
                            "that requires grad: the graph remembers the old numbers. Build a "
                            "new tensor instead, e.g. where(mask, new_values, t), or change "
                            "t.data under no_grad()")
        if isinstance(value, Value):
            raise _mixing_error("Tensor item assignment")
        ix = _normalize_index(index)
        v = _data(value) if value.__class__ is Tensor else _as_tensor(
            value, self, "Tensor item assignment").data
        new = self.data.copy()
        try:
            new[ix] = v
        except (IndexError, ValueError) as exc:
            raise type(exc)(f"Tensor item assignment: cannot set index {index!r} of a tensor "
                            f"of shape {self.shape} to a value of shape {np.shape(v)}: "
                            f"{exc}") from None
        self.data = new


# ------------------------------------------------------ the class, given to the files it calls
# The files the methods call read this class at run time (``x.__class__ is Tensor``,
# ``_new(Tensor)``), but the mixins above, which the class is made of, import them before the
# class exists, so they cannot import it: each declares ``Tensor`` for the type checker only,
# and gets the class here as a global of its own (read as quickly as an imported name).
# formulas.py, of which the rule tables are built, imports nothing of this package; it gets
# the functions its Tensor branches call to make nodes here too.
for _reader in (factories, formulas, functions, inplace, integers, methods, nodes):
    vars(_reader)["Tensor"] = Tensor
vars(formulas).update(where=where, minimum=minimum, zeros_like=zeros_like, _make=_make,
                      INDEX_PUT=INDEX_PUT)
