"""Every row of docs/errors.md raises what it says, with the message it quotes."""

from __future__ import annotations

import builtins
import re
import shlex
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autograd_mini
from autograd_mini.cli.main import main
from autograd_mini.nn import functional

CATALOGUE = Path(__file__).resolve().parent.parent / "docs" / "errors.md"
# | V1 | `code` | TypeError | `message` |   (code lines joined by <br>)
ROW = re.compile(
    r"^\| (?P<id>[A-Z]+\d+) \| (?P<code>.+?) \| (?P<error>[A-Z]\w*) \| `(?P<message>.+)` \|$"
)
# | C1 | `autograd-mini grad '1 +'` | 2 | `message on stderr` |
CLI_ROW = re.compile(
    r"^\| (?P<id>C\d+) \| `(?P<command>autograd-mini .+?)` \| (?P<code>\d+) \| "
    r"`(?P<message>.+)` \|$"
)


def _lines() -> list[str]:
    return CATALOGUE.read_text(encoding="utf-8").splitlines()


def rows() -> list[Any]:
    found = []
    for line in _lines():
        m = ROW.match(line)
        if m:
            code = "\n".join(part.strip().strip("`") for part in m["code"].split("<br>"))
            found.append(pytest.param(code, m["error"], m["message"], id=m["id"]))
    return found


def cli_rows() -> list[Any]:
    return [pytest.param(m["command"], int(m["code"]), m["message"], id=m["id"])
            for m in map(CLI_ROW.match, _lines()) if m]


def test_catalogue_has_rows_with_unique_ids() -> None:
    assert len(rows()) >= 150 and len(cli_rows()) >= 15
    table_lines = [line for line in _lines() if re.match(r"^\| [A-Z]+\d+ \|", line)]
    assert len(table_lines) == len(rows()) + len(cli_rows())  # no row the tests skip
    ids = [line.split(" | ")[0][2:] for line in table_lines]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("code, error, message", rows())
def test_catalogue_row(code: str, error: str, message: str, tmp_path: Path) -> None:
    namespace: dict[str, Any] = {"np": np, "F": functional, "tmp": tmp_path}
    namespace.update({name: getattr(autograd_mini, name) for name in autograd_mini.__all__})
    expected = getattr(autograd_mini, error, None) or getattr(builtins, error)
    with pytest.raises(expected) as info:
        exec(compile(code, "<docs/errors.md>", "exec"), namespace)
    assert type(info.value) is expected  # not merely a subclass
    assert message in str(info.value)


@pytest.mark.parametrize("command, exit_code, message", cli_rows())
def test_catalogue_command_line_row(command: str, exit_code: int, message: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    argv = shlex.split(command)
    assert argv[0] == "autograd-mini"
    assert main(argv[1:]) == exit_code
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err  # one line
    assert message in err
