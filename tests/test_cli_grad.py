"""The expression parser and ``autograd-mini grad``: happy paths, clear errors, hostile input."""

from __future__ import annotations

import ast
import builtins
import io
import math
import re
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd_mini.cli.expr import (
    MAX_LENGTH,
    MAX_NESTING,
    ExpressionError,
    _python_refusal,
    normalize_name,
    parse_expression,
)
from autograd_mini.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------ happy paths
def test_course_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "grad", "(w2 + -2*w1)*w3", "--at", "w1=3", "w2=4", "w3=5")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "z = (w2 + -2*w1)*w3 = -10   at w1 = 3, w2 = 4, w3 = 5",
        "dz/dw1 = -10",
        "dz/dw2 = 5",
        "dz/dw3 = -2",
    ]


def test_explain_steps_and_svg(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    svg = tmp_path / "z.svg"
    code, out, _ = run(capsys, "grad", "(w2 + -2*w1)*w3", "--at", "w1=3", "--at", "w2=4",
                       "w3=5", "--explain", "--steps", "--svg", str(svg))
    assert code == 0
    assert "where t1 = -2 * w1, t2 = w2 + t1" in out
    assert "dz/dw1 = dz/dt2 · dt2/dt1 · dt1/dw1 = 5 · 1 · (-2) = -10" in out
    assert "step 1 of 6: z gets the seed gradient dz/dz = 1" in out
    assert f"graph drawn in {svg}" in out
    texts = ["".join(t.itertext()) for t in ET.parse(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "∂t1/∂w1 = -2" in texts


def test_reused_variable_sums_its_paths(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", "a*a + a", "--at", "a=2", "--explain")
    assert code == 0
    assert "da" in out and "z = a*a + a = 6   at a = 2" in out
    assert "dz/da = 5" in out.splitlines()
    assert "dz/da = 2 + 2 + 1 = 5" in out


def test_functions_and_their_derivatives(capsys: pytest.CaptureFixture[str]) -> None:
    x = 0.7
    expr = "exp(x) + log(x) + tanh(x) + sigmoid(x) + relu(x) + x**3 - 1/x"
    code, out, _ = run(capsys, "grad", expr, "--at", f"x={x}")
    assert code == 0
    s = 1 / (1 + math.exp(-x))
    expected = math.exp(x) + 1 / x + 1 - math.tanh(x) ** 2 + s * (1 - s) + 1 + 3 * x**2 + 1 / x**2
    [line] = [ln for ln in out.splitlines() if ln.startswith("dz/dx = ")]
    assert float(line.split(" = ")[1]) == pytest.approx(expected, rel=1e-12)


def test_leading_minus_and_unary_plus(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", "-2*w1", "--at", "w1=3")
    assert code == 0 and "dz/dw1 = -2" in out and "= -6" in out
    code, out, _ = run(capsys, "grad", "+w - -w", "--at", "w=1.5")
    assert code == 0 and "dz/dw = 2" in out


def test_numbers_only_and_ieee_results(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", "2**10 + 1/0")
    assert code == 0 and out.startswith("z = 2**10 + 1/0 = inf")
    assert "nothing to differentiate" in out
    code, out, _ = run(capsys, "grad", "1/x", "--at", "x=0")
    assert code == 0 and "z = 1/x = inf" in out and "dz/dx = -inf" in out
    code, out, _ = run(capsys, "grad", "x/x", "--at", "x=0")
    assert code == 0 and "nan" in out and "not differentiable there" in out


def test_a_variable_named_z_keeps_its_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", "z*2", "--at", "z=1")
    assert code == 0 and out.startswith("f = z*2 = 2") and "df/dz = 2" in out
    code, out, _ = run(capsys, "grad", "w", "--at", "w=4")
    assert code == 0 and out.startswith("w = w = 4") and "dw/dw = 1" in out


# ------------------------------------------------------------------ clear errors
@pytest.mark.parametrize(
    "argv, message",
    [
        (["w1*w2", "--at", "w1=1"], "no value for w2: give --at w2=VALUE"),
        (["w1*w2"], "no value for w1, w2: give --at w1=VALUE --at w2=VALUE"),
        (["w1", "--at", "w1=1", "q=2"],
         "--at gives q, which the expression does not use (it uses w1)"),
        (["3", "--at", "q=2"], "(it uses no variables)"),
        (["w1", "--at", "w1"], "--at 'w1': expected NAME=VALUE"),
        (["w1", "--at", "w1="], "--at 'w1=': expected NAME=VALUE"),
        (["w1", "--at", "=3"], "--at '=3': expected NAME=VALUE"),
        (["w1", "--at", "w1=abc"], "--at 'w1=abc': 'abc' is not a number"),
        (["w1", "--at", "1x=2"], "'1x' is not a variable name"),
        (["w1", "--at", "w1=1", "w1=2"], "--at: w1 is given twice"),
        (["exp(x)", "--at", "x=1", "exp=2"], "--at: exp is a function, not a variable"),
        (["foo(x)", "--at", "x=1"], "the function foo"),
        (["exp"], "exp without an argument"),
        (["1 +"], "cannot read the expression"),
        (["", "--at", "x=1"], "the expression is empty"),
        (["x" * 10_001], "at most 10000 are accepted"),
        (["(" * 201 + "x" + ")" * 201], "nested too deeply"),
        (["1" + "0" * 400], "a number this large"),
    ],
)
def test_mistakes_get_one_clear_line_and_exit_code_2(capsys: pytest.CaptureFixture[str],
                                                    argv: list[str], message: str) -> None:
    code, out, err = run(capsys, "grad", *argv)
    assert code == 2 and out == ""
    assert message in err
    assert err.startswith("autograd-mini grad: ") and err.count("\n") == 1



# ------------------------------------------------------------------ long is not deep
@pytest.mark.parametrize("op, gradient", [("+", 4999), ("*", 4999), ("-", -4997), ("/", -4997)])
def test_a_flat_chain_of_4999_terms_is_long_not_deep(capsys: pytest.CaptureFixture[str],
                                                      op: str, gradient: int) -> None:
    text = op.join(["x"] * 4999)  # 9,997 characters: under MAX_LENGTH, one level deep
    code, out, err = run(capsys, "grad", text, "--at", "x=1")
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == f"dz/dx = {gradient}"  # d/dx of 4999x, x^4999, x^-4997, ...


def test_a_long_chain_is_the_same_tree_python_builds() -> None:
    text = "-x*2 + y/3 - exp(x)**2*y + (x - y)"
    long = " + ".join([text] * 250)  # 9,247 characters, 5,000 nodes
    assert len(long) < MAX_LENGTH
    expression = parse_expression(long)
    small = parse_expression(" + ".join([text] * 3))
    assert ast.dump(small.tree) == ast.dump(ast.parse(small.text, mode="eval").body)
    assert expression.names == ("x", "y")
    root, leaves = expression.evaluate({"x": 0.5, "y": 2.0})
    root.backward()
    x, y = leaves["x"].grad, leaves["y"].grad
    assert x == pytest.approx(250 * (-2 - 4 * math.e + 1))
    assert y == pytest.approx(250 * (1 / 3 - math.e - 1))


def test_a_long_chain_can_be_stepped_through_and_drawn(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    text = "+".join(["x"] * 4999)
    code, out, err = run(capsys, "grad", text, "--at", "x=1", "--steps",
                         "--svg", str(tmp_path / "chain.dot"))
    assert (code, err) == (0, "")
    assert "dz/dx = 4999" in out and (tmp_path / "chain.dot").exists()
    assert out.count("\n") > 4999  # a step per node


@pytest.mark.parametrize("text, column", [
    ("(" * 201 + "x" + ")" * 201, 201),
    ("exp(" * 201 + "x" + ")" * 201, 801),
    ("-" * 201 + "x", 201),
    ("2**" * 201 + "x", 602),
    ("x + " + "-(" * 101 + "x" + ")" * 101, 205),
])
def test_real_nesting_is_still_refused_clearly(text: str, column: int) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert str(info.value) == (
        f"cannot read the expression: it is nested too deeply (at column {column}, more than "
        f"{MAX_NESTING} parentheses, function calls, unary signs and ** are open at once); "
        "a long flat chain such as a + b + c + ... is fine")


def test_nesting_up_to_the_limit_is_accepted() -> None:
    for text in ("(" * 200 + "x" + ")" * 200, "-" * 200 + "x", "exp(" * 200 + "x" + ")" * 200):
        root, _ = parse_expression(text).evaluate({"x": 0.0})
        root.backward()
    assert parse_expression("2**" * 200 + "x").names == ("x",)


def test_the_length_limit_still_applies_to_flat_chains(capsys: pytest.CaptureFixture[str]) -> None:
    text = "+".join(["x"] * 5001)  # 10,001 characters
    code, out, err = run(capsys, "grad", text, "--at", "x=1")
    assert code == 2 and out == ""
    assert err == ("autograd-mini grad: the expression is 10001 characters long; "
                   f"at most {MAX_LENGTH} are accepted\n")


@pytest.mark.parametrize("text, message", [
    ("+".join(["x"] * 3000) + "+x.real", "not allowed (at column 6002): attribute access"),
    ("+".join(["x"] * 3000) + "+", "cannot read the expression: invalid syntax"),
    ("+".join(["x"] * 3000) + "+(x", "at column 6001: '(' was never closed"),
    ("+".join(["x"] * 3000) + "+foo(x)", "not allowed (at column 6001): the function foo"),
    ("+".join(["x"] * 3000) + "+1j", "not allowed (at column 6001): complex numbers"),
])
def test_mistakes_in_long_chains_are_named_too(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=re.escape(message)):
        parse_expression(text)


# ------------------------------------------------------------------ names as Python reads them
@pytest.mark.parametrize("expr, at", [("ｘ + 1", "ｘ=1"), ("x + 1", "ｘ=1"), ("ｘ + 1", "x=1"),
                                      ("ﬁ + 1", "fi=1"), ("fi + 1", "ﬁ=1")])
def test_names_are_normalised_alike_in_the_expression_and_in_at(
        capsys: pytest.CaptureFixture[str], expr: str, at: str) -> None:
    code, out, err = run(capsys, "grad", expr, "--at", at)
    assert (code, err) == (0, "")
    name = "fi" if "f" in at or "ﬁ" in at else "x"
    assert out.splitlines()[-1] == f"dz/d{name} = 1"


def test_one_name_in_two_spellings_is_given_twice(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "grad", "x", "--at", "x=1", "ｘ=2")
    assert code == 2 and out == ""
    assert err == "autograd-mini grad: --at: x is given twice ('ｘ' is read as x)\n"


def test_one_normalisation_for_both() -> None:
    assert normalize_name("ｘ") == "x" and normalize_name("ℌ") == "H"
    assert parse_expression("ｘ*ℌ").names == (normalize_name("ｘ"), normalize_name("ℌ"))

HOSTILE = [
    "__import__('os').system('touch PWNED')",
    "open('PWNED', 'w')",
    "x.__class__",
    "x.real",
    "().__class__.__bases__[0].__subclasses__()",
    "exp.__globals__",
    "[x for x in (1, 2)]",
    "{1: 2}",
    "{1, 2}",
    "(x, x)",
    "x[0]",
    "x[1:2]",
    "lambda: 1",
    "(lambda: 1)()",
    "'a string'",
    "b'bytes'",
    "f'{x}'",
    "__builtins__",
    "__x",
    "x__y__",
    "exp(x=1)",
    "exp(*x)",
    "exp(x, x)",
    "exp(x)(1)",
    "getattr(x, 'y')",
    "eval('1')",
    "exec('1')",
    "print(1)",
    "x if x else x",
    "x and x",
    "not x",
    "x < 1",
    "x == 1",
    "x // 2",
    "x % 2",
    "x @ x",
    "x << 1",
    "x | 1",
    "~x",
    "(y := 2)",
    "...",
    "None",
    "True",
    "1j",
    "await x",
    "(yield)",
    "*x",
    "x; import os",
    "import os",
    "x = 1",
    "\x00",
    "x\n+1",
]


@pytest.mark.parametrize("expr", HOSTILE)
def test_hostile_expressions_are_refused(capsys: pytest.CaptureFixture[str], expr: str,
                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with no_eval():
        code, out, err = run(capsys, "grad", expr, "--at", "x=1")
    assert code == 2, (expr, out, err)
    assert out == "" and err.startswith("autograd-mini grad: ") and err.count("\n") == 1
    assert "Traceback" not in err
    assert not (tmp_path / "PWNED").exists()


@contextmanager
def no_eval() -> Iterator[None]:
    """Make eval and exec fail loudly while inside (the parser must never need them), and
    compile too, unless it is asked for a syntax tree only (ast.parse's PyCF_ONLY_AST, which
    builds a tree and runs nothing)."""
    saved = builtins.eval, builtins.exec, builtins.compile

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval or exec was called")

    def tree_only(source: Any, filename: Any, mode: Any, flags: int = 0, *args: Any,
                  **kwargs: Any) -> Any:
        assert flags & ast.PyCF_ONLY_AST, "compile was asked for code, not a syntax tree"
        return saved[2](source, filename, mode, flags, *args, **kwargs)

    builtins.eval = builtins.exec = forbidden  # type: ignore[assignment]
    builtins.compile = tree_only  # type: ignore[assignment]
    try:
        yield
    finally:
        builtins.eval, builtins.exec, builtins.compile = saved


EXPRESSION_PIECES = st.sampled_from(
    ["x", "y", "w1", "1", "2.5", "0", "1e308", "+", "-", "*", "/", "**", "(", ")", " ",
     "exp(", "log(", "tanh(", "sigmoid(", "relu(", ",", ".", "[", "]", "'", "__", "lambda",
     ":", "=", "os", "import", "%", "//", "@", "~", "if", "else", "<", "{", "}", "\\", "j"])


@given(st.one_of(st.text(max_size=40), st.lists(EXPRESSION_PIECES, max_size=25).map("".join)))
def test_random_strings_never_raise_or_execute(text: str) -> None:
    with no_eval():
        try:
            expression = parse_expression(text)
        except ExpressionError as exc:
            assert "\n" not in str(exc)
            return
        root, leaves = expression.evaluate(dict.fromkeys(expression.names, 0.5))
        root.backward()
    assert set(leaves) == set(expression.names)


@given(st.one_of(st.text(max_size=30), st.lists(EXPRESSION_PIECES, max_size=25).map("".join)))
def test_the_parser_accepts_what_python_reads_and_the_whitelist_allows(text: str) -> None:
    """The own parser against Python's: the same tree, or both refuse."""
    try:
        mine: Any = parse_expression(text)
    except ExpressionError:
        mine = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "invalid decimal literal" in 1if, ...
            tree: Any = ast.parse(text.strip(), mode="eval")
        python_ok = text.strip() != "" and _python_refusal(text.strip()) is None
    except IndentationError:  # '#c\n 1' or '\\\n 1': Python minds the indent, we need not
        assume(False)
    except (SyntaxError, ValueError):
        python_ok = False
    assert (mine is not None) == python_ok, text
    if mine is not None:
        assert ast.dump(mine.tree) == ast.dump(tree.body)


AT_PAIRS = st.lists(st.one_of(
    st.sampled_from(["x=0.5", "y=-1", "w1=2", "x=0", "y=1e308", "x=nan", "y=-inf", "exp=1",
                     "x", "=1", "x=", "x=1=2", "__x=1", "é=1", "x=0x10", "x=1_0", "x=--1"]),
    st.text(max_size=8).filter(lambda t: not t.startswith("-"))),  # not an option
    min_size=1, max_size=4)


@settings(max_examples=150)
@given(st.one_of(st.lists(EXPRESSION_PIECES, max_size=20).map("".join), st.text(max_size=30)),
       AT_PAIRS)
def test_random_command_lines_exit_0_or_2_with_one_line_or_a_result(text: str,
                                                                    pairs: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    with no_eval(), redirect_stdout(out), redirect_stderr(err):
        code = main(["grad", text, "--at", *pairs])
    assert code in (0, 2), (text, pairs, err.getvalue())
    error = err.getvalue()
    assert "Traceback" not in error
    if code == 2 and not error.startswith("usage:"):  # one line saying what is wrong
        assert error.startswith("autograd-mini grad: ") and error.count("\n") == 1, error
        assert out.getvalue() == ""
    elif code == 2:  # argparse's usage error (an expression such as '--steps' is an option)
        assert error.count("autograd-mini grad: error: ") == 1
    else:  # the result (or, for an expression '-h', the help)
        assert error == "" and (" = " in out.getvalue() or out.getvalue().startswith("usage:"))


def test_module_entry_point_reports_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "autograd_mini", "grad", "__import__('os').getcwd()"],
        capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith("autograd-mini grad: not allowed (at column 1)")


def test_svg_that_cannot_be_written_is_exit_code_1(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    code, out, err = run(capsys, "grad", "x*2", "--at", "x=1", "--svg", str(tmp_path / "g.pdf"))
    assert code == 1 and "cannot write" in err and "dz/dx = 2" in out
    code, _, err = run(capsys, "grad", "x*2", "--at", "x=1", "--svg",
                       str(tmp_path / "missing" / "g.svg"))
    assert code == 1 and "cannot write" in err
