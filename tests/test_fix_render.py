"""`fix` never changes what a reader sees, except the defect it repairs (issue 16): a fixture site
is built with real Jekyll before and after `fix` and after `fix --unsafe-fixes`, and the HTML of
every page is compared. Only the pages holding an intended defect may change."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .conftest import run_cli
from .jekyll_site import build, requires_jekyll

FM = "---\ntitle: {title}\nlayout: null\n---\n\n"
FILES = {
    # Whitespace defects whose fixes must not change the page.
    "_posts/2024-01-01-whitespace.md": FM.format(title="Whitespace")
    + "#  Heading with two spaces after the hashes\n\nA line with a trailing space. \nNext line.\n\n"
    + "## Trailing whitespace after a heading   \n\nEnd without a final newline.",
    # A hard line break (two trailing spaces) is not a defect: any fix must keep the <br>.
    "_posts/2024-01-02-hard-break.md": FM.format(title="Hard break") + "First line  \nsecond line.\n",
    # Stars that are multiplication signs: the style pack's MD037 fix would make italics.
    "_posts/2024-01-03-stars.md": FM.format(title="Stars")
    + "Compose Delete * Insert then Insert<sup>-1</sup> * Delete to undo it.\n",
    # The escape idiom prints braces: wrapping it in raw would print the idiom instead.
    "_posts/2024-01-04-idiom.md": FM.format(title="Idiom") + "Write `{{ '{{' }} name }}` in templates.\n",
    # Liquid in code that Jekyll would evaluate: wrapping it in raw is the intended repair.
    "_posts/2024-01-05-code.md": FM.format(title="Code") + "```yaml\nrun: echo ${{ secrets.TOKEN }}\n```\n",
    # A word repeated by accident: the unsafe fix removes it.
    "_posts/2024-01-06-repeat.md": FM.format(title="Repeat") + "It is the the best.\n",
}
LINT_CONFIG = '[style]\nmode = "always"\n'


def _pages(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): re.sub(r"\s+", " ", p.read_text(encoding="utf-8"))
        for p in sorted(root.rglob("*.html"))
    }


def _changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {page for page in before.keys() | after.keys() if before.get(page) != after.get(page)}


@requires_jekyll
def test_fix_changes_only_the_intended_defects_as_jekyll_renders_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = build(tmp_path / "before", {**FILES, ".reinvent-lint.toml": LINT_CONFIG})
    assert not original.failed, original.log
    before = _pages(original.destination)
    source = original.source

    _, _, err = run_cli(["fix", "--links", "off"], source, capsys)
    assert "Traceback" not in err
    shutil.rmtree(original.destination)
    safe = build(tmp_path / "safe", {p.relative_to(source).as_posix(): p.read_bytes() for p in _files(source)})
    assert not safe.failed, safe.log
    after_safe = _pages(safe.destination)
    # Only the code block that Jekyll emptied changes: it now shows its braces.
    assert _changed(before, after_safe) == {"2024/01/05/code.html"}, err
    assert "${{ secrets.TOKEN }}" in after_safe["2024/01/05/code.html"]
    assert "Insert<sup>-1</sup> * Delete" in after_safe["2024/01/03/stars.html"]
    text = (source / "_posts/2024-01-01-whitespace.md").read_text()
    assert "space. \n" not in text and text.endswith("newline.\n")  # the defects were fixed

    run_cli(["fix", "--links", "off", "--unsafe-fixes"], source, capsys)
    unsafe = build(tmp_path / "unsafe", {p.relative_to(source).as_posix(): p.read_bytes() for p in _files(source)})
    after_unsafe = _pages(unsafe.destination)
    assert _changed(after_safe, after_unsafe) == {"2024/01/06/repeat.html"}
    assert "It is the best." in after_unsafe["2024/01/06/repeat.html"]


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]
