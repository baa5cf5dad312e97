"""The command line's two live inputs: a post on standard input (`check -` / `fix -` with
`--stdin-filename PATH`, what editor and formatter integrations send), and `check --watch`,
which re-checks the posts that change."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from .document import Document, ReadError
from .pipeline import check_buffer
from .engine import FileError, Linter, Report
from .problem import Problem


def _document(
    linter: Linter, data: bytes, filename: Path | None, errors: list[FileError]
) -> tuple[Document, Callable[[Document], list[Problem]]]:
    """The post read from `data` as if it were at `filename`: the site around that path gives
    the context (its posts, URLs and vocabulary); the file on disk is not read."""
    where = filename if filename is not None else Path.cwd() / "-"
    site = linter.site_for(Path(os.path.abspath(where)))
    relative = site.relative(where)
    display = linter.display(where) if filename is not None else "-"
    doc = Document.from_bytes(display, data, site.kind_of(relative))

    def check(d: Document) -> list[Problem]:
        problems, found = check_buffer(linter, d, site, relative)  # cached link verdicts only
        errors.extend(e for e in found if e not in errors)
        return problems

    return doc, check


def check_stdin(linter: Linter, filename: Path | None, stream: BinaryIO | None = None) -> Report:
    report = Report()
    data = (stream or sys.stdin.buffer).read()
    try:
        doc, check = _document(linter, data, filename, report.errors)
    except ReadError as exc:
        report.errors.append(FileError(str(filename or "-"), exc.message, exc.line, exc.column))
        return report
    report.problems = check(doc)
    report.files = 1
    return report


def fix_stdin(
    linter: Linter, filename: Path | None, unsafe: bool, stream: BinaryIO | None = None
) -> tuple[bytes, Report]:
    """The fixed post (to write to standard output) and what is left."""
    from . import fixer

    data = (stream or sys.stdin.buffer).read()
    report = Report(files=1)
    try:
        doc, check = _document(linter, data, filename, report.errors)
    except ReadError as exc:
        report.errors.append(FileError(str(filename or "-"), exc.message, exc.line, exc.column))
        return data, report
    result = fixer.fix_document(doc, check, unsafe=unsafe)
    report.errors.extend(FileError(doc.path, message) for message in result.refused)
    report.problems = result.remaining
    return (fixer.encode(result.text, doc) if result.changed else data), report


def _is_post(path: str) -> bool:
    from .jekyll.site import MARKDOWN_SUFFIXES

    return Path(path).suffix.lower() in MARKDOWN_SUFFIXES and "/_site/" not in path.replace(os.sep, "/")


def watch(
    roots: Iterable[Path],
    recheck: Callable[[list[Path]], None],
    ready: Callable[[], None] | None = None,
) -> None:
    """Call `recheck` with the Markdown files that changed, until interrupted. `ready` is called
    once the watcher runs (its first quiet interval), so no change is missed after it."""
    from watchfiles import watch as watch_changes

    def only_posts(_change: object, path: str) -> bool:
        return _is_post(path)

    for changes in watch_changes(*roots, watch_filter=only_posts, debounce=200, step=50, rust_timeout=500,
                                 yield_on_timeout=True):  # fmt: skip
        if ready is not None and not changes:
            ready()
            ready = None
        changed = sorted({Path(p) for _, p in changes if os.path.isfile(p)})
        if changed:
            recheck(changed)
