"""Every row of docs/errors.md raises what it says, with the message it quotes."""

from __future__ import annotations

import builtins
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autograd_mini

CATALOGUE = Path(__file__).resolve().parent.parent / "docs" / "errors.md"
ROW = re.compile(
    r"^\| (?P<id>[A-Z]+\d+) \| (?P<code>.+?) \| (?P<error>\w+) \| `(?P<message>.+)` \|$"
)


def rows() -> list[Any]:
    found = []
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            code = "\n".join(part.strip().strip("`") for part in m["code"].split("<br>"))
            found.append(pytest.param(code, m["error"], m["message"], id=m["id"]))
    return found


def test_catalogue_has_rows() -> None:
    assert len(rows()) >= 20


@pytest.mark.parametrize("code, error, message", rows())
def test_catalogue_row(code: str, error: str, message: str) -> None:
    namespace: dict[str, Any] = {"np": np}
    namespace.update({name: getattr(autograd_mini, name) for name in autograd_mini.__all__})
    expected = getattr(autograd_mini, error, None) or getattr(builtins, error)
    with pytest.raises(expected) as info:
        exec(compile(code, "<docs/errors.md>", "exec"), namespace)
    assert message in str(info.value)
