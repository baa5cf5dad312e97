"""The CommonMark parser (markdown-it-py, with tables and footnotes) and the inline scanning
that it does not give positions for."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@lru_cache(maxsize=2)
def _parser(setext: bool = True) -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    # Nesting deeper than this is read as text, as markdown-it does by default: 10,000 nested
    # quotes must not exhaust Python's recursion limit.
    md = MarkdownIt("commonmark", {"maxNesting": 64}).enable("table").use(footnote_plugin)
    # Block structure only: inline content is scanned against the source, where positions are.
    md.disable(["inline", "text_join", "footnote_tail"] + ([] if setext else ["lheading"]))
    return md


# A line that can underline a setext heading. Without one, markdown-it's lheading rule can only
# fail, after scanning every paragraph to its end: skipping it halves the parse of long paragraphs.
# Indentation and `>` may stand before it inside lists and quotes.
_SETEXT_UNDERLINE = re.compile(r"^[ \t>]*(?:=+|-+)[ \t]*$", re.MULTILINE)


def parse_blocks(text: str) -> list[Token]:
    return _parser(_SETEXT_UNDERLINE.search(text) is not None).parse(text)


_BACKTICKS = re.compile(r"`+")


def find_code_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Code spans in text[start:end] by CommonMark's rule: a run of N backticks opens a span
    closed by the next run of exactly N backticks; an unmatched run is literal text.
    A backslash before the opening run escapes it. Linear-ish: each run is visited once."""
    runs = [(m.start(), m.end() - m.start()) for m in _BACKTICKS.finditer(text, start, end)]
    if len(runs) < 2:
        return []
    # For each run length, the queue of positions of runs of that length (in order).
    by_length: dict[int, list[int]] = {}
    for index, (_, length) in enumerate(runs):
        by_length.setdefault(length, []).append(index)
    cursor = {length: 0 for length in by_length}
    spans = []
    i = 0
    while i < len(runs):
        at, length = runs[i]
        escaped = at > start and text[at - 1] == "\\" and _odd_backslashes(text, at - 1, start)
        if escaped:
            at, length = at + 1, length - 1
            if length == 0:
                i += 1
                continue
        queue = by_length.get(length, [])
        c = cursor.get(length, 0)
        while c < len(queue) and queue[c] <= i:
            c += 1
        cursor[length] = c
        if c >= len(queue):
            i += 1
            continue
        close = queue[c]
        close_at, close_len = runs[close]
        spans.append((at, close_at + close_len))
        i = close + 1
    return spans


def _odd_backslashes(text: str, last: int, floor: int) -> bool:
    count = 0
    while last >= floor and text[last] == "\\":
        count += 1
        last -= 1
    return count % 2 == 1


# Inline link destinations as kramdown reads them (references.py and kramdown_ids.py share it).
_TITLE = re.compile(r"\s*?([\"'])(.+?)\1\s*?\)", re.DOTALL)
_PAREN_TITLE = re.compile(r"\s+\([^()]*\)$")


def link_destination(text: str, at: int, limit: int) -> tuple[int, int, int] | None:
    """(start, end, close) of an inline link destination starting at `at` (after `(`), read as
    kramdown reads it: `<...>`, or up to the `)` that balances, or up to whitespace before a
    quoted title (`"Title"` or `'Title'`, which is not part of the URL); `close` is the offset
    after the closing `)`. kramdown has no `(Title)` form: it keeps that in the URL, and this
    returns the URL before it (RL401 reports the form)."""
    if text.startswith("<", at):
        end = text.find(">", at)
        if 0 <= end < limit and text.startswith(")", end + 1):
            return (at + 1, end, end + 2)
        title = _TITLE.match(text, end + 1, limit) if 0 <= end < limit else None
        if title:
            return (at + 1, end, title.end())
    depth = 1
    i = at
    while i < limit:
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return _stripped(text, at, i, i + 1)
        elif ch.isspace() and text[i + 1 : i + 2] in ("'", '"'):
            m = _TITLE.match(text, i, limit)
            if m is None:
                return None
            return _stripped(text, at, i, m.end()) if depth == 1 else None
        i += 1
    return None


def _stripped(text: str, start: int, end: int, close: int) -> tuple[int, int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    title = _PAREN_TITLE.search(text, start, end)
    return (start, title.start() if title else end, close)
