"""The prose of a post: the words a reader reads, with their offsets.

Headings, paragraphs, list items, table cells, link text, image alt text and the front-matter
`title`/`description`. Never code, URLs, link targets, Liquid, HTML tags and attributes, file
paths, e-mail addresses, hashes, numbers with units (`5TB`, `1.5X`, `p99`) or identifiers
(`snake_case`, `dotted.names`, `camelCase`: the caller decides on mixed case)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import NamedTuple

from .document import Document
from .references import references

# A tag ends at the first `>` outside quotes and cannot hold an unquoted `<`: each attempt stops
# at the next `<`, so a line of 50,000 `<a` is scanned in linear time, not quadratic.
_TAG = r"</?[A-Za-z](?:\"[^\"\n]*\"|'[^'\n]*'|[^<>\n])*+>"
_HTML_TAG = re.compile(_TAG + r"|<!--.*?-->", re.DOTALL)
_HTML_TAG_ONLY = re.compile(_TAG)
_BARE_URL = re.compile(r"\b(?:https?://|ftp://|www\.)\S+|\S+@\S+\.\w+")


class Word(NamedTuple):
    text: str
    start: int
    end: int


MASK = "|"  # replaces non-prose: not a word character, and it breaks "word word" adjacency


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", MASK, text)


def _blank_html(segment: str) -> str:
    """The segment with HTML tags and comments masked. Comments are looked for only up to the
    last `-->`: past it, an unclosed `<!--` would cost a scan to the end each (quadratic)."""
    close = segment.rfind("-->") + 3 if "-->" in segment else 0
    blank = lambda m: _blank(m.group())
    return _HTML_TAG.sub(blank, segment[:close]) + _HTML_TAG_ONLY.sub(blank, segment[close:])


def _masked_segments(doc: Document) -> list[tuple[int, str]]:
    """(offset, text) of each prose region, with non-prose replaced by MASK characters."""
    text = doc.text
    hidden: list[tuple[int, int]] = [(s.start, s.end) for s in doc.liquid.spans]
    hidden += doc.code_spans
    for ref in references(doc):
        if ref.kind in ("link", "image"):
            hidden.append((ref.start, ref.end))
        elif ref.kind == "definition":
            hidden.append((ref.label_start, ref.end))
    hidden.sort()
    starts = [start for start, _ in hidden]
    regions = []
    for seg_start, seg_end in doc.inline_segments:
        parts = []
        cursor = seg_start
        for index in range(max(0, bisect.bisect_right(starts, seg_start) - 1), len(hidden)):
            start, end = hidden[index]
            if start >= seg_end:
                break
            start, end = max(start, cursor), min(end, seg_end)
            if start >= end:
                continue
            parts.append(text[cursor:start])
            parts.append(_blank(text[start:end]))
            cursor = end
        parts.append(text[cursor:seg_end])
        segment = "".join(parts)
        if "<" in segment:
            segment = _blank_html(segment)
        if "://" in segment or "www." in segment or "@" in segment:
            segment = _BARE_URL.sub(lambda m: _blank(m.group()), segment)
        regions.append((seg_start, segment))
    fm = doc.front_matter
    if fm and fm.data:
        for key in ("title", "description"):
            for scalar in fm.scalars.get(key, [])[:1]:
                if isinstance(fm.data.get(key), str):
                    start = fm.yaml_start + scalar.start
                    regions.append((start, text[start : fm.yaml_start + scalar.end]))
    regions.sort()
    return regions


def prose_text(doc: Document) -> list[tuple[int, str]]:
    """The prose regions (offset, masked text), for checks that read phrases across words."""
    cached = doc.__dict__.get("_prose")
    if cached is None:
        cached = doc.__dict__["_prose"] = _masked_segments(doc)
    return cached


# A word: letters (with an inner apostrophe), not glued to anything that makes it code, a path,
# a number with a unit, an identifier or a dotted name. Hyphenated words are read part by part.
_WORD_TOKEN = re.compile(
    r"(?<![\w/\\@.#$%&+=<>{}\[\]~^*`])"
    r"[A-Za-z]+(?:['’][A-Za-z]+)?"
    r"(?![\w/\\@#$%&+=<>{}\[\]~^`])(?!\.[A-Za-z0-9])"
)


def normalize(word: str) -> str:
    """A token as the speller sees it: curly apostrophes straightened, a possessive 's dropped."""
    if "'" in word or "’" in word:
        word = word.replace("’", "'")
        word = word.removesuffix("'s")
    return word


def segment_words(offset: int, segment: str) -> Iterator[tuple[str, int, int]]:
    for m in _WORD_TOKEN.finditer(segment):
        word = normalize(m.group())
        start = offset + m.start()
        yield word, start, start + len(word)


def distinct_words(segment: str) -> set[str]:
    """The words of a region, without positions: cheap, for a first pass."""
    return {normalize(w) for w in _WORD_TOKEN.findall(segment)}


def iter_words(doc: Document) -> Iterator[tuple[str, int, int]]:
    """(word, start, end) for every word of the prose, in order; a possessive 's is dropped."""
    for offset, segment in prose_text(doc):
        yield from segment_words(offset, segment)


def words(doc: Document) -> list[Word]:
    return [Word(*w) for w in iter_words(doc)]
