"""jekyll.urls._suffix: PurePosixPath(rel).suffix of a site-relative path, without the path."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from reinvent_lint.jekyll.urls import _suffix


@pytest.mark.parametrize(
    "rel", ["a.md", "a.", ".md", "x/.md", "x/a.b.c", "noext", "x/y/z.Markdown", "a..", "..a", "x.y/z", "x/a.", "a.HTML"]
)
def test_suffix_is_pathlibs(rel: str) -> None:
    assert _suffix(rel) == PurePosixPath(rel).suffix
