"""The prose of a post: the words a reader reads, with their offsets.

Read: headings, paragraphs, list items, link text and emphasis (first and last words included),
table cells that hold prose (three words or more), image alt text (Markdown, HTML `alt=`, the
`alt`/`alt_text`/`caption`/`title` parameters of includes, `caption:"..."` of plugin tags) and
the front-matter `title` and `description`.

Never: code blocks, `{% highlight %}` bodies, code spans, `<code>`/`<kbd>`/`<pre>`/`<samp>`/
`<var>` elements, kramdown `{::comment}` blocks and `{: attribute lists}`, emoji shortcodes
(`:thumbsup:`), URLs, link targets, Liquid, HTML tags and attributes, file paths, e-mail
addresses, hashes, numbers with units (`5TB`, `1.5X`, `p99`), identifiers (`snake_case`,
`dotted.names`; the caller decides on mixed case) and data cells of tables."""

from __future__ import annotations

import bisect
import heapq
import operator
import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from itertools import chain, islice, repeat
from typing import NamedTuple, overload

from .document import Document, Spans
from .jekyll.liquid import include_params
from .jekyll.references import references
from .memo import Key
from .pieces import pieces

# A tag ends at the first `>` outside quotes and cannot hold an unquoted `<`: each attempt stops
# at the next `<`, so a line of 50,000 `<a` is scanned in linear time, not quadratic.
_TAG = r"</?[A-Za-z](?:\"[^\"\n]*\"|'[^'\n]*'|[^<>\n])*+>"
_HTML_TAG = re.compile(_TAG + r"|<!--.*?-->", re.DOTALL)
_HTML_TAG_ONLY = re.compile(_TAG)
_HTML_CODE_OPEN = re.compile(r"<(code|kbd|pre|samp|var|script|style|tt)\b[^<>]*>", re.IGNORECASE)
# Literal first (the regex engine then searches for it instead of trying every offset); the start
# of a URL (a word boundary) and of an e-mail address (the token's start) are found after a match.
_URL = re.compile(r"(?:https?://|ftp://|www\.)\S+")
_EMAIL_TAIL = re.compile(r"@[^\s|]+\.\w+")
_KRAMDOWN_COMMENT = re.compile(r"\{::comment\}.*?\{:/(?:comment)?\}", re.DOTALL)
_KRAMDOWN_ATTRS = re.compile(r"\{:[^}\n]*\}|\{::[^}\n]*/\}")
_REFERENCE_LABEL = re.compile(r"\]\[[^\]\n]+\]")  # `[text][label]`: the label is not shown
_EMOJI = re.compile(r":(?<![\w:]:)[a-z0-9_+\-]+:(?![\w:])")  # the literal first: a fast search
_UNDERSCORES = re.compile(r"_+")
_HTML_ALT = re.compile(r"<img\b[^>]*?\balt\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.IGNORECASE)
# `<img` or `<IMG` in a text: one search (for its rare first character) instead of two scans
_IMG_OPEN = re.compile("<(?:img|IMG)")
_ALT_PARAMS = {"alt", "alt_text", "alttext", "caption", "title", "image_alt", "img_alt"}
_TAG_CAPTION = re.compile(r"\b(alt|caption|title):\s*\"([^\"\n]*)\"")
_TABLE_CELL = re.compile(r"(?:\\\||[^|])+")
_CELL_WORD = re.compile(r"[A-Za-z]{2,}")


class Word(NamedTuple):
    text: str
    start: int
    end: int


MASK = "|"  # replaces non-prose: not a word character, and it breaks "word word" adjacency


# A `str.translate` table for ASCII text: every character to MASK but the line break (kept). Every
# ASCII code is listed: a missing one would be looked up again in each call.
_MASKED = {code: MASK for code in range(128)} | {10: "\n"}


def _blank(text: str) -> str:
    """The text with every character but the line break replaced by MASK."""
    if "\n" not in text:
        return MASK * len(text)
    if text.isascii():  # (in C: a code block of hundreds of lines is not split into lines)
        return text.translate(_MASKED)
    return "\n".join(MASK * len(line) for line in text.split("\n"))


def _blank_html(segment: str) -> str:
    """The segment with HTML tags and comments masked. Comments are looked for only up to the
    last `-->`: past it, an unclosed `<!--` would cost a scan to the end each (quadratic)."""
    close = segment.rfind("-->") + 3 if "-->" in segment else 0
    blank = lambda m: _blank(m.group())
    return _HTML_TAG.sub(blank, segment[:close]) + _HTML_TAG_ONLY.sub(blank, segment[close:])


def _blank_code(segment: str) -> str:
    """The segment with inline code elements (`<code>`, `<kbd>`, `<pre>` ...) masked, content and
    all. Linear: once an element has no closing tag after some point, later openers of it are
    not searched again."""
    out: list[str] = []
    cursor = 0
    unclosed: set[str] = set()
    for m in _HTML_CODE_OPEN.finditer(segment):
        name = m.group(1).lower()
        if m.start() < cursor or name in unclosed:
            continue
        close = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(segment, m.end())
        if close is None:
            unclosed.add(name)
            continue
        out += [segment[cursor : m.start()], _blank(segment[m.start() : close.end()])]
        cursor = close.end()
    out.append(segment[cursor:])
    return "".join(out)


def _blank_match(m: re.Match[str]) -> str:
    return _blank(m.group())


_LISTED = 1 << 20  # characters: the hidden ranges of a post up to this long are listed and sorted


def _hidden(doc: Document) -> Iterator[tuple[int, int]]:
    """The (start, end) ranges to mask, sorted (Liquid, code, links, comments). A post under
    `_LISTED` characters lists them as tuples and sorts the list (in C; at most a few thousand
    ranges); a longer one merges them as `_merged_hidden` does."""
    text = doc.text
    if len(text) > _LISTED:
        return _merged_hidden(doc)
    ranges = [(s.start, s.end) for s in doc.liquid.spans]
    ranges += doc.code_ranges
    ranges += [
        ((ref.start if ref.kind != "definition" else ref.label_start), ref.end)
        for ref in references(doc)
        if ref.kind in ("link", "image", "definition")
    ]
    if "{" in text and "{::comment}" in text:  # (one character first: a fast scan)
        ranges += [m.span() for m in _KRAMDOWN_COMMENT.finditer(text, doc.body_offset)]
    ranges.sort()
    return iter(ranges)


def _merged_hidden(doc: Document) -> Iterator[tuple[int, int]]:
    """`_hidden` with little memory. Each pair is kept as one int (start * width + end, which
    sorts as the pair does) in an array per source (Liquid, code, links, comments), each in
    order, and the sources are merged as they are read: a post of 280,000 links and code spans
    holds 8 bytes a range, not a tuple of two ints (~120 bytes), nor a sorted list of every key
    (~40 bytes each)."""
    width = len(doc.text) + 1
    big = width >= 1 << 31  # (a text over 2 GB: plain ints, no overflow)
    links = (
        (ref.start if ref.kind != "definition" else ref.label_start) * width + ref.end
        for ref in references(doc)
        if ref.kind in ("link", "image", "definition")
    )
    sources = [
        (s.start * width + s.end for s in doc.liquid.spans),
        (start * width + end for start, end in doc.code_ranges),
        links,
    ]
    if "{" in doc.text and "{::comment}" in doc.text:  # (one character first: a fast scan)
        found = _KRAMDOWN_COMMENT.finditer(doc.text, doc.body_offset)
        sources.append(m.start() * width + m.end() for m in found)
    keys = [_in_order(list(source) if big else array("q", source)) for source in sources]
    keys = [k for k in keys if k]
    merged = keys[0] if len(keys) == 1 else heapq.merge(*keys)
    return (divmod(key, width) for key in merged)


def _in_order(keys: array[int] | list[int]) -> array[int] | list[int]:
    """The keys sorted: as they are when they are in order already (mostly)."""
    if all(map(operator.le, keys, islice(keys, 1, None))):
        return keys
    return array("q", sorted(keys)) if isinstance(keys, array) else sorted(keys)


def _table_lines(doc: Document) -> set[int]:
    lines: set[int] = set()
    blocks = doc.blocks
    if "table" not in blocks.kinds:  # no block made to be read
        return lines
    for index, kind in enumerate(blocks.kinds):
        if kind == "table":
            block = blocks[index]
            lines.update(range(block.first_line, block.last_line + 1))
    return lines


def _mask_data_cells(segment: str) -> str:
    """Blank the cells of a table row that hold fewer than three words: names, numbers, data."""
    return _TABLE_CELL.sub(
        lambda m: m.group() if len(_CELL_WORD.findall(m.group())) >= 3 else _blank(m.group()), segment
    )


def _blank_url(m: re.Match[str]) -> str:
    before = m.string[m.start() - 1 : m.start()]
    return m.group() if before.isalnum() or before == "_" else _blank(m.group())  # `xhttp://` is no URL


def _mask_emails(segment: str) -> str:
    """Mask `user@host.tld`: the tail is matched from the `@`, the user part taken back to the
    token's start (whitespace, MASK or another `@`)."""
    parts = []
    cursor = 0
    for m in _EMAIL_TAIL.finditer(segment):
        start = m.start()
        while start > cursor and segment[start - 1] not in " \t\r\n|@":
            start -= 1
        if start == m.start():
            continue  # nothing before the `@`: not an address
        parts += [segment[cursor:start], _blank(segment[start : m.end()])]
        cursor = m.end()
    if not parts:
        return segment
    parts.append(segment[cursor:])
    return "".join(parts)


def _blank_emphasis(m: re.Match[str]) -> str:
    """Underscores that open emphasis (no letter or digit before, a letter after) or close it (a
    letter before, no letter or digit after) are masked; `snake_case` keeps its underscore."""
    text, start, end = m.string, m.start(), m.end()
    before, after = text[start - 1 : start], text[end : end + 1]
    opens = not (before.isascii() and before.isalnum()) and after.isascii() and after.isalpha()
    closes = before.isascii() and before.isalpha() and not (after.isascii() and after.isalnum())
    return _blank(m.group()) if opens or closes else m.group()


def _mask_underscores(segment: str) -> str:
    """`_UNDERSCORES.sub(_blank_emphasis, segment)`, each run of underscores found with
    `str.find` (in C; the pattern's own search tries it at every offset, ~5 ns a character) and
    matched whole where it starts."""
    parts: list[str] = []
    cursor = 0
    run = _UNDERSCORES.match
    at = segment.find("_")
    while at >= 0:
        m = run(segment, at)
        assert m is not None  # (an underscore is there)
        parts += [segment[cursor:at], _blank_emphasis(m)]
        cursor = m.end()
        at = segment.find("_", cursor)
    if not parts:
        return segment
    parts.append(segment[cursor:])
    return "".join(parts)


def _blank_label(m: re.Match[str]) -> str:
    """`][label]` with all but its first `]` masked (`"]" + _blank(m.group()[1:])`: a label holds
    no line break, so every character is masked, with no slice or test of the text)."""
    return "]" + MASK * (m.end() - m.start() - 1)


def _clean(segment: str) -> str:
    if "<" in segment:
        segment = _blank_html(_blank_code(segment))
    if "://" in segment or "www." in segment:
        segment = _URL.sub(_blank_url, segment)
    if "@" in segment:
        segment = _mask_emails(segment)
    if "][" in segment:
        segment = _REFERENCE_LABEL.sub(_blank_label, segment)
    if "{" in segment and "{:" in segment:  # (a test for one character is a fast scan; most posts have no `{`)
        segment = _KRAMDOWN_ATTRS.sub(_blank_match, segment)
    if ":" in segment:
        segment = _EMOJI.sub(_blank_match, segment)
    if "_" in segment:
        segment = _mask_underscores(segment)
    return segment


class Regions(Sequence[tuple[int, str, bool]]):
    """The prose regions of a post in order: (offset, masked text, in a table). The masked body
    is kept in pieces of about a megabyte, cut where a segment starts, and each inline segment is
    cut from its piece as it is read: a post of 280,000 paragraphs holds 20 MB of text, not
    280,000 strings and tuples (~60 MB more), and never the body twice while it is made."""

    __slots__ = ("_bases", "_extra", "_pieces", "_segments", "_tables")

    def __init__(
        self,
        pieces: list[str],
        bases: list[int],
        segments: Spans,
        tables: dict[int, str],
        extra: list[tuple[int, str, bool]],
    ) -> None:
        self._pieces = pieces  # the whole body, masked and cleaned, in pieces (offsets as in the text)
        self._bases = bases  # the offset of each piece
        self._segments = segments  # the inline segments, in order (none spans two pieces)
        self._tables = tables  # segment index -> its text with data cells masked (table rows)
        self._extra = sorted(extra)  # alt texts, title, description

    def _inline(self) -> Iterator[tuple[int, str, bool]]:
        if len(self._pieces) == 1 and not self._tables:  # (most posts: made in C, no Python call a region)
            piece, starts = self._pieces[0], self._segments.starts
            return zip(starts, map(piece.__getitem__, map(slice, starts, self._segments.ends)), repeat(False))
        return self._inline_pieces()

    def _item(self, index: int) -> tuple[int, str, bool]:
        """The inline region `index`, as `_inline` gives it."""
        start, end = self._segments[index]
        table = self._tables.get(index) if self._tables else None
        if table is not None:
            return start, table, True
        number = bisect.bisect_right(self._bases, start) - 1
        return start, self._pieces[number][start - self._bases[number] : end - self._bases[number]], False

    def _inline_pieces(self) -> Iterator[tuple[int, str, bool]]:
        pieces, bases, tables = self._pieces, self._bases, self._tables
        index, last = 0, len(pieces) - 1
        piece, base = pieces[0], bases[0]
        for number, (start, end) in enumerate(self._segments):
            while index < last and start >= bases[index + 1]:
                index += 1
                piece, base = pieces[index], bases[index]
            table = tables.get(number) if tables else None
            yield (start, table, True) if table is not None else (start, piece[start - base : end - base], False)

    def __iter__(self) -> Iterator[tuple[int, str, bool]]:
        """The inline regions with the extra ones merged in: what `heapq.merge(inline, extra)`
        gives (and sorting the whole list gave), with no Python call a region. The inline regions
        come by rising offset, so an extra region comes after those that start before it, and
        after those that start where it does as long as they are not greater (a tie goes to the
        inline region, as in the merge)."""
        inline = self._inline()
        if not self._extra:
            return inline
        parts: list[Iterable[tuple[int, str, bool]]] = []
        done = 0
        for extra, before in zip(self._extra, self._places()):
            parts += [islice(inline, before - done), (extra,)]
            done = before
        parts.append(inline)
        return chain.from_iterable(parts)

    def _places(self) -> list[int]:
        """How many inline regions come before each extra region, in `__iter__`'s order."""
        starts = self._segments.starts
        places: list[int] = []
        done = 0
        for extra in self._extra:
            before = max(done, bisect.bisect_left(starts, extra[0]))
            while before < len(starts) and starts[before] == extra[0] and self._item(before) <= extra:
                before += 1
            places.append(before)
            done = before
        return places

    def sizes(self) -> Iterator[int]:
        """The length of each region's text, in order, with no text cut (masking and cleaning
        keep every length: an inline region is as long as its segment)."""
        inline = map(operator.sub, self._segments.ends, self._segments.starts)  # (in C)
        if not self._extra:
            return inline
        parts: list[Iterable[int]] = []
        done = 0
        for extra, before in zip(self._extra, self._places()):
            parts += [islice(inline, before - done), (len(extra[1]),)]
            done = before
        parts.append(inline)
        return chain.from_iterable(parts)

    def picked(self, indices: Iterable[int]) -> list[tuple[int, str, bool]]:
        """The regions at these (rising) positions of `__iter__`'s order, only their texts cut."""
        extras = [place + number for number, place in enumerate(self._places())] if self._extra else []
        found = []
        for index in indices:
            number = bisect.bisect_left(extras, index)  # the extra regions before this one
            if number < len(extras) and extras[number] == index:
                found.append(self._extra[number])
            else:
                found.append(self._item(index - number))
        return found

    def __len__(self) -> int:
        return len(self._segments) + len(self._extra)

    def join(self, separator: str) -> str:
        """`separator.join` of the regions' texts (see pieces: never a list of every region's
        string alive at once; 280,000 of them: ~30 MB beside the result)."""
        return "".join(self.pieces(separator))

    def pieces(self, separator: str) -> Iterator[str]:
        """`join(separator)` in pieces of at most 1,024 regions: their concatenation is the joined
        text, and each piece after the first starts with the separator. A reader that goes piece
        by piece sees what it would see in the joined text when the separator holds a break
        (nothing it looks for spans one): a 20 MB post's prose is never one string."""
        texts = map(operator.itemgetter(1), self)  # (in C)
        first = True
        while batch := list(islice(texts, 1024)):
            if not first:
                batch.insert(0, "")  # the separator before the batch's first region
            yield separator.join(batch)
            first = False
        if first:
            yield ""  # no region: what join gives

    @overload
    def __getitem__(self, index: int) -> tuple[int, str, bool]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, str, bool]]: ...
    def __getitem__(self, index: int | slice) -> tuple[int, str, bool] | list[tuple[int, str, bool]]:
        return list(self)[index]


PIECE = 1 << 20  # characters: the masked body is made and kept in pieces of about this size


def _cuts(segments: Spans) -> list[int]:
    """Where the masked body is cut into pieces: a segment's start, about every PIECE
    characters, that no earlier segment reaches past (no segment spans two pieces)."""
    cuts: list[int] = []
    reach = 0  # the furthest end of the segments so far
    size = due = PIECE
    for start, end in segments:
        if start >= due and start >= reach:
            cuts.append(start)
            due = start + size
        reach = max(reach, end)
    return cuts


def _masked_pieces(doc: Document) -> tuple[list[str], list[int]]:
    """The text with the hidden ranges masked (a range on several lines keeps its line breaks),
    then cleaned (`_clean`), in pieces cut at `_cuts`, with the offset of each. Cleaning piece by
    piece reads as cleaning the whole when the masked body has no `<` (every other pattern of
    `_clean` stays on its line, and a cut is at a line start); otherwise the body is joined and
    cleaned whole, as one piece."""
    text = doc.text
    cuts = _cuts(doc.inline_segments) if len(text) > PIECE else []  # (a cut is at PIECE or past it)
    cuts.append(len(text) + 1)  # (no cut: the last piece ends with the text)
    pieces: list[str] = []
    chunks: list[str] = []  # a piece's parts joined a thousand at a time: never a million small strings
    parts: list[str] = []
    append, newline_in = parts.append, text.find

    def close_piece() -> int:
        chunks.append("".join(parts))
        parts.clear()
        pieces.append("".join(chunks))
        chunks.clear()
        return cuts[len(pieces)] if len(pieces) < len(cuts) else len(text) + 1

    cut, cursor = cuts[0], 0
    for start, end in _hidden(doc):
        if end <= cursor:
            continue
        if start < cursor:
            start = cursor
        while cut < end:  # the piece ends before this range does (rarely inside it)
            if cut <= start:
                append(text[cursor:cut])
            else:
                append(text[cursor:start])
                append(_blank(text[start:cut]))
                start = cut
            cursor = cut
            cut = close_piece()
        append(text[cursor:start])
        # a range on one line (most are) is blanked without slicing it first
        append(MASK * (end - start) if newline_in("\n", start, end) < 0 else _blank(text[start:end]))
        cursor = end
        if len(parts) >= 2048:
            chunks.append("".join(parts))
            parts.clear()
    while cut <= len(text):
        append(text[cursor:cut])
        cursor = cut
        cut = close_piece()
    append(text[cursor:])
    close_piece()
    bases = [0, *cuts[: len(pieces) - 1]]
    if len(pieces) > 1 and any("<" in piece for piece in pieces):
        whole = "".join(pieces)
        pieces.clear()
        return [_clean(whole)], [0]
    for index, piece in enumerate(pieces):
        pieces[index] = _clean(piece)
    return pieces, bases


def _masked_segments(doc: Document) -> Regions:
    """(offset, text, in a table) of each prose region, non-prose replaced by MASK characters.
    The body is masked and cleaned once, in pieces of a megabyte (the masks keep every offset),
    and the regions are cut from it: no per-region regex passes."""
    text = doc.text
    pieces, bases = _masked_pieces(doc)
    table_lines = _table_lines(doc)
    tables: dict[int, str] = {}
    if table_lines:
        for index, (seg_start, seg_end) in enumerate(doc.inline_segments):
            if doc.position(seg_start)[0] in table_lines:
                number = bisect.bisect_right(bases, seg_start) - 1
                piece, base = pieces[number], bases[number]
                tables[index] = _mask_data_cells(piece[seg_start - base : seg_end - base])
    extra = _alt_texts(doc)
    fm = doc.front_matter
    if fm and fm.data:
        for key in ("title", "description"):
            for scalar in fm.scalars.get(key, [])[:1]:
                if isinstance(fm.data.get(key), str):
                    start = fm.yaml_start + scalar.start
                    extra.append((start, _clean(text[start : fm.yaml_start + scalar.end]), False))
    return Regions(pieces, bases, doc.inline_segments, tables, extra)


def _alt_texts(doc: Document) -> list[tuple[int, str, bool]]:
    """Alt text of HTML images (outside code) and the alt-like parameters of includes."""
    text = doc.text
    found = []
    if _IMG_OPEN.search(text):
        for m in _HTML_ALT.finditer(text, doc.body_offset):
            group = 1 if m.group(1) is not None else 2
            if not doc.in_code(m.start()) and doc.liquid_at(m.start()) is None:
                found.append((m.start(group), _clean(m.group(group)), False))
    for span in doc.liquid.spans:
        if span.kind != "tag" or doc.in_code(span.start):
            continue
        if span.name != "include":  # a plugin tag: {% figure caption:"..." %}
            for m in _TAG_CAPTION.finditer(text, span.start, span.end):
                if "{{" not in m.group(2):
                    found.append((m.start(2), _clean(m.group(2)), False))
            continue
        _, params = include_params(text, span)
        for p in params:
            if p.name.lower() in _ALT_PARAMS and p.quoted and "{{" not in p.value and "{%" not in p.value:
                found.append((p.value_start, _clean(p.value), False))
    return found


_PROSE: Key[Regions] = Key("prose")


def prose_regions(doc: Document) -> Regions:
    """The prose regions (offset, masked text, in a table), computed once per document."""
    return doc.memo.get(_PROSE, lambda: _masked_segments(doc))


def prose_text(doc: Document) -> Iterator[tuple[int, str]]:
    """The prose regions (offset, masked text), for checks that read phrases across words."""
    return ((offset, segment) for offset, segment, _ in prose_regions(doc))


# A word: letters (with an inner apostrophe), not glued to anything that makes it code, a path,
# a number with a unit, an identifier or a dotted name. Hyphenated words are read part by part.
# Markup around a word (`[`, `]`, `*`, `~`) does not hide it: `[first` and `last**` are words.
WORD_TOKEN = re.compile(
    r"(?<![\w/\\@.#$%&+=<>{}^`])"
    r"[A-Za-z]+(?:['’][A-Za-z]+)?"
    r"(?![\w/\\@#$%&+=<>{}^`])(?!\.[A-Za-z0-9])"
)


def normalize(word: str) -> str:
    """A token as the speller sees it: curly apostrophes straightened, a possessive 's dropped."""
    if "'" in word or "’" in word:
        word = word.replace("’", "'")
        word = word.removesuffix("'s")
    return word


def segment_words(offset: int, segment: str) -> Iterator[tuple[str, int, int]]:
    for m in WORD_TOKEN.finditer(segment):
        word = normalize(m.group())
        start = offset + m.start()
        yield word, start, start + len(word)


_FEW_WANTED = 32  # words looked for one by one in a segment (RL501 asks for more only past _PREFILTER)


def words_among(offset: int, segment: str, wanted: AbstractSet[str]) -> Iterator[tuple[str, int, int]]:
    """The `segment_words` whose word is in `wanted` (no tuple made for the others). A few words
    are looked for where they occur (`_found_among`), not by reading every word of the segment."""
    found = _found_among(segment, wanted) if len(wanted) <= _FEW_WANTED else None
    if found is not None:
        for at, word in found:
            start = offset + at
            yield word, start, start + len(word)
        return
    for m in WORD_TOKEN.finditer(segment):
        word = m.group()
        if "'" in word or "’" in word:
            word = normalize(word)
        if word in wanted:
            start = offset + m.start()
            yield word, start, start + len(word)


def _found_among(segment: str, wanted: AbstractSet[str]) -> list[tuple[int, str]] | None:
    """(offset, word) of the WORD_TOKEN matches of `segment` whose word (normalized) is in
    `wanted`, in order, found with `str.find`: a match's word, or its form with a curly
    apostrophe, starts where the match does (a possessive `'s` is cut from its end). The pattern
    is tried where a wanted word occurs; a match there is one `finditer` gives unless an earlier
    match holds the place, and only a match's apostrophe can stand just before a place it holds
    (a letter would fail the look-behind). So where an apostrophe does: None (read every word)."""
    hits: list[tuple[int, str]] = []
    match = WORD_TOKEN.match
    for word in wanted:
        for form in (word, word.replace("'", "’")) if "'" in word else (word,):
            at = segment.find(form)
            while at >= 0:
                if at and segment[at - 1] in "'’":
                    return None
                m = match(segment, at)
                if m is not None and normalize(m.group()) == word:
                    hits.append((at, word))
                at = segment.find(form, at + 1)
    hits.sort()
    return hits


# Characters that may stand before (after) a word: none is in WORD_TOKEN's look-behind (look-ahead)
# class, and `.` after a word is followed only by such characters or a space.
_BEFORE_WORD = "!\"'()*,-:;?[]|~’‘“”"
_AFTER_WORD = _BEFORE_WORD + "."  # (no letter in either: a chunk of letters is its own core)
# Those of them that are never part of a word either: read as spaces (in C), they leave every
# match of WORD_TOKEN as it was, and `word,` and `(word` become `word`.
_SPACED = bytes(32 if chr(c) in '!"()*,-:;?[]|~' else c for c in range(256))


def distinct_words(segment: str) -> set[str]:
    """The words of a region, without positions: cheap, for a first pass.

    The same set as WORD_TOKEN over the whole region (tests/test_spelling_speed.py compares them
    on random text), read per distinct whitespace-separated chunk: a chunk that is letters,
    perhaps between punctuation, is one word; only the others go through the regex."""
    words: set[str] = set()
    rest: list[str] = []
    add = words.add
    chunks: set[str] = set()
    for start, end in pieces(segment):  # a 20 MB post is never one list of chunks
        piece = segment[start:end].encode("utf-8", "surrogatepass").translate(_SPACED)
        chunks.update(piece.decode("utf-8", "surrogatepass").split())
    for chunk in chunks:
        if chunk.isalpha() and chunk.isascii():  # (most chunks: no letter is stripped, see below)
            add(chunk)
            continue
        core = chunk.lstrip(_BEFORE_WORD).rstrip(_AFTER_WORD)
        if core.isalpha() and core.isascii():
            add(core)
        elif core:
            rest.append(chunk)
    if rest:  # whitespace is in no class of the pattern: the chunks can be read joined by spaces
        words.update(normalize(w) if ("'" in w or "’" in w) else w for w in WORD_TOKEN.findall(" ".join(rest)))
    return words


def iter_words(doc: Document) -> Iterator[tuple[str, int, int]]:
    """(word, start, end) for every word of the prose, in order; a possessive 's is dropped."""
    for offset, segment, _ in prose_regions(doc):
        yield from segment_words(offset, segment)


def words(doc: Document) -> list[Word]:
    return [Word(*w) for w in iter_words(doc)]
