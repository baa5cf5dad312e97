"""The document model: a post read once and parsed once.

`Document.text` is the decoded file with the BOM removed and CRLF folded to LF, so CRLF and BOM
files report the same lines and columns as their LF twins; `bom` and `crlf` remember how to
write it back. Every position a rule reports is an offset into `text`.
"""

from __future__ import annotations

import bisect
import codecs
import heapq
import operator
import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, overload

from .jekyll import liquid as liquid_scan
from .files import MAX_FILE_BYTES, Refused, read_regular_file
from .memo import Memo
from .jekyll.front_matter import FrontMatter, detect_other_format, split

if TYPE_CHECKING:
    from . import render
    from .markdown import BlockTokens


class ReadError(Exception):
    """A file that cannot be read as a post. str() is a one-line message without the path."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def decode(data: bytes) -> tuple[str, bool, bool]:
    """Return (text, had_bom, was_crlf); raise ReadError for what Jekyll cannot read either.
    `was_crlf` is True only when every line break is CRLF; mixed files keep their CRs in the text."""
    text, bom, newline = decode_endings(data)
    return (text.replace("\n", "\r") if newline == "\r" else text), bom, newline == "\r\n"


def decode_endings(data: bytes) -> tuple[str, bool, str]:
    """Return (text, had_bom, newline). `newline` is CRLF when every line break is CRLF, and CR
    when every one is a lone CR (old Mac files); the text then uses LF, to be written back with
    `newline`. Otherwise it is LF, and mixed files keep their CRs in the text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(codecs.BOM_UTF8):
        raise ReadError("file is UTF-16; Jekyll reads posts as UTF-8 (re-save it as UTF-8)")
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise ReadError("binary file (NUL byte); not a Markdown post", line, nul - (data.rfind(b"\n", 0, nul) + 1) + 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col_bytes = data[data.rfind(b"\n", 0, exc.start) + 1 : exc.start]
        column = len(col_bytes.decode("utf-8", errors="replace")) + 1
        raise ReadError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", line, column) from None
    if "\r" not in text:
        return text, bom, "\n"
    if "\n" not in text:
        return text.replace("\r", "\n"), bom, "\r"
    if text.count("\n") == text.count("\r\n") == text.count("\r"):
        return text.replace("\r\n", "\n"), bom, "\r\n"
    return text, bom, "\n"


def read_bytes(path: Path, max_bytes: int | None = MAX_FILE_BYTES) -> bytes:
    """The bytes of a file to check (regular files only, at most `max_bytes`); ReadError with a
    one-line reason when it cannot be read."""
    try:
        return read_regular_file(path, max_bytes)
    except Refused as exc:
        raise ReadError(exc.message) from None
    except IsADirectoryError:
        raise ReadError("is a directory, not a file") from None
    except FileNotFoundError:
        raise ReadError("no such file") from None
    except PermissionError:
        raise ReadError("permission denied") from None
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from None


@dataclass(frozen=True)
class Heading:
    level: int
    line: int  # 1-based
    start: int  # offset of the line start
    end: int  # offset of the line end (before "\n")
    text_start: int  # offset of the heading text (after "# ")
    text_end: int  # end of the heading text (before closing #s and trailing whitespace)
    atx: bool

    def text(self, doc: Document) -> str:
        return doc.text[self.text_start : self.text_end]


@dataclass(frozen=True, slots=True)
class Block:
    """A top-level or nested block from the Markdown parser, with 1-based inclusive lines."""

    kind: str  # markdown-it token type without "_open": paragraph, heading, fence, table, ...
    first_line: int
    last_line: int
    start: int  # offsets of the block's lines
    end: int


_Item = TypeVar("_Item")


class _Columns(Sequence[_Item]):
    """Items kept in columns (arrays), equal to and printed as the list of their items, like the
    lists they replace."""

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"


class Spans(_Columns[tuple[int, int]]):
    """(start, end) offset pairs, kept in two arrays: 16 bytes a pair, where a list of tuples
    costs about 120 (a post of 300,000 paragraphs has that many inline segments)."""

    __slots__ = ("ends", "starts")

    def __init__(self, pairs: Iterable[tuple[int, int]] = ()) -> None:
        self.starts = array("q")
        self.ends = array("q")
        for start, end in pairs:
            self.starts.append(start)
            self.ends.append(end)

    def append(self, start: int, end: int) -> None:
        self.starts.append(start)
        self.ends.append(end)

    def __len__(self) -> int:
        return len(self.starts)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self.starts, self.ends)

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, int]]: ...
    def __getitem__(self, index: int | slice) -> tuple[int, int] | list[tuple[int, int]]:
        if isinstance(index, slice):
            return list(zip(self.starts[index], self.ends[index]))
        return self.starts[index], self.ends[index]


class Blocks(_Columns[Block]):
    """The blocks of a post, kept as columns (a kind and four offsets in arrays: ~40 bytes a
    block, where a `Block` with its ints costs ~200) and made into `Block`s only when read: a post
    of 280,000 paragraphs would otherwise hold 56 MB of them. A slice is a view, not a copy
    (RL301 reads `blocks[i + 1 :]` after each heading)."""

    __slots__ = ("_ends", "_firsts", "_hi", "_kinds", "_lasts", "_lo", "_starts")

    def __init__(self) -> None:
        self._kinds: list[str] = []
        self._firsts, self._lasts, self._starts, self._ends = array("q"), array("q"), array("q"), array("q")
        self._lo, self._hi = 0, -1  # -1: to the end (a view has its own bounds)

    def _append(self, kind: str, first: int, last: int, start: int, end: int) -> None:
        self._kinds.append(kind)
        self._firsts.append(first)
        self._lasts.append(last)
        self._starts.append(start)
        self._ends.append(end)

    def _bounds(self) -> tuple[int, int]:
        return self._lo, len(self._kinds) if self._hi < 0 else self._hi

    @property
    def kinds(self) -> Sequence[str]:
        """The kind of each block, without making the blocks."""
        lo, hi = self._bounds()
        return self._kinds if (lo, hi) == (0, len(self._kinds)) else self._kinds[lo:hi]

    def __len__(self) -> int:
        lo, hi = self._bounds()
        return hi - lo

    def __iter__(self) -> Iterator[Block]:
        lo, hi = self._bounds()
        if (lo, hi) == (0, len(self._kinds)):
            return map(Block, self._kinds, self._firsts, self._lasts, self._starts, self._ends)
        return self._from(lo, hi)

    def _from(self, lo: int, hi: int) -> Iterator[Block]:
        """A view's blocks, made one at a time from `lo` (no pass over the blocks before it: RL301
        reads a view after each heading, and mostly only its first block)."""
        kinds, firsts, lasts, starts, ends = self._kinds, self._firsts, self._lasts, self._starts, self._ends
        for i in range(lo, hi):
            yield Block(kinds[i], firsts[i], lasts[i], starts[i], ends[i])

    @overload
    def __getitem__(self, index: int) -> Block: ...
    @overload
    def __getitem__(self, index: slice) -> Blocks: ...
    def __getitem__(self, index: int | slice) -> Block | Blocks:
        lo, hi = self._bounds()
        if isinstance(index, slice):
            start, stop, step = index.indices(hi - lo)
            if step != 1:
                raise ValueError("a slice of blocks takes every block")
            view = Blocks.__new__(Blocks)
            view._kinds, view._firsts, view._lasts = self._kinds, self._firsts, self._lasts
            view._starts, view._ends = self._starts, self._ends
            view._lo, view._hi = lo + start, lo + max(start, stop)
            return view
        if index < 0:
            index += hi - lo
        if not 0 <= index < hi - lo:
            raise IndexError("block index out of range")
        i = lo + index
        return Block(self._kinds[i], self._firsts[i], self._lasts[i], self._starts[i], self._ends[i])


def _ends_of(starts: array[int], lines: Iterable[int], count: int, size: int) -> Iterator[int]:
    """The offset of the end of each 1-based line of `lines` (in increasing order, each at most
    `count`), before its newline: `Document._end_of`, mapped in C."""
    lines = list(lines)
    if lines and lines[-1] >= count:  # the text's last line: it has no newline after it
        yield from map((-1).__add__, map(starts.__getitem__, lines[:-1]))
        yield size
        return
    yield from map((-1).__add__, map(starts.__getitem__, lines))


_ATX = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)([ \t]*)(.*?)(?:[ \t]+#+)?([ \t]*)$")
# Blocks that carry content in a section.
_STRUCTURAL = {
    "bullet_list",
    "ordered_list",
    "list_item",
    "blockquote",
    "footnote_block",
    "footnote",
    "thead",
    "tbody",
    "tr",
}


class Document:
    """One Markdown file, parsed lazily but at most once."""

    def __init__(
        self, path: str, text: str, *, bom: bool = False, crlf: bool = False, kind: str = "page", cr: bool = False
    ) -> None:
        self.path = path
        self.text = text
        self.bom = bom
        self.crlf = crlf
        self.cr = cr  # every line break was a lone CR: written back as CR
        self.kind = kind  # "post", "draft", "collection" or "page"
        self.other_front_matter = detect_other_format(text)
        self.front_matter: FrontMatter | None = split(text)
        self.body_offset = self.front_matter.body_offset if self.front_matter else 0
        self._line_starts = array("q", [0])  # 8 bytes a line: a million-line post is no burden
        self._line_starts.extend(m.end() for m in re.finditer("\n", text))
        self.memo = Memo()  # what rules derive from this text, computed once (memo.Key per value)

    @classmethod
    def from_bytes(cls, path: str, data: bytes, kind: str = "page") -> Document:
        text, bom, newline = decode_endings(data)
        return cls(path, text, bom=bom, crlf=newline == "\r\n", kind=kind, cr=newline == "\r")

    @classmethod
    def read(cls, path: Path, display: str, kind: str = "page", max_bytes: int | None = MAX_FILE_BYTES) -> Document:
        return cls.from_bytes(display, read_bytes(path, max_bytes), kind)

    def with_text(self, text: str) -> Document:
        """The same file (path, kind, BOM and line endings) with other text: a fixed version."""
        return Document(self.path, text, bom=self.bom, crlf=self.crlf, kind=self.kind, cr=self.cr)

    # ----- positions -------------------------------------------------------------------
    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a text offset."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def line_start(self, line: int) -> int:
        return self._line_starts[line - 1]

    def line_end(self, line: int) -> int:
        """Offset of the end of a 1-based line, before its newline."""
        if line < len(self._line_starts):
            return self._line_starts[line] - 1
        return len(self.text)

    def line_text(self, line: int) -> str:
        return self.text[self.line_start(line) : self.line_end(line)]

    @property
    def body_line(self) -> int:
        return self.position(self.body_offset)[0]

    # ----- Liquid ------------------------------------------------------------------------
    @cached_property
    def liquid(self) -> liquid_scan.LiquidScan:
        return liquid_scan.scan(self.text, self.body_offset)

    @cached_property
    def _liquid_starts(self) -> list[int]:
        return [s.start for s in self.liquid.spans]

    def liquid_at(self, offset: int) -> liquid_scan.LiquidSpan | None:
        spans = self.liquid.spans
        i = bisect.bisect_right(self._liquid_starts, offset) - 1
        if i >= 0 and spans[i].start <= offset < spans[i].end:
            return spans[i]
        return None

    @cached_property
    def masked(self) -> str:
        """The text with Liquid replaced by same-length filler, newlines kept, for parsing.

        Tags and outputs become `x` (they render to something); comment blocks, and tags that
        render nothing (`raw`, `if`, `for`, `assign`, ...) standing alone on their line, become
        spaces, as Jekyll leaves a blank line there; highlight bodies become plain filler and are
        recorded as code in `code_ranges`.
        """
        text = self.text
        hidden: list[tuple[int, int, str]] = [(0, self.body_offset, " ")]
        for span in self.liquid.spans:
            silent = span.kind == "comment" or (
                span.name in liquid_scan.SILENT_TAGS and self._alone_on_its_line(span.start, span.end)
            )
            hidden.append((span.start, span.end, " " if silent else "x"))
        for body in self.liquid.bodies:
            if body.name == liquid_scan.HIGHLIGHT:
                hidden.append((body.start, body.end, "x"))
        parts = []
        cursor = 0
        for start, end, fill in sorted(hidden):
            start = max(start, cursor)
            if start >= end:
                continue
            parts.append(text[cursor:start])
            parts.append("\n".join(fill * len(piece) for piece in text[start:end].split("\n")))
            cursor = end
        parts.append(text[cursor:])
        masked = "".join(parts)
        return masked.replace("\r", " ") if "\r" in masked else masked

    def _alone_on_its_line(self, start: int, end: int) -> bool:
        line_start = self.text.rfind("\n", 0, start) + 1
        line_end = self.text.find("\n", end)
        line_end = len(self.text) if line_end < 0 else line_end
        return not self.text[line_start:start].strip() and not self.text[end:line_end].strip()

    # ----- Markdown ----------------------------------------------------------------------
    @cached_property
    def tokens(self) -> BlockTokens:
        from .markdown import parse_blocks

        return parse_blocks(self.masked)

    @property
    def parsed(self) -> bool:
        """Whether `tokens` was read (the blocks were parsed)."""
        return "tokens" in vars(self)

    @cached_property
    def rendered(self) -> list[render.Block]:
        """The post rendered as Jekyll would (Liquid idioms, then Markdown), block by block:
        what the fix engine compares before writing (render.py)."""
        from . import render

        return render.blocks(self)

    @cached_property
    def blocks(self) -> Blocks:
        """Every block with its lines, in document order (containers before their content)."""
        result = Blocks()
        starts, count, size = self._line_starts, self.line_count, len(self.text)
        kinds, firsts, lasts, begins, ends = result._kinds, result._firsts, result._lasts, result._starts, result._ends
        for piece in self.tokens.pieces:
            if not isinstance(piece, list):  # plain paragraphs: (first, end) line pairs, never empty
                # The columns are filled by `map` in C, not a loop per paragraph (issue 18).
                heads, tails = piece[::2], piece[1::2]
                kinds += ["paragraph"] * len(heads)
                firsts.extend(map((1).__add__, heads))
                lasts.extend(tails)
                begins.extend(map(starts.__getitem__, heads))
                ends.extend(_ends_of(starts, tails, count, size))
                continue
            for token in piece:
                lines = token.map
                if lines is None or token.nesting == -1:
                    continue
                kind = token.type
                if kind == "inline":
                    continue
                first, last = lines[0] + 1, lines[1]
                if last < first:
                    last = first
                end_line = last if last < count else count
                kinds.append(kind.removesuffix("_open"))
                firsts.append(first)
                lasts.append(last)
                begins.append(starts[first - 1])
                ends.append(starts[end_line] - 1 if end_line < count else size)
        return result

    @cached_property
    def headings(self) -> list[Heading]:
        result = []
        for token in self.tokens.parsed():  # a plain paragraph is never a heading
            if token.type != "heading_open" or token.map is None:
                continue
            level = int(token.tag[1])
            line = token.map[0] + 1
            if token.markup.startswith("#"):
                start, end = self.line_start(line), self.line_end(line)
                if end > start and self.text[end - 1] == "\r":
                    end -= 1  # a CRLF line in a file with mixed line endings
                raw = self.text[start:end]
                # A heading inside a container (list, quote) starts later on its line.
                hash_at = raw.find("#")
                m = _ATX.match(raw[hash_at:]) if hash_at >= 0 else None
                if m is None:
                    continue
                base = start + hash_at
                text_start = base + m.start(4)
                text_end = base + m.end(4)
                result.append(Heading(level, line, start, end, text_start, text_end, True))
            else:  # setext: the text is on the lines before the underline
                last_text_line = token.map[1] - 1
                start = self.line_start(line)
                raw_end = self.line_end(last_text_line)
                text = self.text[start:raw_end]
                lead = len(text) - len(text.lstrip())
                trail = len(text.rstrip())
                result.append(Heading(level, line, start, raw_end, start + lead, start + trail, False))
        return result

    @cached_property
    def code_ranges(self) -> Spans:
        """Offsets of fenced and indented code blocks, highlight bodies and code spans."""
        ranges = []
        for token in self.tokens.parsed():
            if token.type in ("fence", "code_block") and token.map:
                first, last = token.map[0] + 1, token.map[1]
                ranges.append((self.line_start(first), self.line_end(last)))
        for body in self.liquid.bodies:
            if body.name == liquid_scan.HIGHLIGHT:
                ranges.append((body.start, body.end))
        if not ranges:
            return self.code_spans  # the same columns: a post of 280,000 code spans holds them once
        ranges.sort()
        return Spans(heapq.merge(ranges, self.code_spans))  # code spans come in order

    @cached_property
    def inline_segments(self) -> Spans:
        """Offsets of the source lines holding inline content (paragraphs, headings, cells)."""
        segments = Spans()
        starts, count, size = self._line_starts, self.line_count, len(self.text)
        begins, ends = segments.starts, segments.ends
        for piece in self.tokens.pieces:
            if not isinstance(piece, list):  # plain paragraphs: (first, end) line pairs, never empty
                begins.extend(map(starts.__getitem__, piece[::2]))
                ends.extend(_ends_of(starts, piece[1::2], count, size))
                continue
            for token in piece:
                if token.type == "inline" and token.map:
                    first, last = token.map[0] + 1, token.map[1]
                    last = first if last < first else last
                    begins.append(starts[first - 1])
                    ends.append(starts[last] - 1 if last < count else size)
        pairs = list(zip(begins, ends))
        if all(map(operator.lt, pairs, islice(pairs, 1, None))):
            return segments  # in document order, as markdown-it gives them: no need to sort
        return Spans(sorted(set(pairs)))  # the cells of a table row share their lines

    @cached_property
    def code_spans(self) -> Spans:
        from .markdown import find_code_spans

        spans = Spans()
        masked = self.masked
        tick = masked.find("`")  # the first backtick at or after the segment's start, once known
        if tick < 0:
            return spans
        for start, end in self.inline_segments:  # in order of their starts
            if tick < start:
                tick = masked.find("`", start)
                if tick < 0:
                    break
            if tick >= end:
                continue  # no backtick: no code span (most segments, skipped without a call)
            for span_start, span_end in find_code_spans(masked, start, end):
                spans.append(span_start, span_end)
        return spans

    @cached_property
    def _code_starts(self) -> list[int]:
        return self.code_ranges.starts.tolist()  # a list: bisect reads it twice as fast as an array

    def in_code(self, offset: int) -> bool:
        """True when `offset` lies in a code block, highlight body or code span (disjoint ranges)."""
        i = bisect.bisect_right(self._code_starts, offset) - 1
        return i >= 0 and offset < self.code_ranges.ends[i]

    @cached_property
    def _protected(self) -> tuple[list[int], list[int]]:
        """What no fix may touch unless it targets it (front matter, Liquid, code), merged into
        disjoint sorted intervals: (starts, ends), for look-ups by bisection."""
        ranges = [(span.start, span.end) for span in self.liquid.spans]
        ranges.extend(self.code_ranges)
        if self.front_matter:
            ranges.append((0, self.front_matter.body_offset))
        starts: list[int] = []
        ends: list[int] = []
        for a, b in sorted(ranges):
            if a >= b:
                continue
            if starts and a <= ends[-1]:
                ends[-1] = max(ends[-1], b)
            else:
                starts.append(a)
                ends.append(b)
        return starts, ends

    def touches_protected(self, start: int, end: int) -> bool:
        """True when text[start:end] (or an insertion at `start`) meets a protected range."""
        end = max(end, start + 1)
        starts, ends = self._protected
        i = bisect.bisect_left(starts, end) - 1  # the last interval starting before `end`
        return i >= 0 and start < ends[i]
