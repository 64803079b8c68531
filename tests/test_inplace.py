"""In-place edits between the forward and the backward pass: version counters, as in PyTorch.

Each Tensor counts the edits of its numbers (assigning ``.data``, the in-place operators,
``t.data -= ...``). A recorded op notes the versions of the tensors its backward formula
will read, and ``backward()`` refuses, before any gradient moves, when one of them changed:
otherwise the gradient would silently be computed from the new numbers.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import Tensor, Value, no_grad, optim, where
from autograd_mini.nn import functional as F
from autograd_mini.tensors.formulas import _index_put


def leaf(values: Any = (1.0, 2.0, 3.0), label: str = "") -> Tensor:
    return Tensor(values, requires_grad=True, label=label)


# ------------------------------------------------------------------ what is detected
def test_editing_an_operand_that_the_backward_formula_reads_is_refused() -> None:
    x = leaf(label="x")
    y = x * x
    with no_grad():
        x += 1  # the in-place operator, allowed under no_grad (a parameter update)
    with pytest.raises(RuntimeError) as info:
        y.sum().backward()
    message = str(info.value)
    assert "input 0 of mul ('x' of shape (3,)) was changed in place" in message
    assert "it is at version 1, mul saw version 0" in message
    assert "needs its numbers" in message and "Compute the forward pass again" in message
    assert x.grad is None  # refused before any gradient moved


def _new_array(t: Tensor) -> None:
    t.data = t.data * 2


def _same_array_edited(t: Tensor) -> None:
    t.data -= 1.0  # NumPy subtracts in place, then Python assigns the same array back


@pytest.mark.parametrize("edit", [_new_array, _same_array_edited])
def test_assigning_data_counts_as_an_edit(edit: Callable[[Tensor], Any]) -> None:
    x = leaf(label="x")
    y = (x * x).sum()
    before = x._version
    edit(x)
    assert x._version == before + 1
    with pytest.raises(RuntimeError, match="input 0 of mul"):
        y.backward()


def test_augmented_assignment_on_data_is_seen() -> None:
    # p.data -= lr * p.grad, micrograd's update, edits the array in place and assigns it back
    W = leaf(np.ones((2, 2)), label="W")
    x = leaf(np.array([[1.0, 2.0], [3.0, 4.0]]))  # its gradient reads W
    loss = (x @ W).sum()
    W.data -= 0.1 * np.ones((2, 2))
    with pytest.raises(RuntimeError, match=r"input 1 of matmul \('W' of shape \(2, 2\)\)"):
        loss.backward()


def test_editing_data_that_needs_no_gradient_is_seen_too() -> None:
    # x @ W reads the batch x to compute W's gradient, although x needs no gradient itself
    x = Tensor(np.ones((2, 3)), label="batch")
    W = leaf(np.ones((3, 1)))
    loss = (x @ W).sum()
    x.data = np.zeros((2, 3))
    with pytest.raises(RuntimeError, match=r"input 0 of matmul \('batch'"):
        loss.backward()


@pytest.mark.parametrize("op", ["exp", "sigmoid", "tanh", "relu", "sqrt"])
def test_editing_a_result_that_the_backward_formula_reads_is_refused(op: str) -> None:
    x = leaf()
    y = getattr(x, op)()
    y.label = "y"
    z = (y * 3).sum()
    with no_grad():
        y += 1
    with pytest.raises(RuntimeError, match=rf"the result of {op} \('y' of shape \(3,\)\)"):
        z.backward()


def test_a_new_shape_is_refused_even_where_only_the_shape_is_read() -> None:
    x = leaf(label="x")
    y = (x + 1).sum()  # add's formula reads no numbers, but it reads the shape
    x.data = np.ones(5)
    with pytest.raises(RuntimeError, match="replaced by an array of another shape or dtype"):
        y.backward()
    x = leaf(label="x")
    y = (x + 1).sum()
    x.data = x.data.astype(np.float32)
    with pytest.raises(RuntimeError, match="another shape or dtype"):
        y.backward()


def _refused(loss: Any) -> bool:
    """Run ``loss.backward()``: True if it was refused for an in-place edit (in either
    library's words), False if it ran. Any other error fails the test."""
    try:
        loss.backward()
    except RuntimeError as exc:
        assert "changed in place" in str(exc) or "inplace" in str(exc), exc
        return True
    return False


# ------------------------------------------------------------------ views share the counter
def test_a_write_through_a_view_is_seen_by_its_base_and_other_views() -> None:
    x = leaf(np.arange(6.0).reshape(2, 3), label="x")
    w = leaf(np.ones((3, 2)))
    y = (x.T * w).sum()  # mul reads x.T, a view of x's array
    x.data -= 1.0  # NumPy edits the shared array: x.T's numbers changed too
    with pytest.raises(RuntimeError, match=r"input 0 of mul \(a tensor of shape \(3, 2\)\)"):
        y.backward()
    x = leaf(np.arange(6.0), label="x")
    y = (x * x).sum()
    d = x.detach()  # shares x's numbers, as in PyTorch
    d.data *= 2.0
    with pytest.raises(RuntimeError, match="input 0 of mul"):
        y.backward()


@pytest.mark.torch
@pytest.mark.parametrize("share", ["detach", "view_detach", "view", "base"])
def test_an_edit_of_a_tensor_sharing_numbers_is_refused_as_in_pytorch(torch: Any,
                                                                       share: str) -> None:
    # Here `v += 1` stores a new array in v.data (x's numbers stay as they were), but in
    # PyTorch it writes into the memory x shares: the edit counts for both, as there
    def run(x: Any, no_grad_: Any) -> str:
        y = (x * x).sum()
        v = {"detach": lambda: x.detach(), "view_detach": lambda: x.reshape(2, 3).detach(),
             "view": lambda: x.reshape(2, 3), "base": lambda: x}[share]()
        with no_grad_():
            v += 1
        return "refused" if _refused(y) else "allowed"

    ours = run(leaf(np.arange(6.0), label="x"), no_grad)
    theirs = run(torch.arange(6.0, dtype=torch.float64, requires_grad=True), torch.no_grad)
    assert ours == theirs == "refused"


@pytest.mark.torch
def test_grad_checks_only_the_branches_it_walks_for_its_inputs(torch: Any) -> None:
    def run(x: Any, w: Any, lib: Any) -> Any:
        y = (x * 2).sum() + (w * w).sum()
        with lib.no_grad():
            w += 1  # edits a branch that leads to w, not to x
        (gx,) = (am.grad if lib is am else torch.autograd.grad)(y, [x])
        return np.asarray(gx)

    ours = run(leaf(np.ones(2)), leaf(np.ones(2)), am)
    theirs = run(*(torch.ones(2, dtype=torch.float64, requires_grad=True) for _ in range(2)),
                 torch)
    np.testing.assert_array_equal(ours, theirs)
    x, w = leaf(np.ones(2)), leaf(np.ones(2))
    y = (x * w).sum()
    with no_grad():
        w += 1  # on the path: the gradient of x reads w
    with pytest.raises(RuntimeError, match="changed in place"):
        am.grad(y, [x])


def test_gradcheck_leaves_graphs_through_views_valid() -> None:
    x = leaf(np.array([0.5, 1.5]), label="x")
    p = am.nn.Parameter(x)  # shares x's numbers and counter
    y = (x.reshape(2) * x).sum() + (p * p).sum()
    assert am.gradcheck(lambda t: (t * t).sum(), x)
    assert am.gradcheck(lambda t: (t * t).sum(), p)
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * x.data)


def test_copies_do_not_share_the_counter() -> None:
    x = leaf(np.arange(6.0).reshape(2, 3))
    c = x[[0, 1]]  # fancy indexing copies
    y = (x * x).sum()
    with no_grad():
        c.data -= 1.0
    y.backward()  # x was not changed
    assert x._version == 0 and c._version == 1


# ------------------------------------------------------------------ what is allowed
def test_edits_that_the_formulas_do_not_read_are_allowed_as_in_pytorch() -> None:
    x = leaf(label="x")
    y = (x * 2 + x.exp().sum() - 1).sum()  # mul by a number and add read no operand numbers
    with no_grad():
        x += 1  # but exp reads its result, not x: also fine
    y.backward()
    np.testing.assert_allclose(x.grad, 2 + 3 * np.exp([1.0, 2.0, 3.0]))


def test_an_optimizer_step_invalidates_graphs_recorded_before_it() -> None:
    W1, W2 = leaf(np.full((3, 2), 0.5), label="W1"), leaf(np.full((2, 1), 0.5), label="W2")
    x, target = Tensor(np.eye(3)), Tensor([[1.0], [0.0], [2.0]])
    opt = optim.SGD([W1, W2], lr=0.1)
    losses = []
    for _ in range(3):  # the normal loop: a new graph after every step
        opt.zero_grad()
        loss = F.mse_loss((x @ W1).tanh() @ W2, target)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[0] > losses[1] > losses[2]
    with pytest.raises(RuntimeError, match="an optimizer step changes every parameter"):
        loss.backward()  # recorded before the last step: the gradient of W1 reads W2
    opt.zero_grad()
    loss = F.mse_loss(x @ W1 @ W2[:, 0].reshape(2, 1), target)  # W2 through a view
    loss.backward()
    opt.step()
    with pytest.raises(RuntimeError, match="changed in place"):
        loss.backward()
    # As in PyTorch, a graph in which no formula reads the weights stays usable: the
    # gradient of W1 in data @ W1 reads the data, not W1
    loss = F.mse_loss(x @ W1, Tensor(np.zeros((3, 2))))
    opt.step()
    loss.backward()


def test_a_parameter_counts_edits_with_the_tensor_it_was_made_from() -> None:
    base = Tensor([1.0, 2.0])
    p = am.nn.Parameter(base)  # shares the array and the edits, as torch.nn.Parameter(t)
    y = (p * p).sum()
    base.data += 1  # NumPy writes into the shared array
    np.testing.assert_array_equal(p.data, [2.0, 3.0])
    assert p._version == base._version == 1
    with pytest.raises(RuntimeError, match="changed in place"):
        y.backward()


@pytest.mark.torch
def test_a_loss_through_a_view_of_the_weights_is_refused_after_a_step_as_in_pytorch(
        torch: Any) -> None:
    def run(lib: Any, nn: Any, no_grad_: Any) -> str:
        # Linear reads its weight through the view weight.T; the gradient of the first
        # layer's output reads the second weight, so an optimizer step invalidates the graph
        model = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1))
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        loss = ((model(lib.ones(4, 3)) - 1) ** 2).mean()
        loss.backward(retain_graph=True)  # (PyTorch would free the graph)
        opt.step()
        return "refused" if _refused(loss) else "allowed"

    assert run(am, am.nn, no_grad) == run(torch, torch.nn, torch.no_grad) == "refused"


def test_a_refused_pass_changes_nothing() -> None:
    a, b = leaf(label="a"), leaf(label="b")
    y = (a * 2).sum() + (b * b).sum()
    y.retain_grad()
    with no_grad():
        b -= 1
    with pytest.raises(RuntimeError):
        y.backward()
    assert a.grad is None and b.grad is None and y.grad is None
    assert all(n._g is None for n in am.engine.topological_order([y]))


def test_gradcheck_leaves_graphs_recorded_before_it_valid() -> None:
    x = Tensor([0.5, 1.5], requires_grad=True)
    y = (x * x).sum()
    assert am.gradcheck(lambda t: (t * t).sum(), x)  # moves x.data and puts it back
    y.backward()
    np.testing.assert_allclose(x.grad, [1.0, 3.0])


def test_data_must_be_a_float_array() -> None:
    x = leaf()
    with pytest.raises(TypeError, match=r"Tensor.data must be a NumPy array of floats .* list"):
        x.data = [1.0, 2.0, 3.0]
    with pytest.raises(TypeError, match="must be a NumPy array of floats"):
        x.data = np.array([1, 2, 3])
    with pytest.raises(TypeError, match="assign its array"):
        x.data = Tensor([1.0])
    s = leaf(2.0)
    s.data = np.float64(3.0)  # what 0-d arithmetic returns: kept as a 0-d array
    assert isinstance(s.data, np.ndarray) and s.data.shape == () and s.item() == 3.0


def test_a_zero_dimensional_parameter_stays_an_array_after_optimizer_steps() -> None:
    # found while writing these tests: 0-d arithmetic gives NumPy scalars, so an optimizer
    # step used to leave a 0-d parameter holding np.float64 instead of an array
    for opt_class in (optim.SGD, optim.Adam):
        p = Tensor(2.0, requires_grad=True)
        opt = opt_class([p], lr=0.1)
        for _ in range(2):
            opt.zero_grad()
            (p * p).backward()
            opt.step()
            assert isinstance(p.data, np.ndarray) and p.data.shape == ()


def test_numpy_operands_are_copied_so_later_edits_cannot_change_the_gradient() -> None:
    # found while writing these tests: a NumPy array operand used to be kept as it was, so
    # editing it after the forward pass silently changed the gradient (no Tensor to count it)
    w = leaf(label="w")
    arr = np.array([1.0, 2.0, 3.0])
    y = (w * arr).sum()
    arr[:] = 100.0
    y.backward()
    np.testing.assert_array_equal(w.grad, [1.0, 2.0, 3.0])
    mask = np.array([True, False, True])
    a, b = leaf(), leaf()
    y = where(mask, a, b).sum()
    mask[:] = False
    y.backward()
    np.testing.assert_array_equal(a.grad, [1.0, 0.0, 1.0])


def test_value_data_edits_are_not_checked_as_documented() -> None:
    # A Value's number is a plain float slot that every op reads; a counter there would cost
    # the scalar engine about a third of its speed (see README). The backward pass reads the
    # operands' current numbers, as micrograd does.
    v = Value(2.0)
    y = v * v
    v.data = 3.0
    y.backward()
    assert v.grad == 6.0


# ------------------------------------------------------------------ against PyTorch
EDITS: dict[str, Callable[[Any], Any]] = {
    "mul": lambda x: x * x, "mul_c": lambda x: x * 2.0, "div": lambda x: x / (x + 5),
    "div_c": lambda x: x / 3.0, "add": lambda x: x + x, "sub_c": lambda x: x - 1.0,
    "neg": lambda x: -x, "pow_c": lambda x: x**2, "exp": lambda x: x.exp(),
    "log": lambda x: x.log(), "sqrt": lambda x: x.sqrt(), "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(), "relu": lambda x: x.relu(), "abs": lambda x: x.abs(),
    "clamp": lambda x: x.clamp(0.0, 2.5), "sum": lambda x: x.sum(), "mean": lambda x: x.mean(),
    "var": lambda x: x.var(), "amax": lambda x: x.amax(), "softmax": lambda x: x.softmax(0),
    "log_softmax": lambda x: x.log_softmax(0), "reshape": lambda x: x.reshape(3, 1),
    "getitem": lambda x: x[1:], "matmul": lambda x: x @ x,
    # with an operand that needs no gradient: x's numbers are read only for that operand
    "mul_data": lambda x: x * _like(x, [2.0, 3.0, 4.0]),
    "rmul_data": lambda x: _like(x, [2.0, 3.0, 4.0]) * x,
    "matmul_data": lambda x: _like(x, np.ones((2, 3))) @ x,
    "rmatmul_data": lambda x: x @ _like(x, np.ones((3, 2))),
    "div_data": lambda x: x / _like(x, [2.0, 3.0, 4.0]),
    "rdiv_data": lambda x: _like(x, [2.0, 3.0, 4.0]) / x,
    "mul_grad": lambda x: x * _like(x, [2.0, 3.0, 4.0], requires_grad=True),
    "where": lambda x: _lib(x).where(_labels(x, [True, False, True]), x, x * 2),
    "maximum": lambda x: _lib(x).maximum(x, _like(x, [1.0, 1.0, 1.0])),
    "cat": lambda x: _lib(x).cat([x, x]), "stack": lambda x: _lib(x).stack([x, x]),
    "log1p": lambda x: x.log1p(), "amin": lambda x: x.amin(), "max_all": lambda x: x.max(),
    "clone": lambda x: x.clone(), "permute": lambda x: x.reshape(3, 1).permute(1, 0),
    "fancy_index": lambda x: x[_labels(x, [0, 2, 2])],
    "pow_tensor": lambda x: x ** _like(x, [2.0, 3.0, 1.5]),
    "var_dim": lambda x: x.reshape(1, 3).var(1),
    "sin": lambda x: x.sin(), "cos": lambda x: x.cos(), "prod": lambda x: x.prod(),
    "prod_dim": lambda x: x.reshape(1, 3).prod(1), "cumsum": lambda x: x.cumsum(0),
    "norm": lambda x: x.norm(), "norm_dim": lambda x: x.reshape(3, 1).norm(dim=1),
    "dot": lambda x: x.dot(x), "mm": lambda x: x.reshape(1, 3).mm(x.reshape(3, 1)),
    "bce_logits": lambda x: _lib(x).nn.functional.binary_cross_entropy_with_logits(
        x, _like(x, [0.2, 0.3, 0.5])),
    "log_softmax_nll": lambda x: _lib(x).nn.functional.nll_loss(
        x.reshape(1, 3).log_softmax(1), _labels(x, [1])),
}


def _lib(x: Any) -> Any:
    """The library of ``x``: autograd_mini or torch."""
    return am if isinstance(x, Tensor) else sys.modules["torch"]


def _labels(x: Any, values: Any) -> Any:
    """Class labels or a mask, as each library takes them (a NumPy array, a torch tensor)."""
    return np.array(values) if isinstance(x, Tensor) else sys.modules["torch"].tensor(values)


def _like(x: Any, values: Any, requires_grad: bool = False) -> Any:
    """A float64 tensor of the same library as ``x`` (ours or torch's)."""
    if isinstance(x, Tensor):
        return Tensor(values, requires_grad=requires_grad)
    torch = sys.modules["torch"]
    return torch.tensor(values, dtype=torch.float64, requires_grad=requires_grad)
# Where we are stricter than PyTorch, and why (each would cost a formula that rounds
# differently from PyTorch's, or a buffer the node does not keep):
STRICTER = {
    # PyTorch's c / x is reciprocal(x) * c; its backward reads the saved reciprocal, ours
    # recomputes 1/x from x (a node keeps only its operands)
    "rdiv": lambda x: 3.0 / x,
    # cross_entropy's gradient with create_graph=True is softmax(logits) - one_hot, recorded
    # from the logits; PyTorch's log_softmax keeps its result instead
    "cross_entropy": lambda x: _lib(x).nn.functional.cross_entropy(x.reshape(1, 3),
                                                                   _labels(x, [1])),
}
# ... and where we allow an edit PyTorch refuses, because our formula never reads the edited
# numbers (PyTorch's one-node mse_loss and nll_loss keep their input): the gradient is the
# one of the graph as recorded
LENIENT = {
    "mse_loss": lambda x: _lib(x).nn.functional.mse_loss(x, _like(x, [0.2, 0.3, 0.5])),
    "nll_loss": lambda x: _lib(x).nn.functional.nll_loss(x.reshape(1, 3), _labels(x, [1])),
}


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(EDITS) + sorted(STRICTER) + sorted(LENIENT))
@pytest.mark.parametrize("what", ["operand", "result"])
def test_refused_exactly_when_pytorch_refuses(torch: Any, name: str, what: str) -> None:
    fn = {**EDITS, **STRICTER, **LENIENT}[name]

    def run(x: Any, no_grad_: Any, edit: bool = True) -> Any:
        y = fn(x)
        z = (y * 1.5).sum()
        target = x if what == "operand" else y
        with no_grad_():
            if edit:  # torch: an in-place add_; here: a new array, counted as an edit
                target += 1.0
        return None if _refused(z) else x.grad

    values = np.array([0.5, 1.0, 2.0])
    theirs = run(torch.tensor(values, requires_grad=True), torch.no_grad)
    ours = run(Tensor(values, requires_grad=True), no_grad)
    if name in STRICTER and what == "operand":
        assert theirs is not None and ours is None
        return
    if name in LENIENT and what == "operand":
        assert theirs is None and ours is not None
        unedited = run(Tensor(values, requires_grad=True), no_grad, edit=False)
        np.testing.assert_array_equal(ours, unedited)
        return
    assert (ours is None) == (theirs is None), (name, what, ours, theirs)
    if ours is not None:  # both allowed: the same gradient
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12)


# ------------------------------------------------------------------ what each rule declares
def _nodes_of_every_rule() -> list[Tensor]:
    """One recorded node of every Tensor rule (and of the constant-operand variants)."""
    rng = np.random.default_rng(7)
    x, y = (leaf(rng.uniform(0.5, 2.0, (2, 3))) for _ in range(2))
    m, v = leaf(rng.uniform(0.5, 2.0, (3, 2))), leaf(rng.uniform(0.5, 2.0, 3))
    y.data[0, 0] = x.data[0, 0]  # a tie for maximum and minimum
    labels = np.array([2, 0])
    z = leaf(np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 1.5]]))  # prod's formula with zeros
    # the gradient of x[[0, 0]], as a recorded backward pass makes it: an index_put node
    put = _index_put(leaf(rng.uniform(0.5, 2.0, (2, 3))), (2, 3), np.array([0, 0]), True)
    return [
        x + y, x - y, x * y, x / y, x**y, x @ m, am.maximum(x, y), am.minimum(x, y),
        x // y, x % y, x.fmod(y),
        x + 2.0, x - 2.0, 2.0 - x, x * 2.0, x / 2.0, 2.0 / x, x**2.0, 2.0**x, -x, x.exp(),
        x.log(), x.log1p(), x.sqrt(), x.abs(), x.tanh(), x.sigmoid(), x.relu(),
        x.clamp(0.8, 1.5), x.sin(), x.cos(), x.prod(1), x.prod(), z.prod(0), z.prod(),
        x.cumsum(1), x.norm(dim=1), x.sum(1), x.mean(0), x.var(1), x.amax(1), x.amin(0), x.max(),
        x.min(), x.softmax(1), x.log_softmax(1), x.reshape(3, 2), x.view(6), x.flatten(),
        x[None].squeeze(0), x.unsqueeze(0), x.permute(1, 0), v.expand(2, 3),
        x.to(np.float32), x.clone(), x[0], x[[0, 0]], put, am.cat([x, y]), am.stack([x, y]),
        where(np.array([True, False, True]), x, y), F.nll_loss(x, labels),
        F.cross_entropy(x, labels), F.cross_entropy(x, labels.tolist()),
        F.binary_cross_entropy(x.sigmoid(), y / 2, reduction="none"),
        F.binary_cross_entropy_with_logits(x, y / 2, reduction="none"),
    ]


def test_each_rule_reads_no_number_it_does_not_declare() -> None:
    # The in-place check trusts each rule's `reads`: so every backward formula, given nan in
    # place of each number it does not declare (same shape and dtype), gives the same share
    from autograd_mini.engine import BINARY, UNARY, Saved

    def hidden(value: Any, shown: bool) -> Any:
        return value if shown else np.full_like(value, np.nan)

    seen = set()
    for node in _nodes_of_every_rule():
        op, out = node._op, node.data
        seen.add(id(op))
        g = np.random.default_rng(1).uniform(0.5, 2.0, out.shape)
        if op.arity == UNARY:
            ops: list[Any] = [node._a.data]
        elif op.arity == BINARY:
            ops = [node._a.data, node._b.data]
        else:
            ops = [p.data for p in node._a]
        for entry, (d, names) in enumerate(zip(op.backward, op.reads)):
            if op.arity == UNARY:
                args = [(node._a.data, node._b, out),
                        (hidden(ops[0], "a" in names), node._b, hidden(out, "out" in names))]
            elif op.arity == BINARY:
                args = [(*ops, out), (hidden(ops[0], "a" in names), hidden(ops[1], "b" in names),
                                      hidden(out, "out" in names))]
            else:
                assert not isinstance(node._b, Saved)
                args = [(ops, node._b, out), ([hidden(p, "a" in names) for p in ops], node._b,
                                              hidden(out, "out" in names))]
            if op.name == "floor_divide":  # no derivative (as in PyTorch): it reads nothing
                with pytest.raises(RuntimeError, match="derivative for floor_divide"):
                    d(g, *args[0])
                continue
            real, masked = (d(g, *a) for a in args)
            for r, s in zip(*(x if isinstance(x, list) else [x] for x in (real, masked))):
                assert np.array_equal(r, s, equal_nan=True), (op.name, entry, names)
    # every rule by name, the constant variants (ADD_C SUB_C MUL_C DIV_C POW_C) and the fast path
    assert {id(r) for r in am.tensors.RULES.values()} <= seen
    assert len(seen) == len(am.tensors.RULES) + 6
