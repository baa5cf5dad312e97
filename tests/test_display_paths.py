"""Linter.display: a file's path as findings name it, from the cwd; the string shortcut for
paths under the cwd gives what the general way (abspath, relative_to) gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reinvent_lint.engine import default_linter


def _general(path: Path, cwd: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(cwd).as_posix()
    except ValueError:
        return str(path)


@pytest.mark.parametrize(
    "rel",
    ["_posts/2024-01-01-a.md", "a.md", "x/./y.md", "x/../y.md", ".github/a.md", "x//y.md", "", "../out.md"],
)
def test_display_under_and_beside_the_cwd(tmp_path: Path, rel: str) -> None:
    cwd = (tmp_path / "blog").resolve()
    cwd.mkdir()
    linter = default_linter(cwd=cwd)
    for path in (Path(str(cwd) + "/" + rel), cwd / rel, Path(str(cwd) + "2/" + rel), Path(rel)):
        assert linter.display(path) == _general(path, cwd)
