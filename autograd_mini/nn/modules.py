"""Networks of Tensors in PyTorch's shape: ``Module``, ``Parameter``, ``Linear`` ...

::

    import autograd_mini as am
    from autograd_mini import nn

    am.manual_seed(0)                           # Linear's initial weights are random
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    model = nn.MLP(64, [128, 10])               # the same network in one call
    logits = model(X)                           # X: (N, 64), a Tensor or a NumPy array
    loss = nn.functional.cross_entropy(logits, y)
    loss.backward()                             # every parameter's .grad is filled
    opt = am.optim.Adam(model.parameters(), lr=1e-3)

A :class:`Module` is an object whose attributes are its parameters and its
sub-modules: assigning a :class:`Parameter` or a Module to an attribute *registers*
it (``Module.__setattr__``, as in PyTorch), so ``parameters()``, ``state_dict()``,
``zero_grad()`` and ``train()``/``eval()`` find everything without being told.
Anything else assigned (a number, a plain Tensor, an array) is an ordinary
attribute.

The names, defaults and layouts are PyTorch's: ``Linear``'s weight has shape
(out_features, in_features) and the same initial distribution, and the
state_dict keys are the same (``0.weight``, ``0.bias``, ``2.weight`` ... for the
Sequential above), so a state_dict can be copied between this library and PyTorch
in both directions (see the README's "From autograd_mini to PyTorch").

Differences from PyTorch, each for a reason:

* Parameters are float64 by default, as every Tensor here (PyTorch: float32);
  ``dtype=np.float32`` (or ``autograd_mini.float32``) asks for single precision.
* ``state_dict()`` holds *copies* of the parameters, a snapshot that later training
  does not change (PyTorch's share memory with the parameters, a classic surprise).
* Assigning a list or tuple of Modules to an attribute raises a TypeError: PyTorch
  silently leaves them unregistered, so the optimizer would never see their
  parameters; use :class:`ModuleList` (or :class:`Sequential`).
* A mismatch in ``load_state_dict`` raises ValueError (PyTorch: RuntimeError), and
  nothing is loaded.

The scalar networks of :mod:`autograd_mini.nn.scalar` (micrograd's ``Neuron``,
``Layer``, ``MLP`` over Values) are a separate, simpler family: they hold lists of
Values rather than registered attributes. Both load state_dicts through the same
checks (:mod:`autograd_mini.nn._state`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ..scalar import Value
from ..tensors.devices import _check_device, _to_args
from ..tensors.factories import default_generator
from ..tensors.inplace import _zero_grad
from ..tensors.nodes import _describe, _float_dtype, _init_leaf, _to_array
from ..tensors.tensor import Tensor
from ..tensors.versions import _shared_counter
from . import functional as F
from ._state import IncompatibleKeys, checked_arrays

__all__ = [
    "MLP",
    "Flatten",
    "Identity",
    "IncompatibleKeys",
    "Linear",
    "Module",
    "ModuleList",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
]


# ------------------------------------------------------------------ Parameter
class Parameter(Tensor):
    """A Tensor that a :class:`Module` registers as one of its parameters
    (``torch.nn.Parameter``): a leaf that requires grad by default.

    ``Parameter(t)`` shares the array of the Tensor ``t`` (as PyTorch shares its
    storage) without its history; numbers, lists or NumPy arrays are copied, as by
    ``Tensor(data)``.

    A Parameter *is* a Tensor: every operation treats it exactly as one and returns
    plain Tensors. The engine tells node kinds apart with the fast test
    ``x.__class__ is Tensor``, so a Parameter answers ``Tensor`` to ``__class__``;
    ``type(p)`` and ``isinstance(p, Parameter)`` still say Parameter, which is what
    :class:`Module` looks at.
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"Parameter: requires_grad must be True or False, "
                            f"got {requires_grad!r}")
        counter = None
        if isinstance(data, Tensor):
            # shared, as torch.nn.Parameter(t) shares t's storage and counts edits with it
            array, counter = data.data, _shared_counter(data)
        elif data is None:
            array = np.empty(0)
        else:
            array = _to_array(data, None, "Parameter")
        _init_leaf(self, array, bool(requires_grad), counter)

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # see the class docstring
        return Tensor

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


# ------------------------------------------------------------------ Module
def _check_name(who: str, name: Any) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{who}: the name must be a str, got {type(name).__name__}")
    if not name or "." in name:
        raise ValueError(f"{who}: the name must be non-empty and contain no '.' (dots "
                         f"separate the levels of state_dict keys), got {name!r}")


def _what(x: Any) -> str:
    """What ``x`` is, for an error message: short, one line."""
    if isinstance(x, Tensor):
        return f"a Tensor of shape {x.data.shape}"
    if isinstance(x, Module):
        return f"a {type(x).__name__} module"
    if isinstance(x, type):
        return f"the class {x.__name__}"
    cls = type(x)
    if cls.__module__.split(".")[0] not in ("autograd_mini", "builtins", "numpy"):
        return f"a {cls.__module__}.{cls.__qualname__} object"  # e.g. a torch.nn module
    return _describe(x)


def _indent(text: str) -> str:
    """Every line but the first indented by two spaces (nested reprs, as PyTorch)."""
    return text.replace("\n", "\n  ")


class Module:
    """Base class of every network and layer, as ``torch.nn.Module``.

    Subclass it, create the parts in ``__init__`` (after ``super().__init__()``) and
    say what the module computes in ``forward``::

        class TwoLayer(nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = nn.Linear(64, 128)   # registered: a sub-module
                self.out = nn.Linear(128, 10)
                self.scale = nn.Parameter(am.ones(10))   # registered: a parameter

            def forward(self, x):
                return self.out(self.hidden(x).relu()) * self.scale

        model = TwoLayer()
        model(x)                          # calls forward(x)
        [n for n, _ in model.named_parameters()]
        # ['scale', 'hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']

    ``training`` is True after creation and ``train()``, False after ``eval()``;
    layers such as :class:`Dropout` behave differently in the two modes.
    """

    training: bool
    _parameters: dict[str, Parameter | None]
    _modules: dict[str, Module | None]
    _buffers: dict[str, Tensor | None]

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers", set())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """What the module computes; every subclass defines it."""
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required '
                                  '"forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ---- registration
    def _registry(self, which: str, name: str, what: str) -> dict[str, Any]:
        registry: dict[str, Any] | None = self.__dict__.get(which)
        if registry is None:
            cls = type(self).__name__
            raise AttributeError(f"{cls}: cannot assign {what} {name!r} before "
                                 f"Module.__init__() was called; call super().__init__() "
                                 f"first in {cls}.__init__")
        return registry

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or None, a declared but absent parameter) under ``name``."""
        who = f"{type(self).__name__}.register_parameter"
        registry = self._registry("_parameters", name, "parameter")
        _check_name(who, name)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"{who}: cannot register {_what(param)} as parameter "
                            f"{name!r} (nn.Parameter or None expected; wrap a tensor as "
                            "nn.Parameter(t))")
        if name not in registry and (name in self.__dict__ or name in self._modules
                                     or hasattr(type(self), name)):
            raise KeyError(f"{who}: attribute {name!r} already exists")
        registry[name] = param

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` (or None) as a sub-module under ``name``."""
        who = f"{type(self).__name__}.add_module"
        registry = self._registry("_modules", name, "module")
        _check_name(who, name)
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{who}: {_what(module)} is not a Module (name {name!r})")
        if name not in registry and (name in self.__dict__ or name in self._parameters
                                     or hasattr(type(self), name)):
            raise KeyError(f"{who}: attribute {name!r} already exists")
        registry[name] = module

    register_module = add_module

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True
                        ) -> None:
        """Register ``tensor`` (or None) as a buffer: numbers the module keeps that are not
        parameters (no gradient, not for the optimizer), such as BatchNorm's running mean.
        Buffers are in the state_dict (unless ``persistent=False``), as in PyTorch."""
        who = f"{type(self).__name__}.register_buffer"
        registry = self._registry("_buffers", name, "buffer")
        _check_name(who, name)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"{who}: cannot register {_what(tensor)} as buffer {name!r} "
                            "(a Tensor or None expected)")
        if name not in registry and (name in self.__dict__ or name in self._parameters
                                     or name in self._modules or hasattr(type(self), name)):
            raise KeyError(f"{who}: attribute {name!r} already exists")
        registry[name] = tensor
        (self._non_persistent_buffers.discard if persistent
         else self._non_persistent_buffers.add)(name)

    def __setattr__(self, name: str, value: Any) -> None:
        params: dict[str, Any] | None = self.__dict__.get("_parameters")
        modules: dict[str, Any] | None = self.__dict__.get("_modules")
        if isinstance(value, Parameter):
            registry = self._registry("_parameters", name, "parameter")
            self.__dict__.pop(name, None)
            if modules is not None:
                modules.pop(name, None)
            registry[name] = value
        elif isinstance(value, Module):
            registry = self._registry("_modules", name, "module")
            self.__dict__.pop(name, None)
            if params is not None:
                params.pop(name, None)
            registry[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"{type(self).__name__}: cannot assign {_what(value)} as parameter "
                    f"{name!r} (nn.Parameter or None expected). To change its numbers, "
                    f"assign an array to .{name}.data, or use load_state_dict")
            params[name] = None
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"{type(self).__name__}: cannot assign {_what(value)} "
                                f"as child module {name!r} (nn.Module or None expected)")
            modules[name] = None
        elif name in self.__dict__.get("_buffers", ()):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"{type(self).__name__}: cannot assign {_what(value)} as "
                                f"buffer {name!r} (a Tensor or None expected)")
            self._buffers[name] = value
        else:
            if isinstance(value, (list, tuple)) and any(
                    isinstance(v, (Module, Parameter)) for v in value):
                kind = "Modules" if any(isinstance(v, Module) for v in value) else "Parameters"
                raise TypeError(
                    f"{type(self).__name__}: {name!r} would be a {type(value).__name__} of "
                    f"{kind}, which a Module does not look inside: parameters(), "
                    "state_dict() and the optimizer would miss them (PyTorch silently does "
                    "the same). Use nn.ModuleList([...]) or nn.Sequential(...) for "
                    "modules; register each parameter under its own name")
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # only called when normal lookup fails: parameters and sub-modules live in the
        # registries, not in the instance dict
        d = self.__dict__
        for which in ("_parameters", "_modules", "_buffers"):
            registry = d.get(which)
            if registry is not None and name in registry:
                return registry[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._modules, self._buffers):
            if name in registry:
                del registry[name]
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._parameters, *self._modules, *self._buffers})

    # ---- walking the parts
    def named_modules(self, memo: set[int] | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """``(name, module)`` for this module (name ``prefix``) and every module below it,
        each once (a module used twice is listed at its first place)."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, f"{prefix}.{name}" if prefix else name,
                                                remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """This module and every module below it."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """``(name, module)`` for the direct sub-modules."""
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct sub-modules."""
        for _, module in self.named_children():
            yield module

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """``(name, parameter)`` pairs, names as in the state_dict (``0.weight`` ...).

        A parameter shared by two modules (tied weights) is listed once, unless
        ``remove_duplicate=False``.
        """
        seen: set[int] = set()
        mods = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse
                else iter([(prefix, self)]))
        for mod_prefix, module in mods:
            for name, p in module._parameters.items():
                if p is None or (remove_duplicate and id(p) in seen):
                    continue
                seen.add(id(p))
                yield (f"{mod_prefix}.{name}" if mod_prefix else name), p

    def named_buffers(self, prefix: str = "", recurse: bool = True
                      ) -> Iterator[tuple[str, Tensor]]:
        """``(name, buffer)`` pairs, names as in the state_dict (``0.running_mean`` ...)."""
        mods = self.named_modules(prefix=prefix) if recurse else iter([(prefix, self)])
        for mod_prefix, module in mods:
            for name, b in module._buffers.items():
                if b is not None:
                    yield (f"{mod_prefix}.{name}" if mod_prefix else name), b

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer (running statistics and such)."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter (what an optimizer updates): ``optim.SGD(model.parameters())``."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every sub-module and then on this module (e.g. to initialise)."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ---- training helpers
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient: None (PyTorch's default), or zeroed in place
        (``set_to_none=False``; a gradient that is None stays None, as in PyTorch)."""
        for p in self.parameters():
            _zero_grad(p, set_to_none)

    def train(self, mode: bool = True) -> Module:
        """Training mode (``training = True``) for this module and all below; returns self."""
        if not isinstance(mode, bool):
            raise ValueError(f"{type(self).__name__}.train: mode must be True or False, "
                             f"got {mode!r}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode (``training = False``): Dropout lets everything through."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Switch gradient tracking of every parameter (False freezes the module)."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def to(self, *args: Any, dtype: Any = None, device: Any = None,
           non_blocking: bool = False) -> Module:
        """Every parameter (and gradient) converted to ``dtype`` in place; returns self.
        PyTorch's forms: ``to(dtype)``, ``to("cpu")``, ``to("cpu", dtype)``, ``to(device=)``;
        a device other than the CPU raises a RuntimeError (autograd_mini computes on the CPU).
        """
        who = f"{type(self).__name__}.to"
        dtype = _to_args(args, dtype, device, who)
        if dtype is None:
            return self
        dt = _float_dtype(dtype, who)
        for p in self.parameters():
            p.data = p.data.astype(dt)
            if p.grad is not None:  # converted in place: the same Tensor, as in PyTorch
                p.grad.data = p.grad.data.astype(dt)
        for b in self.buffers():  # floating buffers only, as PyTorch
            b.data = b.data.astype(dt) if b.data.dtype.kind == "f" else b.data
        return self

    def cpu(self) -> Module:
        """Itself: autograd_mini's parameters are always on the CPU (``module.cpu()``)."""
        return self

    def double(self) -> Module:
        """Parameters as float64 (PyTorch's ``module.double()``)."""
        return self.to(np.float64)

    def float(self) -> Module:
        """Parameters as float32 (PyTorch's ``module.float()``)."""
        return self.to(np.float32)

    # ---- state_dict
    def _named_state(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """What the state_dict holds, in PyTorch's order: each module's parameters, then
        its persistent buffers, then its sub-modules' (a shared one under each name)."""
        for mod_prefix, module in self.named_modules(prefix=prefix, remove_duplicate=False):
            dot = f"{mod_prefix}." if mod_prefix else ""
            for name, t in (*module._parameters.items(), *module._buffers.items()):
                if t is not None and name not in module._non_persistent_buffers:
                    yield dot + name, t

    def state_dict(self, *, prefix: str = "", keep_vars: bool = False) -> dict[str, Tensor]:
        """``{name: Tensor}`` for every parameter and buffer (``running_mean`` ...), names
        as ``named_parameters`` and ``named_buffers`` give them.

        The Tensors hold copies of the numbers, taken now: training the model later
        does not change them (in PyTorch they share memory with the parameters).
        ``keep_vars=True`` gives the Parameters themselves.
        """
        return {name: p if keep_vars else Tensor(p.data)
                for name, p in self._named_state(prefix)}

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True
                        ) -> IncompatibleKeys:
        """Copy the numbers of ``state_dict`` into the parameters; the Parameter objects
        stay the same, so an optimizer holding them keeps working.

        The entries may be Tensors, NumPy arrays (``autograd_mini.load`` gives those) or
        PyTorch tensors; each is copied in, converted to its parameter's dtype.
        Everything is checked before anything is written: a missing or unexpected key
        (with ``strict=True``), a wrong shape or an entry that is not numbers raises an
        error naming the key, and the model is left untouched. With ``strict=False`` the
        missing and unexpected keys are returned (``result.missing_keys`` ...).
        """
        own = dict(self._named_state())
        arrays, keys = checked_arrays(f"{type(self).__name__}.load_state_dict",
                                      {name: p.data.shape for name, p in own.items()},
                                      state_dict, strict,
                                      {name: p.data.dtype for name, p in own.items()})
        for name, array in arrays.items():  # every check passed, every entry converted
            own[name].data = array  # a new array in the parameter's dtype: now write
        return keys

    # ---- printing
    def extra_repr(self) -> str:
        """The settings shown between the parentheses of this module's repr."""
        return ""

    def _repr_html_(self) -> str:  # Jupyter: the layers and parameter counts as a table
        from ..viz.notebook import module_html

        return module_html(self)

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): {_indent(repr(module))}"
                       for name, module in self._modules.items()]
        lines = extra_lines + child_lines
        body = ""
        if len(extra_lines) == 1 and not child_lines:
            body = extra_lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{type(self).__name__}({body})"


# ------------------------------------------------------------------ containers
class Sequential(Module):
    """Modules applied one after the other: ``Sequential(Linear(64, 128), ReLU(), ...)``.

    The modules are registered under the names ``0``, ``1``, ... (or the keys of a
    dict given as the only argument), so the state_dict keys are ``0.weight`` ...
    """

    def __init__(self, *modules: Any) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(modules):
                if not isinstance(module, Module):
                    hint = " (e.g. nn.ReLU(), not nn.ReLU)" if isinstance(module, type) else ""
                    raise TypeError(f"{type(self).__name__}: argument {i} is "
                                    f"{_what(module)}, not a Module{hint}")
                self.add_module(str(i), module)

    def forward(self, input: Any) -> Any:
        for module in self._modules.values():
            if module is not None:
                input = module(input)
        return input

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(m for m in self._modules.values() if m is not None)

    def __getitem__(self, index: int | slice) -> Any:
        items = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(dict(items[index]))
        return items[_position(type(self).__name__, index, len(items))][1]

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self._modules)), module)
        return self


def _position(who: str, index: Any, n: int) -> int:
    if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
        raise TypeError(f"{who}: index must be an int or a slice, got {_describe(index)}")
    if not -n <= index < n:
        raise IndexError(f"{who}: index {index} is out of range for {n} modules")
    return int(index) % n


class ModuleList(Module):
    """A list of modules whose parameters are registered (``torch.nn.ModuleList``).

    Use it where a plain list would hide the modules from ``parameters()``::

        self.layers = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)])

    It has no ``forward``: loop over it in your own.
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _check(self, module: Any) -> Module:
        if not isinstance(module, Module):
            raise TypeError(f"{type(self).__name__}: {_what(module)} is not a Module")
        return module

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(m for m in self._modules.values() if m is not None)

    def __getitem__(self, index: int | slice) -> Any:
        values = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(m for m in values[index] if m is not None)
        return values[_position(type(self).__name__, index, len(values))]

    def __setitem__(self, index: int, module: Module) -> None:
        i = _position(type(self).__name__, index, len(self._modules))
        self._modules[str(i)] = self._check(module)

    def __delitem__(self, index: int | slice) -> None:
        values = list(self._modules.values())
        if isinstance(index, slice):
            del values[index]
        else:
            del values[_position(type(self).__name__, index, len(values))]
        self._modules.clear()  # renumber 0, 1, ... as PyTorch does
        for i, module in enumerate(values):
            self._modules[str(i)] = module

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end; returns self."""
        self._modules[str(len(self._modules))] = self._check(module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add every module of ``modules`` at the end; returns self."""
        if isinstance(modules, Module) and not isinstance(modules, (ModuleList, Sequential)):
            raise TypeError(f"{type(self).__name__}.extend: expected an iterable of Modules, "
                            f"got one {type(modules).__name__}; use append")
        for module in list(modules):
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Put ``module`` before position ``index``."""
        values = list(self._modules.values())
        values.insert(index, self._check(module))
        self._modules.clear()
        for i, m in enumerate(values):
            self._modules[str(i)] = m


# ------------------------------------------------------------------ layers
def _features(who: str, name: str, n: Any) -> int:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
        raise ValueError(f"{who}: {name} must be an int >= 0, got {n!r}")
    return int(n)


def _input_shape(who: str, x: Any) -> tuple[int, ...]:
    if isinstance(x, Tensor):
        return x.data.shape  # type: ignore[no-any-return]
    if isinstance(x, np.ndarray):
        return x.shape
    if isinstance(x, (list, tuple)):
        return np.shape(x)
    hint = " (a Value: use Tensor(v.data))" if isinstance(x, Value) else ""
    raise TypeError(f"{who}: expected a Tensor or a NumPy array, got {_what(x)}{hint}")


class Linear(Module):
    """``y = x @ weight.T + bias``: ``in_features`` inputs to ``out_features`` outputs.

    ``weight`` has PyTorch's shape (out_features, in_features), one row per output,
    and PyTorch's initial distribution: ``kaiming_uniform_(weight, a=sqrt(5))``, that
    is uniform in ±gain·sqrt(3 / in_features) with gain = sqrt(2 / (1 + a²)), which
    is ±1/sqrt(in_features); the bias is uniform in ±1/sqrt(in_features) too. The
    numbers come from the generator that :func:`autograd_mini.manual_seed` seeds
    (they cannot equal PyTorch's, whose generator differs: copy a state_dict to
    start both libraries from the same weights).

    The input may be a Tensor or a NumPy array of shape (..., in_features).
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        who = "Linear"
        _check_device(device, who)
        self.in_features = _features(who, "in_features", in_features)
        self.out_features = _features(who, "out_features", out_features)
        dt = _float_dtype(np.float64 if dtype is None else dtype, who)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dt))
        if bias:
            self.bias = Parameter(np.empty(self.out_features, dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw new initial weights and biases (PyTorch's ``reset_parameters``)."""
        rng = default_generator()
        fan_in = self.in_features
        a = math.sqrt(5)  # kaiming_uniform_(weight, a=sqrt(5)), as torch.nn.Linear
        gain = math.sqrt(2.0 / (1 + a * a))
        bound = gain * math.sqrt(3.0 / fan_in) if fan_in > 0 else 0.0
        w = self.weight.data
        self.weight.data = rng.uniform(-bound, bound, w.shape).astype(w.dtype)
        if self.bias is not None:
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            b = self.bias.data
            self.bias.data = rng.uniform(-bound, bound, b.shape).astype(b.dtype)

    def forward(self, input: Any) -> Tensor:
        shape = _input_shape("Linear", input)
        if not shape or shape[-1] != self.in_features:
            raise ValueError(f"{self!r}: expected inputs whose last axis has "
                             f"{self.in_features} features, got shape {shape}")
        out = input @ self.weight.T
        return out if self.bias is None else out + self.bias

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class ReLU(Module):
    """max(x, 0) elementwise."""

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input)


class Tanh(Module):
    """Hyperbolic tangent elementwise."""

    def forward(self, input: Tensor) -> Tensor:
        return F.tanh(input)


class Sigmoid(Module):
    """1 / (1 + e^-x) elementwise."""

    def forward(self, input: Tensor) -> Tensor:
        return F.sigmoid(input)


class Identity(Module):
    """Returns its input unchanged (a placeholder layer)."""

    def forward(self, input: Any) -> Any:
        return input


class Flatten(Module):
    """Axes ``start_dim`` .. ``end_dim`` merged: (N, 8, 8) images become (N, 64) rows."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:
        if not isinstance(input, Tensor):
            input = Tensor(input)
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


# ------------------------------------------------------------------ MLP
class MLP(Sequential):
    """A multilayer perceptron: ``MLP(64, [128, 10])`` is
    ``Sequential(Linear(64, 128), ReLU(), Linear(128, 10))``.

    The first argument is the number of inputs, the second the size of every layer's
    output, the last one being the network's output (no activation after it: the
    outputs are logits or scores). The same convention as
    ``nn.scalar.MLP(2, [16, 16, 1])`` (micrograd's) and ``torchvision.ops.MLP``.
    ``activation`` makes the module placed after each hidden layer (``nn.ReLU``,
    ``nn.Tanh``, ``nn.Sigmoid`` ...). Being a Sequential, its state_dict keys are
    ``0.weight``, ``0.bias``, ``2.weight`` ..., those of the Sequential it spells out.
    """

    def __init__(self, in_features: int, layer_sizes: Sequence[int],
                 activation: Callable[[], Module] = ReLU, *, bias: bool = True,
                 dtype: Any = None) -> None:
        if (isinstance(layer_sizes, (int, str)) or not isinstance(layer_sizes, Sequence)
                or not layer_sizes):
            raise ValueError(f"MLP: layer_sizes must be a non-empty list of layer sizes, e.g. "
                             f"MLP(64, [128, 10]), got {layer_sizes!r}")
        if isinstance(activation, Module) or not callable(activation):
            raise TypeError(f"MLP: activation must be a Module class such as nn.ReLU or nn.Tanh "
                            f"(called once per hidden layer), got {_what(activation)}")
        sizes = [_features("MLP", "in_features", in_features),
                 *(_features("MLP", "every layer size", n) for n in layer_sizes)]
        layers: list[Module] = []
        for i in range(len(layer_sizes)):
            layers.append(Linear(sizes[i], sizes[i + 1], bias=bias, dtype=dtype))
            if i < len(layer_sizes) - 1:
                try:
                    act = activation()
                except TypeError as exc:
                    raise TypeError(f"MLP: activation must make a Module when called with no "
                                    f"arguments (e.g. nn.ReLU or nn.Tanh); calling it failed: "
                                    f"{exc}") from None
                if not isinstance(act, Module):
                    raise TypeError(f"MLP: activation must make a Module (e.g. nn.ReLU or "
                                    f"nn.Tanh), it made {_what(act)}")
                layers.append(act)
        super().__init__(*layers)
