"""The playground's trainer: a small Tensor network learning a toy data set in the background.

Each session (one per trainer the page starts) trains an :class:`autograd_mini.nn.MLP` with
the engine's Tensors in its own thread: binary cross-entropy on the logits, ``optim.SGD``
or ``optim.Adam``, full batch, mini-batches or one sample per step. Every
:data:`SNAPSHOT_SECONDS` it takes a snapshot under a lock: the step and epoch, the new
epoch losses, the accuracy on the data and the network's probability of class 1 on a grid
(the decision boundary), each computed by the engine. The page long-polls for snapshots;
a session nobody has polled for :data:`IDLE_SECONDS` stops itself.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from typing import Any

import numpy as np

from .api import BadRequest, _field, _number

__all__ = ["DATASETS", "Sessions", "Trainer"]

DATASETS = ("moons", "circles", "spirals", "linear")
ACTIVATIONS = ("relu", "tanh", "sigmoid")
BATCHES = ("batch", "minibatch", "stochastic")
OPTIMIZERS = ("adam", "sgd")
GRID = 40  # the decision boundary is sampled on GRID x GRID points
SNAPSHOT_SECONDS = 0.04  # 25 snapshots a second at most
IDLE_SECONDS = 30.0
MAX_STEPS = 50_000  # then the trainer stops by itself
MAX_SESSIONS = 4
_seed_lock = threading.Lock()  # manual_seed is process-wide: build one network at a time


def make_data(name: str, n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The data set ``name`` (two classes, labels 0 and 1) from :mod:`autograd_mini.data`."""
    from .. import data

    if name == "moons":
        return data.make_moons(n, noise=noise, seed=seed)
    if name == "circles":
        return data.make_circles(n, noise=noise, factor=0.5, seed=seed)
    if name == "spirals":
        return data.make_spirals(n, n_classes=2, noise=noise, seed=seed)
    return data.make_linear(n, noise=noise, seed=seed)


def _settings(req: dict[str, Any]) -> dict[str, Any]:
    """The trainer's settings from the page, each checked, with what went wrong in words."""
    def choice(key: str, options: tuple[str, ...]) -> str:
        value = _field(req, key, str, "one of " + ", ".join(options))
        if value not in options:
            raise BadRequest(f"{key} must be one of {', '.join(options)}, got {value!r}")
        return value

    layers = req.get("layers")
    if (not isinstance(layers, list) or not 1 <= len(layers) <= 4
            or not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 64
                       for n in layers)):
        raise BadRequest("hidden layers must be 1 to 4 sizes, each from 1 to 64 "
                         "(for example 16, 16)")
    return {"dataset": choice("dataset", DATASETS), "activation": choice("activation", ACTIVATIONS),
            "batch": choice("batch", BATCHES), "optimizer": choice("optimizer", OPTIMIZERS),
            "layers": list(layers),
            "lr": _number(req, "lr", 1e-6, 10.0, "the learning rate"),
            "batch_size": int(_number(req, "batch_size", 1, 1000, "the mini-batch size")),
            "noise": _number(req, "noise", 0.0, 1.0, "the noise"),
            "n": int(_number(req, "n", 20, 1000, "the number of points")),
            "seed": int(_number(req, "seed", 0, 2**31 - 1, "the seed"))}


class Trainer:
    """One training session: the network, its data, the thread and the latest snapshot."""

    def __init__(self, settings: dict[str, Any]) -> None:
        import autograd_mini as am

        from .. import nn, optim

        self.settings = s = settings
        self.X, self.y = make_data(s["dataset"], s["n"], s["noise"], s["seed"])
        activation = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[s["activation"]]
        with _seed_lock:
            am.manual_seed(s["seed"])
            self.model = nn.MLP(2, [*s["layers"], 1], activation)
        params = list(self.model.parameters())
        self.opt = (optim.Adam(params, lr=s["lr"]) if s["optimizer"] == "adam"
                    else optim.SGD(params, lr=s["lr"]))
        self.batch = {"batch": len(self.X), "minibatch": s["batch_size"], "stochastic": 1}[
            s["batch"]]
        self.rng = np.random.RandomState(s["seed"])
        lo, hi = self.X.min(axis=0) - 0.5, self.X.max(axis=0) + 0.5
        self.bounds = [float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])]
        gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], GRID), np.linspace(hi[1], lo[1], GRID))
        self.grid = np.column_stack([gx.ravel(), gy.ravel()])  # row by row, top row first
        self.inputs = am.from_numpy(self.X)
        self.lock = threading.Condition()
        self.step = self.epoch = self.version = 0
        self.losses: list[float] = []
        self.snapshot: dict[str, Any] = {}
        self.error = ""
        self.stopping = threading.Event()
        self.last_poll = time.monotonic()
        self._take_snapshot()
        self.thread = threading.Thread(target=self._run, name="autograd-mini-trainer",
                                       daemon=True)
        self.thread.start()

    # ---- training
    def _epoch(self) -> float:
        """One pass over the data in (shuffled) batches; the mean loss, batches by size."""
        import autograd_mini as am

        from ..nn import functional as F

        order = self.rng.permutation(len(self.X)) if self.batch < len(self.X) else None
        total = 0.0
        for start in range(0, len(self.X), self.batch):
            rows = slice(None) if order is None else order[start:start + self.batch]
            xb, yb = self.X[rows], self.y[rows]
            logits = self.model(am.from_numpy(xb)).reshape(-1)
            loss = F.binary_cross_entropy_with_logits(logits, am.from_numpy(yb.astype(float)))
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            self.step += 1
            total += loss.item() * len(xb)
            if time.monotonic() - self._last_snapshot >= SNAPSHOT_SECONDS:
                self._take_snapshot()
            if self.stopping.is_set() or self.step >= MAX_STEPS:
                break
        return total / len(self.X)

    def _run(self) -> None:
        try:
            while not self.stopping.is_set() and self.step < MAX_STEPS:
                loss = self._epoch()
                self.epoch += 1
                with self.lock:
                    self.losses.append(loss)
                if not math.isfinite(loss):
                    self.error = "the loss is not finite any more: lower the learning rate"
                    break
                if time.monotonic() - self.last_poll > IDLE_SECONDS:
                    break  # the page has gone away
                time.sleep(0)  # let the server's threads answer polls
        except Exception as exc:  # shown in the page; the server keeps serving
            self.error = f"training stopped: {type(exc).__name__}: {exc}"
        finally:
            self.stopping.set()
            self._take_snapshot()

    def _take_snapshot(self) -> None:
        """The engine's predictions on the data (accuracy) and on the grid (probabilities)."""
        import autograd_mini as am

        with am.no_grad():
            scores = self.model(self.inputs).reshape(-1).data
            grid = self.model(am.from_numpy(self.grid)).reshape(-1).sigmoid().data
        accuracy = float(((scores > 0) == (self.y == 1)).mean())
        self._last_snapshot = time.monotonic()
        with self.lock:
            self.version += 1
            self.snapshot = {"version": self.version, "step": self.step, "epoch": self.epoch,
                             "accuracy": accuracy, "grid": [round(float(p), 4) for p in grid],
                             "running": not self.stopping.is_set(), "error": self.error}
            self.lock.notify_all()

    # ---- what the page sees
    def poll(self, since: int, n_losses: int, wait: float = 0.5) -> dict[str, Any]:
        """The latest snapshot once it is newer than ``since`` (waiting up to ``wait`` s),
        with the epoch losses from index ``n_losses`` on."""
        self.last_poll = time.monotonic()
        with self.lock:
            if self.snapshot["version"] <= since and self.snapshot["running"]:
                self.lock.wait(wait)
            out = dict(self.snapshot)
            out["losses_from"] = n_losses
            out["losses"] = self.losses[n_losses:n_losses + 5000]
        return out

    def describe(self) -> dict[str, Any]:
        return {"points": self.X.tolist(), "labels": self.y.tolist(), "bounds": self.bounds,
                "grid_size": GRID, "settings": self.settings,
                "parameters": sum(p.numel() for p in self.model.parameters()),
                "layers": [2, *self.settings["layers"], 1]}

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)


class Sessions:
    """The trainers running, by session id; at most :data:`MAX_SESSIONS` at once."""

    def __init__(self) -> None:
        self._trainers: dict[str, Trainer] = {}
        self._lock = threading.Lock()

    def start(self, req: dict[str, Any]) -> dict[str, Any]:
        settings = _settings(req)
        old = req.get("session")
        if isinstance(old, str):
            self.stop({"session": old})
        with self._lock:
            for key in [k for k, t in self._trainers.items() if t.stopping.is_set()]:
                del self._trainers[key]  # finished sessions make room
            if len(self._trainers) >= MAX_SESSIONS:
                raise BadRequest(f"{MAX_SESSIONS} trainers are already running; press stop "
                                 "in another tab (or wait for it to finish)")
            key = secrets.token_hex(8)
            self._trainers[key] = trainer = Trainer(settings)
        return {"session": key, **trainer.describe()}

    def _get(self, req: dict[str, Any]) -> Trainer:
        key = _field(req, "session", str, "the session id that start gave")
        trainer = self._trainers.get(key)
        if trainer is None:
            raise BadRequest("this training session has ended; press train to start again")
        return trainer

    def poll(self, req: dict[str, Any]) -> dict[str, Any]:
        trainer = self._get(req)
        since = int(_number(req, "since", 0, 1e15, "the last version seen"))
        n_losses = int(_number(req, "n_losses", 0, 1e15, "the number of losses seen"))
        return trainer.poll(since, n_losses)

    def stop(self, req: dict[str, Any]) -> dict[str, Any]:
        """Stop a trainer; it stays pollable (its last snapshot) until the next start."""
        key = req.get("session") if isinstance(req, dict) else None
        trainer = self._trainers.get(key) if isinstance(key, str) else None
        if trainer is not None:
            trainer.stop()
        return {"stopped": trainer is not None}

    def stop_all(self) -> None:
        with self._lock:
            trainers, self._trainers = list(self._trainers.values()), {}
        for t in trainers:
            t.stop()
