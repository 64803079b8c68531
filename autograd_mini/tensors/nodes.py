"""How a node is made: :func:`_make` (the result of an op, which records its rule and
operands when they need gradients), leaves, and the conversions of operands (numbers, lists,
arrays) into Tensors of one dtype.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine import BINARY, UNARY, Rule, check_forward, record, threads_off_default
from ..scalar import Value
from ..scalar.value import _too_large
from .arguments import Shape, _check_broadcast, _check_matmul
from .rules_arithmetic import MATMUL
from .rules_shape import CAST
from .versions import _UNEDITED, _version

if TYPE_CHECKING:  # at run time a global that tensor.py sets once the class exists
    from .tensor import Tensor

# -------------------------------------------------------------------------- the node
_new = object.__new__


def _make(data: Any, op: Rule, a: Any, b: Any, requires_grad: bool,
          counter: list[int] | None = None) -> Tensor:
    """A new Tensor made by ``op``; it records ``op`` and its operands only when an
    operand requires grad and grad mode is on (otherwise it is a plain leaf).

    ``counter``: the version counter to share, for a result that is a view of ``a``'s
    array (so an in-place write through either shows in both, see _view_counter).
    """
    t = _new(Tensor)
    # ufuncs and full reductions return NumPy scalars for 0-d results; keep arrays
    t._data = data if data.__class__ is np.ndarray else np.asarray(data)
    t._version_counter = counter
    t._grad = None
    t.label = ""
    t._retains_grad = False
    t._g = None
    if not requires_grad:
        t._requires_grad = False
        t._op = t._a = t._b = t._saved_versions = None
        if threads_off_default[0]:  # detect_anomaly checks data-only results too
            check_forward(t, op, a, b)
        return t
    if threads_off_default[0]:  # some thread is in no_grad or detect_anomaly
        record(t, op, a, b)
        if t._op is None:
            t._requires_grad = False
            t._saved_versions = None
            return t
    else:
        t._op, t._a, t._b = op, a, b
    t._requires_grad = True
    # the parents' versions now, which backward checks (_check_versions): one int for a
    # unary rule, a tuple for the others. (The result's own version starts at 0.)
    arity = op.arity
    if arity == UNARY:
        vc = a._version_counter
        t._saved_versions = 0 if vc is None else vc[0]
    elif arity == BINARY:
        va, vb = a._version_counter, b._version_counter
        # (_version inlined: a parameter has a counter after its first optimizer step)
        t._saved_versions = _UNEDITED if va is vb is None else (
            0 if va is None else va[0], 0 if vb is None else vb[0])
    else:
        t._saved_versions = tuple([_version(p) for p in a])
    return t




_ones: dict[tuple[Shape, Any], Any] = {}


def _one(shape: Shape, dtype: Any) -> Any:
    """A read-only array of ones (the seed of backward() on a one-element output)."""
    one = _ones.get((shape, dtype))
    if one is None:
        one = np.ones(shape, dtype)
        one.flags.writeable = False  # shared by every backward(); no one may edit it
        _ones[shape, dtype] = one
    return one


def _leaf(data: Any, requires_grad: bool = False, counter: list[int] | None = None) -> Tensor:
    return _init_leaf(_new(Tensor), data, requires_grad, counter)


def _init_leaf(t: Tensor, data: Any, requires_grad: bool, counter: list[int] | None) -> Tensor:
    """Fill every slot of ``t`` as a leaf over the array ``data`` (with no checks: the
    callers have made ``data`` a float array), sharing ``counter`` if given."""
    t._data = data
    t._version_counter = counter
    t._saved_versions = None
    t._grad = None
    t.label = ""
    t._retains_grad = False
    t._requires_grad = requires_grad
    t._op = t._a = t._b = None
    t._g = None
    return t


def _float_dtype(dtype: Any, who: str) -> np.dtype[Any]:
    """``dtype`` checked to be one of the two floating dtypes (what ``Tensor(data)``, randn and
    the other makers of numbers for gradients take)."""
    dt = _dtype_arg(dtype, who)
    if dt.kind != "f":
        raise TypeError(f"{who}: dtype {dt} is not a floating-point type; {who} makes float64 "
                        "or float32 numbers (as torch.Tensor does). For an integer or bool "
                        f"tensor use autograd_mini.tensor(data, dtype={dt})")
    return dt


# The dtypes a Tensor holds. Only the two floating ones carry gradients; int64, int32 and
# bool tensors hold indices, class labels, counts and masks (see tensor.py, "Dtypes").
# Float data of another width is converted (as docs/errors.md says): float16 to float32, which
# holds every float16 number exactly, and wider floats (np.longdouble) to float64. float16 is
# not supported as a dtype of its own: NumPy computes it slowly and every formula, gradient
# and fast path here assumes float32 or float64.
_HELD = (np.dtype(np.float64), np.dtype(np.float32))
_INT64, _INT32, _BOOL = np.dtype(np.int64), np.dtype(np.int32), np.dtype(np.bool_)
_DTYPES = (*_HELD, _INT64, _INT32, _BOOL)
_NAMES = "float64, float32, int64, int32 or bool"


def _dtype_arg(dtype: Any, who: str) -> np.dtype[Any]:
    """A ``dtype=`` argument as one of the five dtypes a Tensor holds: autograd_mini.float64
    ... (NumPy dtypes), their NumPy names and types, or Python's ``float`` (float64), ``int``
    (int64) and ``bool``, as torch takes them."""
    if dtype is float or dtype is int or dtype is bool:
        return np.dtype(dtype)  # float64, int64, bool (torch: dtype=int is torch.int64)
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{who}: dtype {dtype!r} is not a dtype; a Tensor holds {_NAMES} "
                        "(autograd_mini.float64 ... or the NumPy dtypes)") from None
    if dt in _DTYPES:
        return dt
    if dt.kind == "f":
        held = _held(dt)
        raise TypeError(f"{who}: dtype {dt} is not supported; a Tensor holds {_NAMES} (no "
                        f"float16, unlike PyTorch). Use {held}: Tensor(data) converts {dt} "
                        f"data to {held}{' exactly' if dt.itemsize < held.itemsize else ''}")
    raise TypeError(f"{who}: dtype {dt} is not supported; a Tensor holds {_NAMES} (use int64 "
                    "for integers of another width, as class labels and indices)")


def _held(dt: np.dtype[Any]) -> np.dtype[Any]:
    """The dtype a Tensor keeps float data of dtype ``dt`` in (``dt`` itself if it can)."""
    if dt in _HELD:
        return dt
    return _HELD[1] if dt.itemsize < 4 else _HELD[0]


def _held_any(dt: np.dtype[Any]) -> np.dtype[Any]:
    """The dtype ``tensor(data)`` keeps a NumPy array of dtype ``dt`` in: its own when a Tensor
    holds it, else the nearest (floats as :func:`_held`, other integers as int64)."""
    if dt in _DTYPES:
        return dt
    return _held(dt) if dt.kind == "f" else _INT64


def _requires_float(dt: np.dtype[Any], who: str) -> RuntimeError:
    return RuntimeError(f"{who}: only Tensors of floating point dtype can require gradients, "
                        f"and this one is {dt}; make it float first (t.float() or t.double(), "
                        "or dtype=float64 when creating it): integers and bools are constants")


def _category(dt: np.dtype[Any]) -> int:
    """PyTorch's type categories: bool 0, integers 1, floats 2."""
    return 2 if dt.kind == "f" else 0 if dt.kind == "b" else 1


def _wider(a: np.dtype[Any] | None, b: np.dtype[Any] | None) -> np.dtype[Any] | None:
    """``torch.promote_types`` for the held dtypes: the higher category wins (int64 with float32
    is float32, not NumPy's float64), and within one the wider type."""
    if a is None or b is None:
        return a if b is None else b
    ca, cb = _category(a), _category(b)
    if ca != cb:
        return a if ca > cb else b
    return a if a.itemsize >= b.itemsize else b


def _combine(higher: np.dtype[Any] | None, lower: np.dtype[Any] | None) -> np.dtype[Any] | None:
    """PyTorch's combine_categories: an operand of a lower priority (a 0-d tensor below one
    with dimensions, a number below both) decides the dtype only when its category is higher."""
    if higher is None or lower is None:
        return higher if lower is None else lower
    if higher.kind == "f":
        return higher
    if higher.kind == "b" or _category(lower) > _category(higher):
        return _wider(higher, lower)
    return higher


def _result_dtype(dims: Sequence[np.dtype[Any]], zero_d: Sequence[np.dtype[Any]],
                  number: np.dtype[Any] | None = None) -> np.dtype[Any]:
    """The dtype of an op over tensors with dimensions, 0-d tensors and a Python number (its
    dtype: int64, bool, or float64 for a float, our default float), by PyTorch's rule."""
    d = z = None
    for dt in dims:
        d = _wider(d, dt)
    for dt in zero_d:
        z = _wider(z, dt)
    out = _combine(d, _combine(z, number))
    assert out is not None
    return out


def _number_dtype(x: Any) -> np.dtype[Any]:
    """The dtype PyTorch gives a Python number in an op: bool, int64 or the default float."""
    if isinstance(x, (bool, np.bool_)):
        return _BOOL
    return _INT64 if isinstance(x, numbers.Integral) else _HELD[0]


def _mixing_error(op: str) -> TypeError:
    return TypeError(
        f"{op}: a Value (one number, scalar graph) and a Tensor (an array) cannot be mixed "
        "in one expression. Convert one of them: Tensor(v.data) makes a tensor from the "
        "Value's number, Value(t.item()) makes a Value from a one-element Tensor, and "
        "v.item() / t.item() give plain floats (each starts a new graph: history is not "
        "carried across)"
    )


def _describe(x: Any) -> str:
    if isinstance(x, np.ndarray):
        return f"numpy array of dtype {x.dtype} and shape {x.shape}"
    text = repr(x)
    return f"{type(x).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def _raw_array(data: Any, who: str, ints: bool = False) -> np.ndarray[Any, Any]:
    """A new NumPy array of real numbers (bool, integer or float) from numbers, (nested)
    lists or arrays; TypeError/ValueError if not. ``ints``: integers beyond int64 are an
    error (what ``tensor`` infers for ints is int64) rather than floats (``Tensor``'s)."""
    if isinstance(data, Tensor):
        raise TypeError(f"{who}: data is already a Tensor; use it directly, t.detach() for a "
                        "leaf without history, or t.clone() for a copy")
    if isinstance(data, Value):
        raise TypeError(f"{who}: got a Value. Use Tensor(v.data) for a tensor holding its "
                        "number (a new leaf: the Value's history is not carried over)")
    try:
        arr = np.array(data, copy=True)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{who}: cannot make an array from {_describe(data)} ({exc}); nested "
                         "lists must be rectangular") from None
    if arr.dtype == object:
        if ints and all(isinstance(x, numbers.Integral) and not isinstance(x, (bool, np.bool_))
                        for x in arr.flat):
            big = next(x for x in arr.flat if not -2**63 <= x < 2**63)
            raise _int64_overflow(big, who)
        arr = _big_ints(arr, data, who)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{who}: expected real numbers, got {_describe(data)}")
    return arr


def _to_array(data: Any, dtype: Any, who: str) -> np.ndarray[Any, Any]:
    """A new float array from numbers, (nested) lists or arrays (what ``Tensor(data)`` holds:
    floats, as torch.Tensor makes); TypeError/ValueError if not."""
    arr = _raw_array(data, who)
    if dtype is None:
        dt = _held(arr.dtype) if arr.dtype.kind == "f" else np.dtype(np.float64)
    else:
        dt = _float_dtype(dtype, who)
    return arr if arr.dtype == dt else arr.astype(dt)


def _infer_array(data: Any, dtype: Any, who: str) -> np.ndarray[Any, Any]:
    """A new array of the dtype ``torch.tensor(data)`` infers, or of ``dtype``: bools give
    bool, integers int64 (an int32 array stays int32), floats float64 (our default float
    dtype; PyTorch's is float32), a float32 array float32."""
    dt = None if dtype is None else _dtype_arg(dtype, who)
    arr = _raw_array(data, who, ints=dt is None or dt.kind != "f")
    dt = _held_any(arr.dtype) if dt is None else dt
    if arr.dtype.kind == "u" and dt == _INT64 and arr.size and arr.max() > _I64_MAX:
        raise _int64_overflow(int(arr.max()), who)
    return arr if arr.dtype == dt else arr.astype(dt)


def _int64_overflow(x: int, who: str) -> ValueError:
    """PyTorch's error for an int that int64 cannot hold, in data whose ints become int64."""
    return ValueError(f"{who}: Overflow when unpacking long long: the integer {x} does not fit "
                      f"int64 ({-2**63} to {2**63 - 1}), the dtype of a tensor of ints; for "
                      "floats write it as a float, or pass dtype=float64")


_I64_MAX = int(np.iinfo(np.int64).max)


def _big_ints(arr: np.ndarray[Any, Any], data: Any, who: str) -> np.ndarray[Any, Any]:
    """An object array (NumPy keeps ints beyond int64 so) as float64, like Tensor([2**70]);
    an OverflowError naming a number too large for float64 (10**400), as PyTorch's."""
    if any(isinstance(x, Value) for x in arr.flat):
        raise TypeError(f"{who}: the data contains Values. Use their numbers, e.g. "
                        "Tensor([v.data for v in values])")
    if not all(isinstance(x, numbers.Real) and not isinstance(x, np.ndarray) for x in arr.flat):
        raise TypeError(f"{who}: expected numbers, got {_describe(data)}")
    out = np.empty(arr.shape, dtype=np.float64)
    for i, x in enumerate(arr.flat):
        try:
            out.flat[i] = float(x)
        except OverflowError:
            raise _too_large(x, who) from None
    return out


def _data_array(value: Any, old: np.dtype[Any]) -> np.ndarray[Any, Any]:
    """What ``t.data = value`` stores for a tensor of dtype ``old``: a NumPy array of floats
    for a floating tensor (its gradients assume floats), of any held dtype for an integer or
    bool one; TypeError for anything else."""
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)  # a scalar as a 0-d array, np.matrix as a plain array
        if arr.dtype in (_HELD if old.kind == "f" else _DTYPES):
            return arr
    if isinstance(value, Tensor):
        raise TypeError("Tensor.data: got a Tensor; assign its array (t.data = other.data), or "
                        "use the other tensor itself")
    what = "floats (float64 or float32)" if old.kind == "f" else _NAMES
    raise TypeError(f"Tensor.data must be a NumPy array of {what}, got "
                    f"{_describe(value)}; convert it, e.g. t.data = np.asarray(value, "
                    "dtype=t.dtype)")


def _number(x: Any) -> float | None:
    """``x`` as a float when it is a real number (the constant of a unary rule), else None."""
    cls = x.__class__
    if cls is float:
        return x  # type: ignore[no-any-return]
    if cls is int or (isinstance(x, numbers.Real) and not isinstance(x, (Value, np.ndarray))):
        try:
            return float(x)
        except OverflowError:  # an int past float64's range (10**400): name it
            raise _too_large(x, "Tensor") from None
    return None


def _constant(x: Any, like: Tensor, op: str) -> Tensor | None:
    """An array-like operand as a leaf Tensor that needs no gradient; None if unknown.

    Integer and boolean arrays take a float ``like``'s dtype (as PyTorch's promotion does);
    float arrays keep theirs (a float64 array with a float32 tensor gives float64); with an
    integer or bool ``like`` each keeps its own, and the op promotes them (_promote).
    """
    if isinstance(x, Value):
        raise _mixing_error(op)
    if isinstance(x, (np.ndarray, list, tuple, np.generic)):
        # a copy, as Tensor(data) makes: editing the caller's array after the forward pass
        # must not change what the backward pass reads (NumPy writes cannot be seen)
        arr = np.array(x)
        kind = arr.dtype.kind
        if kind in "biu":
            dt = like.data.dtype
            arr = arr.astype(dt if dt.kind == "f" else _held_any(arr.dtype))
        elif kind != "f":
            raise TypeError(f"{op}: expected a Tensor, a NumPy array or a real number, got "
                            f"{_describe(x)}")
        elif arr.dtype not in _HELD:  # float16 as float32, as Tensor(data) converts it
            arr = arr.astype(_held(arr.dtype))
        return _leaf(arr)
    if isinstance(x, (str, bytes, complex)) or x is None:
        raise TypeError(f"{op}: expected a Tensor, a NumPy array or a real number, got "
                        f"{_describe(x)}")
    return None  # something else (e.g. another library's array): let it try its own operator


def _as_tensor(x: Any, like: Tensor | None, op: str) -> Tensor:
    """Any operand as a Tensor (numbers become 0-d constants of ``like``'s dtype)."""
    if x.__class__ is Tensor:
        return x  # type: ignore[no-any-return]
    dtype = like.data.dtype if like is not None else np.dtype(np.float64)
    c = _number(x)
    if c is not None:
        if dtype.kind != "f":  # int64 + 1 stays int64, + 0.5 is float64, as in PyTorch
            return _leaf(_number_array(x, _combine(dtype, _number_dtype(x)) or dtype, op))
        return _leaf(np.array(c, dtype=dtype))
    t = _constant(x, like if like is not None else _leaf(np.zeros(0)), op)
    if t is None:
        raise TypeError(f"{op}: expected a Tensor, a NumPy array or a real number, got "
                        f"{_describe(x)}")
    return t


def _number_array(x: Any, dt: np.dtype[Any], op: str) -> np.ndarray[Any, Any]:
    """The Python number ``x`` as a 0-d array of dtype ``dt`` (OverflowError naming the op when
    it does not fit, as PyTorch's int64 + 2**70)."""
    try:
        return np.array(x.item() if isinstance(x, np.generic) else x, dtype=dt)
    except OverflowError:
        raise OverflowError(f"{op}: the number {x!r} does not fit the tensor's dtype {dt} "
                            "(overflow); convert the tensor first, e.g. t.double()") from None


def _cast(t: Tensor, dtype: Any) -> Tensor:
    """``t`` as ``dtype``: a recorded ``to`` node when t requires grad (and the result is
    floating: an integer or bool result is a constant, as PyTorch's ``t.long()``)."""
    return _make(t.data.astype(dtype), CAST, t, dtype,
                 t.requires_grad and np.dtype(dtype).kind == "f")


def _promote(ts: Sequence[Tensor]) -> list[Tensor]:
    """The tensors in one common dtype, by PyTorch's rule: floats win over integers, and
    integers over bool (int64 with float32 is float32), and within one kind the wider type
    (float64 over float32, int64 over int32), but a 0-d tensor promotes like a number, so it
    cannot widen a tensor with dimensions of its kind (``ones(2, dtype=float32) * Tensor(2.5)``
    is float32; two 0-d operands promote as usual).
    """
    dt = _result_dtype([t.data.dtype for t in ts if t.data.ndim],
                       [t.data.dtype for t in ts if not t.data.ndim])
    return [t if t.data.dtype == dt else _cast(t, dt) for t in ts]


def _binary_node(rule: Rule, a: Tensor, b: Tensor) -> Tensor:
    ad, bd = a._data, b._data
    s1, s2 = ad.shape, bd.shape
    # (the common case of _check_broadcast, a bias, tested here without the call)
    if s1 != s2 and s1[len(s1) - len(s2):] != s2:
        _check_broadcast(rule.name, s1, s2)
    adt = ad.dtype
    if adt is not bd.dtype or adt.kind != "f":  # mixed dtypes, or integers or bools
        if adt.kind != "f" or bd.dtype.kind != "f":
            _check_integer_op(rule.name, adt, bd.dtype)
        if adt != bd.dtype:
            a, b = _promote((a, b))
            ad, bd = a.data, b.data
    return _make(rule.forward(ad, bd), rule, a, b, a.requires_grad or b.requires_grad)


def _check_integer_op(op: str, a: np.dtype[Any], b: np.dtype[Any]) -> None:
    """The errors PyTorch gives for arithmetic on bool tensors (NumPy would compute some)."""
    if op == "sub" and _BOOL in (a, b):
        raise RuntimeError("sub: subtraction, the `-` operator, with a bool tensor is not "
                           "supported; to invert a mask use ~mask (or mask ^ other for "
                           "two masks), or convert it first, e.g. mask.long()")
    if op in ("pow", "matmul", "floor_divide", "remainder", "fmod") and a == b == _BOOL:
        raise NotImplementedError(f"{op}: not implemented for bool tensors (as in PyTorch); "
                                  "convert them first, e.g. mask.long() or mask.float()")


def _matmul_node(a: Tensor, b: Tensor) -> Tensor:
    ad, bd = a._data, b._data
    if ad.ndim != 2 or bd.ndim != 2 or ad.shape[1] != bd.shape[0]:
        _check_matmul(ad.shape, bd.shape)
    if ad.dtype is not bd.dtype and ad.dtype != bd.dtype:
        a, b = _promote((a, b))
        ad, bd = a.data, b.data
    if ad.dtype.kind == "b":
        _check_integer_op("matmul", ad.dtype, bd.dtype)
    return _make(ad @ bd, MATMUL, a, b, a.requires_grad or b.requires_grad)


def _number_node(rule: Rule, t: Tensor, x: Any, reflected: bool = False) -> Tensor:
    """``t op x`` (``x op t`` if ``reflected``) for an integer or bool tensor ``t`` and a
    number ``x``: the number as a 0-d constant of the dtype PyTorch gives the result (int64 + 1
    stays int64, int64 + 0.5 is float64, bool + 1 is int64), then the binary rule. (A float
    tensor keeps its number in the node instead: the unary rules ADD_C ...)"""
    if (rule.name == "pow" and not reflected and isinstance(x, numbers.Integral) and x < 0
            and not isinstance(x, (bool, np.bool_))):
        # PyTorch refuses a negative int *number* exponent (an exponent tensor gives 0s)
        raise RuntimeError(f"Integers to negative integer powers are not allowed. (pow: a "
                           f"{t.data.dtype} tensor ** {x}: an integer result cannot hold "
                           f"1 / t ** {-x}; write t ** {float(x)} or t.double() ** {x} for "
                           "floats)")
    c = _as_tensor(x, t, rule.name)
    if (rule.name == "pow" and not reflected and t._data.dtype == _BOOL
            and isinstance(x, (bool, np.bool_))):
        # PyTorch computes a bool tensor ** a bool number (though not bool ** a bool tensor):
        # t ** True is t, t ** False all True, a bool result
        return _make(t._data.copy() if x else np.ones_like(t._data), rule, t, c, False)
    return _binary_node(rule, c, t) if reflected else _binary_node(rule, t, c)


def _check_grad(value: Any, dtype: np.dtype[Any], shape: Shape) -> None:
    """What ``t.grad = value`` accepts, as in PyTorch: None, or a Tensor of the tensor's dtype
    and shape; raises otherwise (TypeError for a non-Tensor, RuntimeError for a mismatch)."""
    if not isinstance(value, Tensor):
        kind = "numpy.ndarray" if isinstance(value, np.ndarray) else type(value).__name__
        raise TypeError(
            f"assigned grad expected to be a Tensor or None but got grad of type {kind} "
            f"(Tensor.grad, as in PyTorch); wrap it: t.grad = autograd_mini.tensor(g, "
            f"dtype=t.dtype), a Tensor of the tensor's dtype ({dtype}) and shape {shape}")
    arr = value.data
    if arr.dtype != dtype:
        raise RuntimeError(
            f"Tensor.grad: assigned grad has data of a different type: cannot assign a "
            f"gradient of dtype {arr.dtype} to a tensor of dtype {dtype}; the gradient must "
            f"have the tensor's dtype (as in PyTorch), or an optimizer step would turn the "
            f"tensor into {arr.dtype}. Convert it, e.g. t.grad = g.to(t.dtype)")
    if arr.shape != shape:
        raise RuntimeError(
            f"Tensor.grad: assigned grad has data of a different size: cannot assign a "
            f"gradient of shape {arr.shape} to a tensor of shape {shape}; the gradient must "
            "have the tensor's shape (as in PyTorch)")


# ------------------------------------------------------------- NumPy's operators on a Tensor
# ufunc -> (the Tensor's method for t OP x, the one for x OP t)
_OPERATORS = {
    np.add: ("__add__", "__radd__"), np.subtract: ("__sub__", "__rsub__"),
    np.multiply: ("__mul__", "__rmul__"), np.true_divide: ("__truediv__", "__rtruediv__"),
    np.power: ("__pow__", "__rpow__"), np.matmul: ("__matmul__", "__rmatmul__"),
    np.equal: ("__eq__", "__eq__"), np.not_equal: ("__ne__", "__ne__"),
    np.less: ("__lt__", "__gt__"), np.greater: ("__gt__", "__lt__"),
    np.less_equal: ("__le__", "__ge__"), np.greater_equal: ("__ge__", "__le__"),
    np.bitwise_and: ("__and__", "__rand__"), np.bitwise_or: ("__or__", "__ror__"),
    np.bitwise_xor: ("__xor__", "__rxor__"),
}


def _array_ufunc(self: Any, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    """``Tensor.__array_ufunc__``: what NumPy does when a Tensor is an operand of its own.

    * ``arr - t``, ``2.0 * t`` with a NumPy array or scalar on the left: the Tensor's
      reflected operator (``t.__rsub__(arr)``), so the result is a Tensor in the graph,
      exactly as ``t - arr`` would be one.
    * ``arr -= t`` (NumPy writes into its own array, ``out=``), e.g. ``p.data -= lr * p.grad``:
      the Tensor's numbers are used, in place, as NumPy would use another array's. The
      result is an array, where no history can go (a Tensor that requires grad gives its
      numbers, as ``t.data`` would).
    * any other NumPy function (``np.exp(t)``, ``np.isfinite(t.grad)``): NumPy's own, on
      the numbers of a Tensor that needs no grad (as ``np.asarray(t)`` gives them), and an
      array comes back. A Tensor that requires grad is refused, as ``t.numpy()`` refuses
      it: NumPy would drop its history (use the Tensor's method, ``t.exp()``).
    """
    out = kwargs.get("out")
    if method == "__call__":
        if out is not None and all(o.__class__ is np.ndarray for o in out):
            return ufunc(*[x._data if isinstance(x, Tensor) else x for x in inputs], **kwargs)
        names = _OPERATORS.get(ufunc)
        if names is not None and not kwargs and len(inputs) == 2:
            a, b = inputs
            if isinstance(a, Tensor):
                return getattr(a, names[0])(b)
            return getattr(b, names[1])(a)
    if out is not None and not all(o.__class__ is np.ndarray for o in out):
        return NotImplemented  # NumPy cannot write into a Tensor: its TypeError
    for x in inputs:
        if isinstance(x, Tensor) and x.requires_grad:
            what = f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
            raise TypeError(
                f"{what}: this Tensor requires grad, so NumPy would see its numbers without "
                f"their history (refused, as in PyTorch); use the Tensor's own method "
                f"(t.exp(), t.abs() ...), or {what}(t.detach()) for the numbers")
    arrays = [x._data if isinstance(x, Tensor) else x for x in inputs]
    return getattr(ufunc, method)(*arrays, **kwargs)
