"""A multilayer perceptron made of scalar Values, in micrograd's shape.

::

    model = MLP(2, [16, 16, 1], seed=1337)    # 2 inputs, two hidden layers of 16, one output
    score = model([0.5, -1.2])                 # a Value; model(X) on a 2-D array gives a list
    len(model.parameters())                    # 337 Values, each with .data and .grad

A :class:`Neuron` computes ``relu(w·x + b)`` (no ReLU in the last layer, so the output
can be any real score). By default a whole neuron is ONE node, made by the n-ary rule
``dot_relu`` (``dot`` in the last layer; :func:`autograd_mini.scalar.dot`), instead of
n products, n sums and a relu, and :func:`hinge_loss` is one node too: the numbers and
gradients are identical to the last bit, but a two-moons epoch walks 3,641 nodes instead
of 64,341, which makes training about 6x faster. Pass ``fused=False`` to build the
elementary graph of products, sums and relus instead, to see every multiplication in a
drawing.

Weights start uniform in [-1, 1] and biases at 0, as in micrograd: ``seed=1337`` draws
the same numbers as micrograd's demo after ``random.seed(1337)``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..scalar import Value, dot
from ..scalar.fused import DOT, DOT_RELU, HINGE, DataInputs, Factors
from ..scalar.value import _node
from ._state import IncompatibleKeys, checked_arrays

__all__ = [
    "MLP",
    "IncompatibleKeys",
    "Layer",
    "Neuron",
    "binary_accuracy",
    "hinge_loss",
    "l2_penalty",
    "mse_loss",
]

Seed = int | random.Random | None
Weights = tuple[float, list[float], tuple[Value, ...]]  # a neuron's b, w numbers, (w..., b)


def _rng(seed: Seed, who: str) -> random.Random:
    if isinstance(seed, random.Random):
        return seed
    if seed is None or (isinstance(seed, int) and not isinstance(seed, bool)):
        return random.Random(seed)
    raise TypeError(f"{who}: seed must be an int, a random.Random or None, "
                    f"got {type(seed).__name__}")


def _inputs(x: Any, nin: int, who: str) -> list[Any]:
    """One sample's inputs as a list (a NumPy row becomes Python floats), length checked."""
    if isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(
                f"{who}: expected one sample of {nin} inputs (a 1-D array), "
                f"got an array of shape {x.shape}"
            )
        xs: list[Any] = x.tolist()
    elif isinstance(x, (list, tuple)):
        xs = list(x)
    elif nin == 1 and isinstance(x, (Value, int, float)):
        xs = [x]
    else:
        raise TypeError(
            f"{who}: expected a list of {nin} numbers or Values, got {type(x).__name__}"
        )
    if len(xs) != nin:
        raise ValueError(f"{who}: expected {nin} inputs, got {len(xs)}")
    return xs


class _Module:
    """What every scalar module shares: parameters, zero_grad, state_dict."""

    def parameters(self) -> list[Value]:
        """Every weight and bias, neuron by neuron (w1 ... wn, b), as micrograd lists them."""
        raise NotImplementedError

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (gradients accumulate otherwise)."""
        for p in self.parameters():
            p.grad = 0.0

    def _arrays(self) -> dict[str, tuple[tuple[int, ...], list[Value]]]:
        """``{name: (shape, Values in row-major order)}``: the parameters as arrays."""
        raise NotImplementedError

    def state_dict(self) -> dict[str, np.ndarray]:
        """The parameters as float64 arrays, named and shaped as PyTorch's ``nn.Linear``.

        ``layers.0.weight`` has shape (outputs, inputs) and ``layers.0.bias`` (outputs,).
        The arrays are copies: changing them does not change the model.
        """
        return {
            name: np.array([v.data for v in values], dtype=np.float64).reshape(shape)
            for name, (shape, values) in self._arrays().items()
        }

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy the numbers of ``state_dict`` into the parameters (the Values stay the same
        objects, so an optimizer holding them keeps working).

        Everything is checked before anything is written: a missing or unexpected key
        (with ``strict=True``), a wrong shape or a non-numeric array raises an error
        naming the key, and the model is left untouched.
        """
        who = f"{type(self).__name__}.load_state_dict"
        own = self._arrays()
        arrays, keys = checked_arrays(who, {k: shape for k, (shape, _) in own.items()},
                                      state_dict, strict)
        for name, array in arrays.items():  # all checks passed: now write
            for v, x in zip(own[name][1], array.astype(np.float64).ravel().tolist()):
                v.data = x
        return keys


class Neuron(_Module):
    """``relu(w·x + b)``, or just ``w·x + b`` with ``nonlin=False``.

    ``fused=True`` (the default) makes the weighted sum one ``dot`` node; ``fused=False``
    builds it from elementary products and sums, as micrograd does, so a drawing shows
    every ``wᵢ * xᵢ``. Both give the same numbers and gradients.
    """

    def __init__(self, nin: int, nonlin: bool = True, *, fused: bool = True,
                 seed: Seed = None) -> None:
        if not isinstance(nin, int) or isinstance(nin, bool) or nin < 1:
            raise ValueError(f"Neuron: nin (the number of inputs) must be an int >= 1, got {nin!r}")
        rng = _rng(seed, "Neuron")
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = bool(nonlin)
        self.fused = bool(fused)

    @property
    def nin(self) -> int:
        return len(self.w)

    def __call__(self, x: Any) -> Value:
        xs = _inputs(x, len(self.w), "Neuron")
        if self.fused:  # relu(w·x + b) as one node
            return dot(self.w, xs, self.b, relu=self.nonlin)
        # b + w1*x1 + w2*x2 + ...: 2n elementary nodes, the same rounding as dot
        act = sum((wi * xi for wi, xi in zip(self.w, xs)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def _arrays(self) -> dict[str, tuple[tuple[int, ...], list[Value]]]:
        return {"weight": ((len(self.w),), self.w), "bias": ((), [self.b])}

    def __repr__(self) -> str:
        kind = "ReLU" if self.nonlin else "Linear"
        return f"{kind}Neuron({len(self.w)})"


class Layer(_Module):
    """``nout`` neurons that all see the same inputs; returns a list of ``nout`` Values
    (a single Value when ``nout == 1``, as in micrograd)."""

    def __init__(self, nin: int, nout: int, nonlin: bool = True, *, fused: bool = True,
                 seed: Seed = None) -> None:
        if not isinstance(nout, int) or isinstance(nout, bool) or nout < 1:
            raise ValueError(f"Layer: nout (the number of neurons) must be an int >= 1, "
                             f"got {nout!r}")
        rng = _rng(seed, "Layer")
        self.neurons = [Neuron(nin, nonlin, fused=fused, seed=rng) for _ in range(nout)]
        self.nin, self.nout = nin, nout
        self.nonlin, self.fused = bool(nonlin), bool(fused)

    def __call__(self, x: Any) -> Value | list[Value]:
        xs = _inputs(x, self.nin, "Layer")
        out = self._forward_fused(xs) if self.fused else [n(xs) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def _weights(self) -> list[Weights]:
        """Each neuron's bias and weights as numbers, and its weights and bias as one tuple
        (the parents of its node when the inputs are data): read once for a whole batch."""
        return [(n.b.data, [w.data for w in n.w], (*n.w, n.b)) for n in self.neurons]

    def _forward_fused(self, xs: list[Any], numbers: list[Weights] | None = None
                       ) -> list[Value]:
        # What dot() does for each neuron, with the inputs sorted out once for the whole
        # layer: all Values (hidden layers) or all floats (data). Same node, same numbers.
        if all(v.__class__ is Value for v in xs):
            return self._fused(xs, [v.data for v in xs], numbers)
        if all(v.__class__ is float for v in xs):
            return self._fused((), xs, numbers)
        return [n(xs) for n in self.neurons]  # a mix, ints, NumPy scalars ...: dot() sorts out each

    def _fused(self, x_parents: Sequence[Value], data: list[float],
               numbers: list[Weights] | None) -> list[Value]:
        """One node per neuron, ``relu(w·x + b)`` (or ``w·x + b`` without ReLU), as dot()
        makes it; ``x_parents`` are the inputs that are Values (none: the inputs are
        data) and ``data`` the input numbers."""
        rule = DOT_RELU if self.nonlin else DOT
        inputs = None if x_parents else DataInputs(data)  # shared by the layer's neurons
        out = []
        for n, (acc, ws, params) in zip(self.neurons, numbers or self._weights()):
            for w, x in zip(ws, data):  # b + w1*x1 + ... left to right, as DOT's forward
                acc = acc + w * x
            if self.nonlin and acc <= 0:  # relu, as DOT_RELU's forward (nan stays nan)
                acc = 0.0
            if inputs is None:
                out.append(_node(acc, rule, (*n.w, *x_parents, n.b), Factors((data, ws))))
            else:
                out.append(_node(acc, rule, params, inputs))
        return out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def _arrays(self) -> dict[str, tuple[tuple[int, ...], list[Value]]]:
        return {
            "weight": ((self.nout, self.nin), [w for n in self.neurons for w in n.w]),
            "bias": ((self.nout,), [n.b for n in self.neurons]),
        }

    def __repr__(self) -> str:
        return f"Layer({self.nin} -> {self.nout}, {'ReLU' if self.nonlin else 'linear'})"


class MLP(_Module):
    """A multilayer perceptron: ``MLP(2, [16, 16, 1])`` maps 2 inputs through two ReLU
    layers of 16 neurons to one linear output (337 parameters).

    Call it on one sample (a list or 1-D array of numbers or Values) to get its output,
    or on a batch (a 2-D array or a list of samples) to get a list with one output per row.
    """

    def __init__(self, nin: int, nouts: Sequence[int], *, fused: bool = True,
                 seed: Seed = None) -> None:
        if isinstance(nouts, int) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(
                f"MLP: nouts must be a non-empty list of layer sizes, e.g. [16, 16, 1], "
                f"got {nouts!r}"
            )
        rng = _rng(seed, "MLP")
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlin=i != len(nouts) - 1, fused=fused, seed=rng)
            for i in range(len(nouts))
        ]
        self.nin = nin

    def __call__(self, x: Any) -> Any:
        if not _is_batch(x):
            return self._forward(x)
        rows = x.tolist() if isinstance(x, np.ndarray) else x
        if not all(layer.fused for layer in self.layers):
            return [self._forward(row) for row in rows]
        # The weights cannot change during one batch: read their numbers once, not per row;
        # and past the first layer the inputs are this model's own Values.
        numbers = [layer._weights() for layer in self.layers]
        first, rest = self.layers[0], list(zip(self.layers[1:], numbers[1:]))
        outputs = []
        for row in rows:
            h = first._forward_fused(_inputs(row, self.nin, "MLP"), numbers[0])
            for layer, weights in rest:
                h = layer._fused(h, [v.data for v in h], weights)
            outputs.append(h[0] if len(h) == 1 else h)
        return outputs

    def _forward(self, x: Any, numbers: list[Any] | None = None) -> Any:
        for i, layer in enumerate(self.layers):
            xs = _inputs([x] if x.__class__ is Value else x, layer.nin, "MLP")
            if layer.fused:
                out = layer._forward_fused(xs, numbers[i] if numbers else None)
                x = out[0] if len(out) == 1 else out
            else:
                x = layer(xs)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def _arrays(self) -> dict[str, tuple[tuple[int, ...], list[Value]]]:
        return {f"layers.{i}.{name}": array
                for i, layer in enumerate(self.layers)
                for name, array in layer._arrays().items()}

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(map(repr, self.layers))}]"


def _is_batch(x: Any) -> bool:
    if isinstance(x, np.ndarray):
        return x.ndim == 2
    return isinstance(x, (list, tuple)) and len(x) > 0 and isinstance(
        x[0], (list, tuple, np.ndarray))


# ------------------------------------------------------------------ losses and metrics
def _outputs(scores: Any, targets: Any, who: str) -> tuple[list[Any], list[float]]:
    """Scores as a list of Values and targets as floats, one per sample."""
    s = [scores] if isinstance(scores, Value) else list(scores)
    t = np.asarray(targets, dtype=np.float64).ravel().tolist()
    if len(s) != len(t):
        raise ValueError(f"{who}: got {len(s)} predictions but {len(t)} targets")
    if not s:
        raise ValueError(f"{who}: no predictions (an empty batch)")
    return s, t


def hinge_loss(scores: Any, targets: Any) -> Value:
    """Mean of ``relu(1 - yᵢ·scoreᵢ)`` for targets yᵢ in {-1, +1} (micrograd's demo loss).

    A point classified right with a margin of at least 1 costs nothing; otherwise the
    cost grows linearly with how wrong the score is. The loss is ONE node (rule
    ``hinge_loss``) that computes exactly what micrograd's demo writes,
    ``sum((1 + -y*score).relu() for ...) * (1/n)``, in the same order: the numbers and
    gradients agree to the last bit with that elementary graph of 4n nodes.
    """
    s, t = _outputs(scores, targets, "hinge_loss")
    for i, v in enumerate(s):
        if v.__class__ is not Value:
            raise TypeError(f"hinge_loss: the scores must be Values (a model's outputs), "
                            f"got {type(v).__name__} at position {i}")
    context = tuple(t)
    return _node(HINGE.forward([v.data for v in s], context), HINGE, tuple(s), context)


def mse_loss(predictions: Any, targets: Any) -> Value:
    """Mean squared error ``Σ (pᵢ - yᵢ)² / n``, as ``torch.nn.functional.mse_loss``."""
    p, t = _outputs(predictions, targets, "mse_loss")
    total: Value = sum((pi - yi) ** 2 for pi, yi in zip(p, t))  # type: ignore[assignment]
    return total / len(p)


def l2_penalty(parameters: Iterable[Value], alpha: float) -> Value:
    """``alpha · Σ p²``, the weight penalty of micrograd's demo (alpha = 1e-4).

    The sum of squares is one ``dot(params, params)`` node: the same number as
    ``sum(p * p for p in params)``, and each p gets its two shares g·p, so ``2·alpha·p``.
    """
    ps = list(parameters)
    return alpha * dot(ps, ps)


def binary_accuracy(scores: Any, targets: Any) -> float:
    """Fraction of samples whose score has the target's side of 0 (targets ±1 or 0/1)."""
    s, t = _outputs(scores, targets, "binary_accuracy")
    right = 0
    for v, yi in zip(s, t):
        score = v.data if isinstance(v, Value) else float(v)
        right += (score > 0) == (yi > 0)
    return right / len(s)
