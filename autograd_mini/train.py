"""``fit``: the training loop every course writes, with a progress bar and a history.

::

    from autograd_mini import data, optim
    from autograd_mini.nn.scalar import MLP, hinge_loss, l2_penalty, binary_accuracy
    from autograd_mini.train import fit

    X, y = data.make_moons(100, noise=0.1, seed=1337)
    model = MLP(2, [16, 16, 1], seed=1337)
    opt = optim.SGD(model.parameters(), lr=1.0)
    history = fit(
        model,
        lambda scores, y: hinge_loss(scores, y) + l2_penalty(model.parameters(), 1e-4),
        opt,
        data.DataLoader((X, 2 * y - 1), batch_size=len(X)),   # full batch
        epochs=100,
        metrics={"accuracy": binary_accuracy},
        scheduler=optim.lr_scheduler.LambdaLR(opt, lambda k: 1.0 - 0.9 * k / 100),
    )
    history.metrics["accuracy"][-1]      # training accuracy after the last epoch

Each step is the four moves of gradient descent::

    out = model(inputs)               # 1. predict
    loss = loss_fn(out, targets)      # 2. measure the error
    optimizer.zero_grad()
    loss.backward()                   # 3. backpropagate
    optimizer.step()                  # 4. update

so any model works whose call takes a batch of inputs, and any loss whose result has
``backward()`` and ``item()``: the scalar MLP with Values, and Tensor modules alike::

    model = nn.MLP(64, [128, 10])                  # autograd_mini.nn, Tensors
    history = fit(model, nn.functional.cross_entropy, optim.Adam(model.parameters()),
                  data.DataLoader((X, y), batch_size=32, shuffle=True, seed=0), epochs=30,
                  metrics={"accuracy": accuracy})  # train.accuracy: argmax or sign

Ctrl-C (KeyboardInterrupt) stops training cleanly: ``fit`` returns the history so far,
with ``interrupted=True``, and the parameters are those after the last step that
finished. (If the interrupt lands inside ``optimizer.step()`` the parameters and the
optimizer's buffers are put back as they were before that step.)

The progress bar is tqdm's (``tqdm.auto``: a widget in Jupyter, text in a terminal),
showing the running mean loss of the epoch; ``progress=False`` turns it off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .engine import no_grad

__all__ = ["History", "accuracy", "evaluate", "fit"]

Metric = Callable[[Any, Any], float]


@dataclass
class History:
    """What happened during :func:`fit`.

    ``loss`` has one entry per optimizer step; ``epoch_loss`` and each list in
    ``metrics`` one per finished epoch (the mean over the epoch's samples, each batch
    weighted by its size). ``val_loss`` and ``val_metrics`` are filled when validation
    data was given; ``lr`` holds the first parameter group's learning rate used in
    each epoch.
    """

    loss: list[float] = field(default_factory=list)
    epoch_loss: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    val_loss: list[float] = field(default_factory=list)
    val_metrics: dict[str, list[float]] = field(default_factory=dict)
    lr: list[float] = field(default_factory=list)
    epochs: int = 0
    steps: int = 0
    interrupted: bool = False

    def _repr_html_(self) -> str:  # Jupyter: the loss per step as a small plot, and a table
        from .viz.notebook import history_html

        return history_html(self)


def _batches(data: Any, who: str) -> Any:
    """A re-iterable source of (inputs, targets) batches."""
    if isinstance(data, tuple) and len(data) == 2 and all(
            isinstance(a, np.ndarray) for a in data):
        return [data]  # (X, y): the whole data set as one batch, every epoch
    if isinstance(data, Iterable) and not isinstance(data, (str, bytes)) and iter(data) is not data:
        return data
    raise TypeError(
        f"{who}: data must be a DataLoader (or any re-iterable collection of (inputs, "
        f"targets) batches) or a pair of arrays (X, y), got {type(data).__name__}"
        + (" (an iterator is used up after one epoch)" if isinstance(data, Iterable) else "")
    )


def _size(batch_inputs: Any) -> int:
    try:
        return len(batch_inputs)
    except TypeError:
        return 1


def _unpack(batch: Any, who: str) -> tuple[Any, Any]:
    if not (isinstance(batch, (tuple, list)) and len(batch) == 2):
        raise TypeError(f"{who}: each batch must be a pair (inputs, targets), "
                        f"got {type(batch).__name__}")
    return batch[0], batch[1]


def _snapshot(optimizer: Any) -> tuple[list[tuple[Any, Any]], dict[Any, dict[str, Any]]]:
    """The parameters' numbers and the optimizer's buffers, to restore after an interrupt."""
    params = [(p, _copy(p.data)) for g in optimizer.param_groups for p in g["params"]]
    state = {p: {k: _copy(v) for k, v in s.items()} for p, s in optimizer.state.items()}
    return params, state


def _restore(optimizer: Any, saved: tuple[list[tuple[Any, Any]], dict[Any, dict[str, Any]]]
             ) -> None:
    params, state = saved
    for p, data in params:
        p.data = data
    optimizer.state.clear()
    optimizer.state.update(state)


def _copy(x: Any) -> Any:
    """A copy that in-place updates cannot reach: arrays (and torch tensors) are copied."""
    if isinstance(x, np.ndarray):
        return x.copy()
    clone = getattr(x, "clone", None)
    return clone() if callable(clone) else x


def _progress_bar(total: int | None, desc: str) -> Any:
    from tqdm.auto import tqdm  # a widget under Jupyter, text elsewhere

    return tqdm(total=total, desc=desc, unit="step", dynamic_ncols=True, leave=True)


def _numbers(x: Any, who: str, what: str) -> np.ndarray:
    """The numbers of model outputs or targets: a Tensor's or Values' data, a PyTorch
    tensor's (detached), an array or a list as it is."""
    if isinstance(x, np.ndarray):
        return x
    if isinstance(getattr(x, "data", None), (np.ndarray, float)):  # a Tensor or a Value
        return np.asarray(x.data)
    detach = getattr(x, "detach", None)
    if callable(detach) and hasattr(x, "numpy"):  # a torch.Tensor
        return np.asarray(detach().cpu().numpy())
    if isinstance(x, (list, tuple)):
        return np.array([_numbers(v, who, what) if not isinstance(v, (int, float)) else v
                         for v in x], dtype=np.float64)
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{who}: cannot read the {what} as numbers: "
                        f"{type(x).__name__}") from None


def accuracy(outputs: Any, targets: Any) -> float:
    """The fraction of samples classified right: ``metrics={"accuracy": accuracy}``.

    - Outputs with one score per class, shape (N, C) with C > 1 (logits or
      probabilities): the predicted class is each row's argmax, compared with
      integer labels (N,) (or with the argmax of one-hot targets of shape (N, C)).
    - One score per sample, shape (N,) or (N, 1): a two-class score whose sign is the
      prediction (score > 0 is the positive class), compared with labels 0/1 or -1/+1.

    Works on Tensors, lists of Values (the scalar MLP's outputs), NumPy arrays and
    PyTorch tensors; no graph is recorded.
    """
    who = "accuracy"
    out = _numbers(outputs, who, "outputs")
    t = _numbers(targets, who, "targets")
    if out.ndim == 2 and out.shape[1] > 1:
        predicted = out.argmax(axis=1)
        labels = t.argmax(axis=1) if t.shape == out.shape else t.reshape(-1)
    elif out.ndim <= 2:
        predicted = out.reshape(-1) > 0
        labels = t.reshape(-1) > 0
    else:
        raise ValueError(f"{who}: expected outputs of shape (N, C) or (N,), got {out.shape}")
    if labels.shape != predicted.shape:
        raise ValueError(f"{who}: {len(predicted)} predictions but targets of shape {t.shape}")
    if not len(predicted):
        raise ValueError(f"{who}: no predictions (an empty batch)")
    return float(np.mean(predicted == labels))


def evaluate(model: Callable[[Any], Any], loss_fn: Callable[[Any, Any], Any], data: Any,
             metrics: Mapping[str, Metric] | None = None) -> dict[str, float]:
    """Mean loss (and metrics) over ``data`` without recording a graph (under no_grad)."""
    totals: dict[str, float] = {}
    count = 0
    with no_grad():
        for batch in _batches(data, "evaluate"):
            xb, yb = _unpack(batch, "evaluate")
            out = model(xb)
            n = _size(xb)
            values = {"loss": float(loss_fn(out, yb).item())}
            for name, metric in (metrics or {}).items():
                values[name] = float(metric(out, yb))
            for name, v in values.items():
                totals[name] = totals.get(name, 0.0) + v * n
            count += n
    if not count:
        raise ValueError("evaluate: data yielded no batches")
    return {name: total / count for name, total in totals.items()}


def fit(
    model: Callable[[Any], Any],
    loss_fn: Callable[[Any, Any], Any],
    optimizer: Any,
    data: Any,
    epochs: int = 1,
    *,
    metrics: Mapping[str, Metric] | None = None,
    scheduler: Any = None,
    val_data: Any = None,
    callback: Callable[[History], Any] | None = None,
    progress: bool = True,
    desc: str = "training",
) -> History:
    """Train ``model`` for ``epochs`` passes over ``data`` and return a :class:`History`.

    - ``loss_fn(outputs, targets)`` returns the loss node to backpropagate.
    - ``data`` is a :class:`~autograd_mini.data.DataLoader` (or any re-iterable of
      ``(inputs, targets)`` batches), or a pair of arrays ``(X, y)`` for full-batch
      gradient descent.
    - ``metrics`` maps names to ``f(outputs, targets) -> float`` (e.g. accuracy),
      averaged over each epoch.
    - ``scheduler.step()`` is called after every epoch (an ``lr_scheduler``).
    - ``val_data`` is evaluated without a graph after every epoch.
    - ``callback(history)`` runs after every step (``history.steps`` counts them).
    """
    who = "fit"
    _check_fit(model, loss_fn, optimizer, epochs)
    batches = _batches(data, who)
    metrics = dict(metrics or {})
    history = History(metrics={k: [] for k in metrics},
                      val_metrics={k: [] for k in metrics} if val_data is not None else {})
    try:
        per_epoch: int | None = len(batches)
    except TypeError:
        per_epoch = None
    bar = _progress_bar(per_epoch * epochs if per_epoch is not None else None,
                        desc) if progress else None
    try:
        for epoch in range(epochs):
            sums: dict[str, float] = {"loss": 0.0, **{k: 0.0 for k in metrics}}
            seen = 0
            lr = optimizer.param_groups[0]["lr"] if hasattr(optimizer, "param_groups") else None
            for batch in batches:
                xb, yb = _unpack(batch, who)
                out, value = _step(model, loss_fn, optimizer, xb, yb)
                # the step is done: record it
                n = _size(xb)
                history.loss.append(value)
                history.steps += 1
                sums["loss"] += value * n
                for name, metric in metrics.items():
                    sums[name] += float(metric(out, yb)) * n
                seen += n
                if bar is not None:  # running means over the epoch so far
                    bar.set_postfix(epoch=epoch + 1, refresh=False,
                                    **{k: f"{v / seen:.4g}" for k, v in sums.items()})
                    bar.update(1)
                if callback is not None:
                    callback(history)
            _end_epoch(history, epoch, sums, seen, lr, model, loss_fn, val_data, metrics, bar)
            if scheduler is not None:
                scheduler.step()
    except KeyboardInterrupt:
        history.interrupted = True
        message = (f"fit: interrupted after {history.steps} steps ({history.epochs} full "
                   "epochs); the parameters are those after the last finished step")
        if bar is not None:
            bar.write(message)
        else:
            print(message)
    finally:
        if bar is not None:
            bar.close()
    return history


def _check_fit(model: Any, loss_fn: Any, optimizer: Any, epochs: Any) -> None:
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 0:
        raise ValueError(f"fit: epochs must be an int >= 0, got {epochs!r}")
    if not callable(model) or not callable(loss_fn):
        raise TypeError("fit: model and loss_fn must be callable")
    if not hasattr(optimizer, "step") or not hasattr(optimizer, "zero_grad"):
        raise TypeError(f"fit: optimizer must have step() and zero_grad(), "
                        f"got {type(optimizer).__name__}")


def _step(model: Callable[[Any], Any], loss_fn: Callable[[Any, Any], Any], optimizer: Any,
          xb: Any, yb: Any) -> tuple[Any, float]:
    """One step of gradient descent on a batch: the model's outputs and the loss."""
    out = model(xb)
    loss = loss_fn(out, yb)
    optimizer.zero_grad()
    loss.backward()
    saved = _snapshot(optimizer)
    try:
        optimizer.step()
    except BaseException:
        _restore(optimizer, saved)  # never leave a half-finished step behind
        raise
    return out, float(loss.item())


def _end_epoch(history: History, epoch: int, sums: dict[str, float], seen: int, lr: Any,
               model: Any, loss_fn: Any, val_data: Any, metrics: Mapping[str, Metric],
               bar: Any) -> None:
    """Record an epoch's means (and the validation scores) in the history."""
    if not seen:
        raise ValueError(f"fit: data yielded no batches in epoch {epoch + 1}")
    history.epoch_loss.append(sums["loss"] / seen)
    for name in metrics:
        history.metrics[name].append(sums[name] / seen)
    if lr is not None:
        history.lr.append(lr)
    if val_data is not None:
        scores = evaluate(model, loss_fn, val_data, metrics)
        history.val_loss.append(scores["loss"])
        for name in metrics:
            history.val_metrics[name].append(scores[name])
    history.epochs += 1
    if bar is not None and history.val_loss:
        bar.set_postfix(epoch=epoch + 1, val_loss=f"{history.val_loss[-1]:.4g}",
                        **{k: f"{v / seen:.4g}" for k, v in sums.items()})
