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


@pytest.mark.parametrize("spelling", ["{root}", "{root}/"])
def test_walk_names_the_linked_files_as_islink_does(tmp_path: Path, spelling: str) -> None:
    """Site.files drops a link out of the site by the links walk reports (its folder listing),
    not by an lstat of every file: the same files as os.path.islink finds."""
    root = tmp_path / "blog"
    root.mkdir()
    _tree(root)
    (tmp_path / "outside.png").write_text("x", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "outside.png", root / "deep" / "out.png")  # out of the site: dropped
    os.symlink(root / "a.md", root / "deep" / "er" / "in.md")  # inside: kept
    os.symlink(root / "gone.md", root / "broken.md")  # broken, pointing inside: kept
    os.symlink(tmp_path / "elsewhere", root / "folder-link")  # a link to a folder: neither entered nor listed
    start = spelling.format(root=root)
    links: set[str] = set()
    listed = [os.path.join(folder, n) for folder, _, names in walk(start, links=links) for n in names]
    assert links == {p for p in listed if os.path.islink(p)} and len(links) == 3
    files = Site(root).files
    assert {"deep/er/in.md", "broken.md", "a.md"} <= files
    assert not {"deep/out.png", "folder-link"} & files
