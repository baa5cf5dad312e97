"""A long text read in pieces: a 20 MB post is never one list of all its words."""

from __future__ import annotations

from collections.abc import Iterator

SIZE = 1 << 16  # characters: a piece is about this long


def pieces(text: str, size: int = SIZE, breaks: str = " \n") -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive pieces of `text`, each cut just before one of `breaks` near
    `size` characters (or later, when there is none near): a word or token that cannot hold a
    break character never spans two pieces."""
    start, length = 0, len(text)
    while start < length:
        cut = start + size
        if cut >= length:
            yield start, length
            return
        end = _next_break(text, breaks, cut, cut + size)
        if end < 0:  # none near: the next one, wherever it is
            end = _next_break(text, breaks, cut, length)
            end = length if end < 0 else end
        yield start, end
        start = end


def _next_break(text: str, breaks: str, start: int, end: int) -> int:
    found = [at for at in (text.find(b, start, end) for b in breaks) if at >= 0]
    return min(found, default=-1)
