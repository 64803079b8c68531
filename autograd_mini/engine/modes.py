"""Grad mode, per thread: whether new operations record a graph (``no_grad``), and
whether they are checked for nan and inf (``detect_anomaly``, in ``anomaly.py``).

Every op asks one cheap question before it records a node: is any thread off the
default mode? Only then does it take the slow path, :func:`record`.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from .rule import Rule

__all__ = ["OnePassLock", "enable_grad", "is_grad_enabled", "no_grad", "record",
           "set_grad_enabled", "threads_off_default"]


class _Mode(threading.local):
    """This thread's mode: recording a graph (on by default), checking for nan/inf (off)."""

    enabled = True
    anomaly = False


_mode = _Mode()
# Reading a threading.local costs ~55 ns, a third of making a node. So ops first read
# this shared count of threads whose mode is not the default (a one-item list, so the
# modules that imported it see updates) and take the slow path, `record`, only when it
# is non-zero.
threads_off_default = [0]
_count_lock = threading.Lock()
F = TypeVar("F", bound=Callable[..., Any])


def _set_mode(enabled: bool | None = None, anomaly: bool | None = None) -> None:
    with _count_lock:
        before = (not _mode.enabled) or _mode.anomaly
        if enabled is not None:
            _mode.enabled = enabled
        if anomaly is not None:
            _mode.anomaly = anomaly
        threads_off_default[0] += ((not _mode.enabled) or _mode.anomaly) - before


def record(node: Any, op: Rule, a: Any, b: Any) -> Any:
    """Give a new node its history as this thread's mode says (the slow path of every op)."""
    if _mode.enabled:
        node._op, node._a, node._b = op, a, b
    else:
        node._op = node._a = node._b = None
    if _mode.anomaly:
        from .anomaly import check_result  # (imported here: anomaly reads this module)

        check_result(node, op, a, b)
    return node


def is_grad_enabled() -> bool:
    """True when new operations in this thread record their history (the default)."""
    return _mode.enabled


class set_grad_enabled:
    """Turn graph recording on or off in this thread, as a context manager or decorator."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self.prev: list[bool] = []

    def __enter__(self) -> None:
        self.prev.append(_mode.enabled)
        _set_mode(enabled=self.mode)

    def __exit__(self, *exc: object) -> None:
        _set_mode(enabled=self.prev.pop())

    def __call__(self, fn: F) -> F:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(set_grad_enabled):
    """Context manager and decorator: inside it, operations record no graph.

    Use it for parameter updates and evaluation. It affects only the current thread.
    """

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Context manager and decorator that turns recording back on inside ``no_grad``."""

    def __init__(self) -> None:
        super().__init__(True)


class OnePassLock:
    """The backward pass's lock (one pass at a time, see ``backward.py``), which refuses a
    pass that this thread starts while it is inside one: the backward of an
    ``autograd.Function`` is user code run by the pass, and a ``backward()`` or ``grad()``
    there would otherwise wait forever for the lock its own thread holds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holder: int | None = None  # the thread inside a pass

    def __enter__(self) -> None:
        if not self._lock.acquire(False):  # held: by another thread (wait) or by this one
            if self._holder == threading.get_ident():
                raise RuntimeError(
                    "backward: a backward pass cannot start inside another one (the backward "
                    "of an autograd.Function called backward() or grad()); compute its "
                    "gradients with Tensor operations on grad_output and ctx.saved_tensors "
                    "instead")
            self._lock.acquire()
        self._holder = threading.get_ident()

    def __exit__(self, *exc: object) -> None:
        self._holder = None
        self._lock.release()
