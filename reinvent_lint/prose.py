"""The prose of a post: the words a reader reads, with their offsets.

Headings, paragraphs, list items, table cells, link text, image alt text and the front-matter
`title`/`description`. Never code, URLs, link targets, Liquid, HTML tags and attributes, file
paths, e-mail addresses, hashes, numbers with units (`5TB`, `1.5X`, `p99`) or identifiers
(`snake_case`, `dotted.names`, `camelCase`: the caller decides on mixed case)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .document import Document
from .references import references

_HTML_TAG = re.compile(r"</?[A-Za-z][^>\n]*>|<!--.*?-->", re.DOTALL)
_BARE_URL = re.compile(r"\b(?:https?://|ftp://|www\.)\S+|\S+@\S+\.\w+")
_CHUNK = re.compile(r"\S+")
_EDGE = "\"'()[]{}*_~.,;:!?…“”‘’«»`|"
_NOT_PROSE = re.compile(r"[/\\@_=<>|#$%^&+\d{}\[\]]")
_WORD = re.compile(r"^[A-Za-z](?:[A-Za-z']*[A-Za-z])?$")


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int


MASK = "|"  # replaces non-prose: not a word character, and it breaks "word word" adjacency


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", MASK, text)


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
        first = max(0, bisect.bisect_right(starts, seg_start) - 1)
        for start, end in hidden[first:]:
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
        for pattern in (_HTML_TAG, _BARE_URL):
            segment = pattern.sub(lambda m: _blank(m.group()), segment)
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


def words(doc: Document) -> list[Word]:
    found = []
    for offset, segment in prose_text(doc):
        for m in _CHUNK.finditer(segment):
            chunk = m.group()
            lead = len(chunk) - len(chunk.lstrip(_EDGE))
            core = chunk.strip(_EDGE)
            if not core or _NOT_PROSE.search(core) or re.search(r"[A-Za-z]\.[A-Za-z]", core):
                continue
            base = offset + m.start() + lead
            pos = 0
            for part in re.split(r"([-–—]+)", core):
                if part and not re.fullmatch(r"[-–—]+", part):
                    word = re.sub(r"['’]s$", "", part).replace("’", "'")
                    if _WORD.match(word):
                        found.append(Word(word, base + pos, base + pos + len(word)))
                pos += len(part)
    return found
