"""pipeline._RealPaths: realpath of many files, each folder resolved once, equals os.path.realpath."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reinvent_lint.pipeline import _RealPaths


def test_real_paths_equal_realpath_through_linked_folders_and_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real" / "_posts"
    real.mkdir(parents=True)
    (real / "a.md").write_text("a\n", encoding="utf-8")
    (tmp_path / "elsewhere.md").write_text("b\n", encoding="utf-8")
    os.symlink(tmp_path / "real", tmp_path / "site")  # a linked folder
    os.symlink(tmp_path / "elsewhere.md", real / "linked.md")  # a linked file: resolved whole
    monkeypatch.chdir(tmp_path / "site")
    paths = [
        str(tmp_path / "site" / "_posts" / "a.md"),
        str(tmp_path / "site" / "_posts" / "linked.md"),
        str(tmp_path / "site" / "_posts" / "missing.md"),
        str(tmp_path / "site" / "_posts" / ".." / "_posts" / "a.md"),
        "_posts/a.md",
        "a-file-here.md",
    ]
    resolve = _RealPaths()
    assert [resolve(p) for p in paths] == [os.path.realpath(p) for p in paths]
    assert resolve(paths[1]) == str(tmp_path / "elsewhere.md")
    assert resolve(paths[0]) == str(real / "a.md")
