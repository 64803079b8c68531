"""PyTorch graduation: one training script, run with autograd_mini and with torch.

The script below is written once against a library namespace ``lib`` and uses only
names the two libraries share (README, "From autograd_mini to PyTorch"): run with
``lib = autograd_mini`` and with ``lib = torch`` from the same initial weights (copied
in through ``load_state_dict``), it must give the same loss at every step, to 1e-9 in
float64, through SGD with momentum and then Adam.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autograd_mini
from autograd_mini import data

BATCH = 64


def training_script(lib: Any, X: np.ndarray, y: np.ndarray, init: dict[str, np.ndarray]
                    ) -> tuple[list[float], dict[str, np.ndarray], int]:
    """Train a 64-32-10 MLP with cross-entropy: 2 epochs of SGD with momentum, then 2 of
    Adam. Returns the loss of every step, the final weights and the number of training
    samples classified right."""
    F = lib.nn.functional
    model = lib.nn.Sequential(
        lib.nn.Linear(64, 32, dtype=lib.float64),
        lib.nn.ReLU(),
        lib.nn.Linear(32, 10, dtype=lib.float64),
    )
    model.load_state_dict({name: lib.from_numpy(array) for name, array in init.items()})
    inputs, labels = lib.from_numpy(X), lib.as_tensor(y)
    losses = []

    def train(optimizer: Any, epochs: int) -> None:
        model.train()
        for _ in range(epochs):
            for start in range(0, len(inputs), BATCH):
                logits = model(inputs[start:start + BATCH])
                loss = F.cross_entropy(logits, labels[start:start + BATCH])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())

    train(lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9), epochs=2)
    train(lib.optim.Adam(model.parameters(), lr=0.01), epochs=2)
    model.eval()
    with lib.no_grad():
        correct = (model(inputs).argmax(dim=1) == labels).sum().item()
    weights = {name: tensor.numpy() for name, tensor in model.state_dict().items()}
    return losses, weights, correct


@pytest.mark.torch
def test_the_same_script_trains_the_same_with_autograd_mini_and_torch(torch: Any) -> None:
    pytest.importorskip("sklearn", reason="the 8x8 digits come with scikit-learn "
                                          "(the 'notebooks' extra)")
    X, y = data.load_digits()
    X, _, y, _ = data.train_test_split(X, y, test_size=0.25, seed=0)
    autograd_mini.manual_seed(0)
    start = autograd_mini.nn.MLP(64, [32, 10])  # the initial weights both libraries load
    init = {name: t.numpy() for name, t in start.state_dict().items()}

    ours, our_weights, our_correct = training_script(autograd_mini, X, y, init)
    theirs, their_weights, their_correct = training_script(torch, X, y, init)

    steps = 4 * -(-len(X) // BATCH)
    assert len(ours) == len(theirs) == steps
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)
    for name in init:
        np.testing.assert_allclose(our_weights[name], their_weights[name], rtol=0, atol=1e-9)
    assert our_correct == their_correct
    # and the script does train: the loss falls and most training digits are right
    assert np.mean(ours[-10:]) < 0.1 * ours[0]
    assert our_correct > 0.9 * len(X)


README = Path(__file__).resolve().parent.parent / "README.md"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def _readme_names() -> dict[str, list[str]]:
    """The table of shared names in the README: {where: [names]}, gathered over the rows
    of each place (| where | what for | names |; the middle column is prose)."""
    section = README.read_text(encoding="utf-8").split("\n## From autograd_mini to PyTorch\n")[1]
    table = section.split("These names are the same in both libraries")[1].split("\n\n")[1]
    rows: dict[str, list[str]] = {}
    for line in table.splitlines()[2:]:
        # the last cell holds the names (an escaped \| there is the operator |)
        where, _, names = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        # the backticked spans, without call parentheses and arguments: `load_state_dict(strict=)`
        spans = re.findall(r"`([^`]+)`", names)
        rows.setdefault(where.strip(), []).extend(
            m.group(0) for span in spans for m in NAME.finditer(re.sub(r"\([^)]*\)", "", span)))
    return rows


@pytest.mark.torch
def test_the_readme_names_exist_in_both_libraries(torch: Any) -> None:
    """Every name the README says carries over is there, in autograd_mini and in torch."""
    ours_p = autograd_mini.nn.Parameter(np.ones(2))
    theirs_p = torch.nn.Parameter(torch.ones(2))
    places = {
        "`lib.`": (autograd_mini, torch),
        "tensors": (autograd_mini.Tensor(np.ones((2, 2))), torch.ones(2, 2)),
        "`lib.nn.`": (autograd_mini.nn, torch.nn),
        "modules": (autograd_mini.nn.Linear(2, 2), torch.nn.Linear(2, 2)),
        "`lib.nn.functional.`": (autograd_mini.nn.functional, torch.nn.functional),
        "`lib.optim.`": (autograd_mini.optim, torch.optim),
        "optimizers": (autograd_mini.optim.SGD([ours_p]), torch.optim.SGD([theirs_p])),
        "`lib.optim.lr_scheduler.`": (autograd_mini.optim.lr_scheduler, torch.optim.lr_scheduler),
        "`lib.autograd.`": (autograd_mini.autograd, torch.autograd),
        "`lib.autograd.functional.`": (autograd_mini.autograd.functional,
                                       torch.autograd.functional),
        "`lib.func.`": (autograd_mini.func, torch.func),
    }
    rows = _readme_names()
    assert set(rows) == set(places), rows.keys()
    checked = 0
    for where, names in rows.items():
        for name in names:
            for lib_object in places[where]:
                found = lib_object
                for part in name.split("."):
                    assert hasattr(found, part), f"{where} {name}: not in {lib_object!r}"
                    found = getattr(found, part)
            checked += 1
    assert checked > 100
