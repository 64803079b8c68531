"""Run a ``dot`` program on DOT text, within a time bound, and explain what went wrong.

A system Graphviz ``dot`` on PATH is tried first, then the ``graphviz-pure`` executable
that autograd_mini depends on (see :func:`find_renderers`). Each runs as a separate
process in its own process group, so a timeout (or Ctrl-C in a notebook) stops it and
anything it started. When no program succeeds, :class:`RenderError` says what happened
(not found, an error, out of memory, killed by a signal, too slow) and what to try.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_TIMEOUT", "RenderError", "check_timeout", "find_renderers", "render"]

DEFAULT_TIMEOUT = 30.0
"""Seconds a dot program may take to lay out one picture before it is stopped."""

# How running out of memory shows on stderr: Rust's allocator (graphviz-pure), C Graphviz, C++.
_OUT_OF_MEMORY = re.compile(r"memory allocation of \d+ bytes failed|out of memory|"
                            r"cannot allocate memory|bad_alloc", re.I)
_NOISE = ("warning", "note:", "stack backtrace", "run with `rust_backtrace")


class RenderError(RuntimeError):
    """No ``dot`` program could turn the DOT text into a picture (``.source`` still works)."""


def find_renderers() -> list[str]:
    """The ``dot`` programs to try, in order.

    ``$AUTOGRAD_MINI_DOT`` if set; then a system Graphviz ``dot`` on PATH; then the
    ``graphviz-pure`` executable from PyPI, looked for next to the running Python
    (a virtual environment's ``bin``, which need not be on PATH) and on PATH.
    """
    found: list[str] = []
    override = os.environ.get("AUTOGRAD_MINI_DOT")
    if override:
        found.append(shutil.which(override) or override)
    dot = shutil.which("dot")
    if dot:
        found.append(dot)
    exe = "graphviz-pure.exe" if os.name == "nt" else "graphviz-pure"
    for folder in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        candidate = folder / exe
        if candidate.is_file() and os.access(candidate, os.X_OK):
            found.append(str(candidate))
    on_path = shutil.which("graphviz-pure")
    if on_path:
        found.append(on_path)
    return list(dict.fromkeys(found))  # in order, without repeats


def check_timeout(timeout: object, caller: str) -> float | None:
    """``timeout`` as seconds (None: no limit); a clear error for anything else."""
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"{caller}: timeout must be a number of seconds (or None for no "
                        f"limit), got {type(timeout).__name__}")
    if not timeout > 0:  # also refuses nan
        raise ValueError(f"{caller}: timeout must be a number of seconds > 0 (or None for "
                         f"no limit), got {timeout}")
    return None if math.isinf(timeout) else float(timeout)


@dataclass
class _Attempt:
    """How one program's run ended, when it did not give a picture."""

    program: str
    text: str  # what happened, for the message
    kind: str  # "missing" (could not start), "failed", "memory" or "signal"


def render(source: str, format: str = "svg", *, timeout: float | None = DEFAULT_TIMEOUT,
           n_values: int | None = None) -> bytes:
    """Lay out DOT ``source`` and return the picture in ``format`` (svg, png, ...).

    Tries each program from :func:`find_renderers` until one succeeds, so a broken
    system ``dot`` falls back to graphviz-pure. A program still running after
    ``timeout`` seconds (None: no limit) is killed and :class:`RenderError` raised at
    once. ``n_values`` (how many values the picture shows) goes into the messages.
    Raises :class:`RenderError` saying what happened and what to try when none works.
    """
    limit = check_timeout(timeout, "render")
    what = "the graph" if n_values is None else f"the graph of {n_values} values"
    attempts: list[_Attempt] = []
    for program in find_renderers():
        try:
            code, out, err = _run(program, [f"-T{format}"], source.encode("utf-8"), limit)
        except OSError as exc:
            attempts.append(_Attempt(program, f"could not run it ({exc.strerror or exc})",
                                     "missing"))
            continue
        except subprocess.TimeoutExpired:
            raise RenderError(_too_slow(program, what, limit, n_values)) from None
        if code == 0 and out:
            return out
        attempts.append(_failure(program, code, err.decode("utf-8", "replace")))
    raise RenderError(_advice(attempts, what, format, n_values))


def _run(program: str, args: list[str], data: bytes,
         timeout: float | None) -> tuple[int, bytes, bytes]:
    """Run ``program``; on a timeout (or Ctrl-C) kill it and its children, then re-raise."""
    posix = os.name == "posix"
    with subprocess.Popen([program, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, start_new_session=posix) as proc:
        try:
            out, err = proc.communicate(data, timeout=timeout)
        except BaseException:
            if posix:  # the whole group: a wrapper script's own dot goes too
                with contextlib.suppress(OSError):  # already gone
                    os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
            proc.wait()
            raise
    return proc.returncode, out, err


def _failure(program: str, code: int, stderr: str) -> _Attempt:
    """What an unsuccessful run tells: out of memory, a signal, or an exit code and message."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    oom = next((line for line in lines if _OUT_OF_MEMORY.search(line)), None)
    said = [line for line in lines if not line.lower().startswith(_NOISE)]
    message = next((line for line in reversed(said) if line.lower().startswith("error")),
                   said[-1] if said else None)
    name = Path(program).name
    if code < 0:
        try:
            sig = signal.Signals(-code).name
        except ValueError:
            sig = f"signal {-code}"
        stop = f"{name} was stopped by {sig}"
    else:
        stop = f"{name} ended with exit code {code}"
    if oom is not None:
        return _Attempt(program, f"{program}: out of memory ({oom}; {stop})", "memory")
    if code == -getattr(signal, "SIGKILL", 9):
        return _Attempt(program, f"{program}: killed by SIGKILL with no message, which is "
                        "what the system's out-of-memory killer does", "memory")
    if code < 0:
        detail = f"; it said: {message}" if message else ""
        return _Attempt(program, f"{program}: {stop}{detail}", "signal")
    return _Attempt(program, f"{program}: exit code {code}"
                    + (f" ({message})" if message else ""), "failed")


def _fewer(n_values: int | None) -> str:
    """What to try for a picture too big to lay out: fewer values, chains collapsed."""
    if n_values is not None and n_values > 1:
        fewer = f"draw(root, max_nodes={max(1, n_values // 2)}) (this drawing has {n_values})"
    else:
        fewer = "draw(root, max_nodes=100)"
    return (f"draw fewer values: {fewer}, or collapse=3 to fold chains of single-input "
            "operations into one box; from the command line, a smaller expression")


def _too_slow(program: str, what: str, timeout: float | None, n_values: int | None) -> str:
    return (f"cannot render {what}: {program} was still laying it out after the {timeout:g} s "
            f"timeout and was stopped. To try: {_fewer(n_values)}; or allow more time, "
            "draw(root, timeout=120) (timeout=None: no limit). "
            "The DOT text is still available as .source.")


def _advice(attempts: list[_Attempt], what: str, format: str, n_values: int | None) -> str:
    tried = "; ".join(a.text for a in attempts) if attempts else (
        "no 'dot' on PATH and no 'graphviz-pure' found")
    head = f"cannot render {what} to {format}: {tried}."
    tail = " The DOT text is still available as .source."
    if any(a.kind in ("memory", "signal") for a in attempts):
        memory = any(a.kind == "memory" for a in attempts)
        return (head + (" Laying out this graph needs more memory than the system allows."
                        if memory else "")
                + f" To try: {_fewer(n_values)}." + tail)
    ran_pure = any(Path(a.program).name.startswith("graphviz-pure") and a.kind != "missing"
                   for a in attempts)
    pure = "" if ran_pure else (
        "`pip install graphviz-pure` in this environment (autograd-mini depends on it; "
        "reinstalling autograd-mini brings it back), or ")
    return (head + f" Fix: {pure}install Graphviz so that `dot` is on PATH (apt-get install "
            "graphviz, brew install graphviz), or set AUTOGRAD_MINI_DOT to a dot program."
            + tail)
