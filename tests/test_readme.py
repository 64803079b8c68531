"""The README's examples run as written."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_examples_run() -> None:
    result = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


# [`name`](autograd_mini/path.py#L12): the README walks the code with links to lines
LINE_LINK = re.compile(
    r"\[`(?P<name>[^`]+)`\]\((?P<path>autograd_mini/[\w/]+\.py)#L(?P<line>\d+)\)")


def test_readme_links_to_lines_point_at_what_they_name() -> None:
    """A link such as [`backward_pass`](autograd_mini/engine/backward.py#L64) must land on the
    line that defines it (the last dotted part of the name, or a file name's first rule)."""
    links = LINE_LINK.findall(README.read_text(encoding="utf-8"))
    assert len(links) >= 8
    root = README.parent
    for name, path, line in links:
        lines = (root / path).read_text(encoding="utf-8").splitlines()
        target = lines[int(line) - 1]
        word = name.rsplit("/", 1)[-1].rsplit(".", 1)[-1] if not name.endswith(".py") else None
        if word is None:  # a file: the link lands on a rule of its table
            assert re.match(r"^[A-Z_]+ = (unary|binary|nary)\(", target), (name, line, target)
        else:
            assert re.match(rf"^\s*(def |class ){re.escape(word)}\b|^{re.escape(word)} = ",
                            target), (name, line, target)
