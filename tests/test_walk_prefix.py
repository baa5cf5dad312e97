"""files.walk hands `skip` each folder's root-relative POSIX path as relpath gives it, whatever
the spelling of the root; Site.files lists every file by its relpath from the site root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reinvent_lint.files import walk
from reinvent_lint.jekyll.site import Site


def _tree(root: Path) -> None:
    for rel in ("a.md", "_posts/2024-01-01-x.md", "deep/er/still/b.md", "deep/c.txt", "_site/skip.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x\n", encoding="utf-8")
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")


@pytest.mark.parametrize("spelling", ["{root}", "{root}/", "{root}/../blog", "./blog", "blog/."])
def test_walk_prefixes_are_relpaths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spelling: str) -> None:
    root = tmp_path / "blog"
    root.mkdir()
    _tree(root)
    monkeypatch.chdir(tmp_path)
    start = spelling.format(root=root)
    asked: list[str] = []

    def skip(rel: str) -> bool:
        asked.append(rel)
        return False

    folders = [folder for folder, _, _ in walk(start, skip)]
    expected = {os.path.relpath(f, start).replace(os.sep, "/") for f in folders} - {"."}
    assert sorted(asked) == sorted(expected)
    assert "deep/er/still" in asked


def test_site_files_are_relpaths(tmp_path: Path) -> None:
    root = tmp_path / "blog"
    root.mkdir()
    _tree(root)
    site = Site(root)
    expected = {
        os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
        for folder, _, names in os.walk(root)
        for name in names
        if not os.path.relpath(folder, root).startswith("_site")
    }
    assert site.files == expected
