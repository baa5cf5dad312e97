"""The CommonMark parser (markdown-it-py, with tables and footnotes) and the inline scanning
that it does not give positions for."""

from __future__ import annotations

import marshal
import re
from array import array
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, Union, overload

from .digests import blake2b

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


def parse_blocks(text: str) -> BlockTokens:
    """The block tokens of `text`, as markdown-it makes them, in linear time and small memory on
    long posts: the simple blocks at the top level (paragraphs, ATX headings, closed fences,
    indented code, HTML comments and type 6 blocks, reference definitions) are read here, the
    rest (lists, quotes, tables, other HTML) by markdown-it (see `_pieces`). A post of simple
    blocks but HTML blocks does not import markdown-it, nor one whose other blocks are texts
    markdown-it read when the post was last checked (see `remember`)."""
    asked = Asked(len(text) <= _RECORDED)
    return BlockTokens(_pieces(text, asked), asked)


class BlockToken(Protocol):
    """What rules read of a block token (markdown-it's Token has these, and so does `SlimToken`)."""

    @property
    def type(self) -> str: ...
    @property
    def tag(self) -> str: ...
    @property
    def nesting(self) -> int: ...
    @property
    def level(self) -> int: ...
    @property
    def map(self) -> list[int] | None: ...
    @property
    def markup(self) -> str: ...


class SlimToken:
    """A block token with what rules read of it: markdown-it's Token costs about 500 bytes with
    its dicts, this about 100 (a post of 10,000 footnotes has 100,000 tokens). Plain paragraphs
    are made of these without markdown-it."""

    __slots__ = ("info", "level", "map", "markup", "nesting", "tag", "type")

    def __init__(
        self, type: str, tag: str, nesting: int, level: int, map: list[int] | None, markup: str = "", info: str = ""
    ) -> None:
        self.type = type
        self.tag = tag
        self.nesting = nesting
        self.level = level
        self.map = map
        self.markup = markup
        self.info = info


_PARAGRAPH_CLOSE = SlimToken("paragraph_close", "p", -1, 0, None)
Parsed = Union["Token", SlimToken]  # a segment's token: markdown-it's, or one remembered (see `remember`)
# A piece is either markdown-it's tokens (lines already shifted to the whole text) or the
# paragraphs of a plain run as an array of (first line, end line) pairs, 0-based, end exclusive.
Piece = Union["list[SlimToken]", "array[int]"]


class BlockTokens(Sequence[BlockToken]):
    """SlimToken tokens, stored compactly: a plain paragraph costs 16 bytes until it is iterated."""

    def __init__(self, pieces: list[Piece], asked: Asked | None = None) -> None:
        self.pieces = pieces
        self.asked = asked  # what markdown-it was asked for these tokens (see `packed`)
        self._len = sum(len(p) if isinstance(p, list) else len(p) // 2 * 3 for p in pieces)

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[BlockToken]:
        for piece in self.pieces:
            if isinstance(piece, list):
                yield from piece
                continue
            for i in range(0, len(piece), 2):
                lines = [piece[i], piece[i + 1]]
                yield SlimToken("paragraph_open", "p", 1, 0, lines)
                yield SlimToken("inline", "", 0, 1, lines)
                yield _PARAGRAPH_CLOSE

    @overload
    def __getitem__(self, index: int) -> BlockToken: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[BlockToken]: ...
    def __getitem__(self, index: int | slice) -> BlockToken | Sequence[BlockToken]:
        return list(self)[index]

    def parsed(self) -> Iterator[SlimToken]:
        """The tokens markdown-it made: every one that is not a plain paragraph."""
        for piece in self.pieces:
            if isinstance(piece, list):
                yield from piece

    def plain_paragraphs(self) -> Iterator[tuple[int, int]]:
        """(first line, end line) of the plain paragraphs, 0-based, end exclusive."""
        for piece in self.pieces:
            if not isinstance(piece, list):
                for i in range(0, len(piece), 2):
                    yield piece[i], piece[i + 1]


# A plain line starts with a character that cannot open or interrupt any block, nor underline
# a heading, nor be a table's delimiter row: a letter (any script), a digit that does not start an
# ordered list's marker, or punctuation that marks no block (not `#>*-_+=|:` nor a backtick or
# tilde, `<` or `[`; not a space, tab or control character). After a blank line, at the top
# level, a run of plain and blank lines is plain paragraphs, whatever came before, except inside
# a fence or an HTML block of CommonMark's types 1-5 (they run until their end marker): `_pieces`
# re-reads those. (No repeated groups: Python's re keeps a backtracking mark per repetition,
# 100 MB a million.) The class is written as what it excludes: the same characters as
# `[A-Za-z!"$%&'(),./;?@\\\]^{}\x80-\U0010ffff]` (a test compares the two over all of Unicode),
# but a range up to U+10FFFF costs `re` ~3 ms to compile, this ~0.06 ms (issue 18).
_PLAIN = r"""(?:[^\x00-\x20#*+\-0-9:<=>\[_`|~\x7f]|[0-9](?![0-9]{0,8}[.)]))"""
# A line that continues a paragraph, as a plain line does: also a `[` that cannot start a
# footnote (a reference definition cannot interrupt a paragraph), one or two backticks (not a
# fence) and emphasis (`*` not followed by a space: neither a list item nor a rule; `_` not
# followed by a space: no rule).
_EMPHASIS = r"\*+(?=[^\s*])|_+(?=[^\s_])"
_CONTINUATION = _PLAIN + r"|\[(?!\^)|`(?!``)|" + _EMPHASIS
_GROUP_END = re.compile(r"\n(?!" + _CONTINUATION + ")")  # the end of a run of lines that continue a paragraph
_BLANKS = re.compile(r"[ \t\n]*")
# A plain line, or a `[`, `#`, fence, `<!--` or `_` emphasis at the start of a line, after a
# blank one: a piece may start (none of them continues a block a blank line left open, but a
# fence or an HTML block of types 1-5, which `_pieces` reads again).
_CUT = re.compile(r"\n[ \t]*\n(?=" + _PLAIN + r"|[\[#]|```|~~~|<!--|_+[^\s_])")
_LETTER = re.compile(_PLAIN)  # a plain line's first character
# The first line of a paragraph at the top level, with no block open: a plain line, a `[` that
# cannot start a reference definition (a `[` or a `]` not followed by `:` closes its label first)
# nor a footnote (`[^`: a footnote's label may hold a `[`), one or two backticks, or emphasis.
_PARAGRAPH_START = re.compile(_PLAIN + r"|\[(?!\^)(?=[^\[\]\\\n]*(?:\[|\](?!:)))|`(?!``)|" + _EMPHASIS)
# A reference definition on one line that markdown-it takes as one whatever the next line is,
# when that line is blank or another of these: a label that starts with no space nor `^` (a
# footnote) and holds no bracket, escape or line break, a destination without
# `<`, escapes or spaces, and perhaps a title without escapes or line breaks. It makes no token.
_DEFINITION = re.compile(
    r"""\[(?![\s^\x00-\x20\x7f])[^\[\]\\\n]{1,201}\]:[ \t]*([^\x00-\x20\x7f<\\]+)"""
    r"""(?:[ \t]+(?:"[^"\\\n]*"|'[^'\\\n]*'|\([^()\\\n]*\)))?[ \t]*(?:\n|\Z)"""
)
_HTML_END = re.compile(r">")  # CommonMark's end markers of HTML blocks 1-5 all end with `>`
_RETRIES = 3


def _pieces(text: str, asked: Asked) -> list[Piece]:
    """Split the text at plain lines (and `[`, `#`, fences, `<!--`) after blank lines, where
    nothing can be open but a fence or an HTML block; read plain runs and the blocks
    `_block_here` knows here, and the rest with markdown-it, one segment at a time, so that a
    segment it left open at its end (an unclosed fence) is read again from that block on."""
    pieces: list[Piece] = []
    env: dict[str, object] = {}
    n = len(text)
    at = 0  # the offset of a line start at the top level, with no block open
    line = 0  # its 0-based line
    plain = _LETTER.match(text) is not None
    while at < n:
        group = -1  # the first line of a plain paragraph whose last line starts the segment
        if plain:
            at, line, group = _plain_run(text, at, line, pieces)
            if at >= n:
                break
        if group < 0:
            after = _block_here(text, at, line, pieces, asked)
            if after > at:  # simple blocks (see `_block_here`) and the blank lines after them
                line += text.count("\n", at, after)
                at = after
                plain = True  # what follows them starts at the top level, with no block open
                continue
        cut = _CUT.search(text, at)
        end = cut.end() if cut else n
        listed = _simple_lists(text, at, end, line) if group < 0 and end > at and text[end - 1] == "\n" else None
        if listed is not None:  # the segment is lists of one-paragraph items: read here
            pieces.append(listed)
            line += text.count("\n", at, end)
            at = end
            plain = True
            continue
        tokens: list[SlimToken] = []
        for attempt in range(_RETRIES + 1):
            segment = _segment(text[at:end], env, asked)
            open_index = _open_at_end(segment, text.count("\n", at, end)) if end < n else None
            if open_index is None:
                break
            opened = segment[open_index]
            tokens.extend(_shifted(segment[:open_index], line))
            first = opened.map[0] if opened.map else 0
            at, line = _skip_lines(text, at, first), line + first
            end = _end_after_close(text, end, opened) if attempt < _RETRIES - 1 else n
        tokens.extend(_shifted(segment, line))
        if group >= 0:  # markdown-it read the paragraph from its last line: it starts earlier
            if tokens[0].type == "table_open":  # that line is a table's header row
                pieces.append(array("q", (group, tokens[0].map[0] if tokens[0].map else group)))
            else:  # a paragraph, or a setext heading: the lines before are plain, the same block
                for token in tokens[:2]:
                    token.map = [group, token.map[1]] if token.map else None
        pieces.append(tokens)
        line += text.count("\n", at, end)
        at = end
        plain = True  # a cut: a plain line after a blank line
    return pieces


def _plain_run(text: str, at: int, line: int, pieces: list[Piece]) -> tuple[int, int, int]:
    """Read the plain paragraphs from `at` (a line start at the top level, with no block open);
    return where the run stops (offset, line) and -1: at the end, at a line after a blank line
    that starts no paragraph (`_PARAGRAPH_START`), or at a heading or fence that ends a paragraph
    directly. When another line that is not plain follows a paragraph directly (it may underline
    it, continue it or start a table with its last line), return the paragraph's last line and
    its first: markdown-it reads from the last line, and `_pieces` moves the start back. Plain
    lines cannot start, end or change a block, so reading them again would only cost time."""
    n = len(text)
    pairs = array("q")
    while at < n and _PARAGRAPH_START.match(text, at):
        stop = _GROUP_END.search(text, at)
        group_end = stop.start() if stop else n
        count = text.count("\n", at, group_end) + 1
        if group_end >= n:
            pairs.extend((line, line + count))
            at, line = n, line + count - 1
            break
        blanks_end = _blank_lines_end(text, group_end + 1)
        if blanks_end == group_end + 1 < n:  # another kind of line follows the paragraph directly
            if _interrupts(text, group_end + 1):  # a heading or a fence: the paragraph ends here
                pairs.extend((line, line + count))
                at, line = group_end + 1, line + count
                break
            if pairs:
                pieces.append(pairs)
            last = text.rfind("\n", at, group_end) + 1
            if count == 1 or not _PARAGRAPH_START.match(text, last):  # a `[a]: /x` line would be read as a definition
                return at, line, -1
            return last, line + count - 1, line
        pairs.extend((line, line + count))
        line += count + text.count("\n", group_end + 1, blanks_end)
        at = blanks_end
    if pairs:
        pieces.append(pairs)
    return at, line, -1


def _interrupts(text: str, at: int) -> bool:
    """Whether the line at `at` is one `_block_here` reads as a heading or a fence: it ends a
    paragraph it follows (its line has no `|`: a table's header row may not)."""
    first = text[at]
    if first == "#":
        return _HEADING.match(text, at) is not None
    if first in "`~":
        return _fence_opening(text, at) is not None
    return False


# An ATX heading at the start of a line (its level, and no `|`: a table's header row comes first).
_HEADING = re.compile(r"(#{1,6})(?:[ \t][^\n|]*)?(?:\n|\Z)")
# A fence's opening line at the start of a line: its marker, and the info string after it.
_FENCE = re.compile(r"(`{3,}|~{3,})([^\n|]*)(?:\n|\Z)")


def _fence_opening(text: str, at: int) -> re.Match[str] | None:
    """The fence opening at `at` (a backtick fence's info string holds no backtick), or None."""
    m = _FENCE.match(text, at)
    return None if m is None or (m.group(1)[0] == "`" and "`" in m.group(2)) else m


def _fence_close(markup: str) -> re.Pattern[str]:
    """The line that closes a fence opened with `markup`: its character, at least as many times."""
    return re.compile(r"^ {0,3}" + re.escape(markup[0]) + "{" + str(len(markup)) + r",}[ \t]*$", re.MULTILINE)


# The first line of a list item that holds one paragraph: a marker, one to four spaces (five
# start an indented code block in the item) and what starts a paragraph at the top level.
_ITEM_START = "(?=" + _PARAGRAPH_START.pattern + ")"
_BULLET_ITEM = re.compile(r"([-*+]) {1,4}" + _ITEM_START)
_ORDERED_ITEM = re.compile(r"([0-9]{1,9})([.)]) {1,4}" + _ITEM_START)
# A line that continues the item's paragraph, indented or not (lazily): a plain line, or what
# else continues a paragraph at the top level (see `_CONTINUATION`).
_CONTINUED = re.compile(r"[ \t]*(?:" + _CONTINUATION + ")")
_BLANK_ROW = re.compile(r"[ \t]*")


def _simple_lists(text: str, at: int, end: int, line: int) -> list[SlimToken] | None:
    """The tokens of the segment text[at:end] (it ends with a line break) when it is lists whose
    items each hold one paragraph, as markdown-it makes them; None otherwise (markdown-it reads
    it). Each item is a marker line (`_BULLET_ITEM` or `_ORDERED_ITEM`) and the lines after it
    that continue its paragraph, lazily or indented (`_CONTINUED`: such a line starts no block
    that could end it); blank lines may stand only before the next item or at the end. An item
    of another kind or marker character starts another list. An item's lines run to the next
    item's line, and the last one's and its list's to the next list or the end of the segment
    (markdown-it takes the blank lines in). These are most of the lists of real posts, and most
    of markdown-it's time on them (issue 18)."""
    rows = text[at:end].split("\n")
    rows.pop()  # after the last line break
    count = len(rows)
    continued, blank = _CONTINUED.match, _BLANK_ROW.fullmatch
    tokens: list[SlimToken] = []
    i = 0
    while i < count:  # a list starts at row i
        m = _BULLET_ITEM.match(rows[i])
        ordered = m is None
        item = _ORDERED_ITEM if ordered else _BULLET_ITEM
        m = item.match(rows[i]) if ordered else m
        if m is None:
            return None  # another line after a blank one
        marker = m.group(2) if ordered else m.group(1)
        kind, tag = ("ordered_list", "ol") if ordered else ("bullet_list", "ul")
        lines = [line + i, 0]
        tokens.append(SlimToken(kind + "_open", tag, 1, 0, lines, marker))
        while i < count and (m := item.match(rows[i])) is not None and m.group(2 if ordered else 1) == marker:
            j = i + 1
            while j < count and continued(rows[j]):
                j += 1
            last = j  # the paragraph ends before a blank line, the next item or the end
            while j < count and blank(rows[j]):
                j += 1
            first = line + i
            paragraph = [first, line + last]
            tokens += [
                SlimToken("list_item_open", "li", 1, 1, [first, line + j], marker, m.group(1) if ordered else ""),
                SlimToken("paragraph_open", "p", 1, 2, paragraph),
                SlimToken("inline", "", 0, 3, list(paragraph)),
                SlimToken("paragraph_close", "p", -1, 2, None),
                SlimToken("list_item_close", "li", -1, 1, None, marker),
            ]
            i = j
        lines[1] = line + i
        tokens.append(SlimToken(kind + "_close", tag, -1, 0, None, marker))
    return tokens


def _block_here(text: str, at: int, line: int, pieces: list[Piece], asked: Asked) -> int:
    """Read the blocks at `at` (a line start at the top level, with no block open) that are
    simple to read here: blank lines or a run of reference definitions (no token), an ATX
    heading, a closed fence, an indented code block or an HTML comment (their tokens, as
    markdown-it makes them, are added to `pieces`). Return the offset after them and the blank
    lines that follow, or `at` when there is none: markdown-it reads it."""
    first = text[at]
    if first in " \t\n":  # blank lines (the masked front matter is spaces) make no token
        after = _blank_lines_end(text, at)
        return after if after > at else _indented_code(text, at, line, pieces)
    if first == "[":
        return _definitions_end(text, at)
    if first == "#":
        return _heading(text, at, line, pieces)
    if first in "`~":
        return _fence(text, at, line, pieces)
    if first == "<":
        return (
            _html_comment(text, at, line, pieces)
            if text.startswith("<!--", at)
            else _html_block(text, at, line, pieces, asked)
        )
    if first in "*-_":
        return _thematic_break(text, at, line, pieces)
    return at


def _thematic_break(text: str, at: int, line: int, pieces: list[Piece]) -> int:
    """A line of three or more of one marker (`*`, `-`, `_`) and spaces or tabs: a rule (`hr`),
    as markdown-it reads it here (no paragraph before it: it underlines no heading). Its markup
    is the marker one more time than the line has it, as markdown-it writes it."""
    eol = text.find("\n", at)
    row = text[at : eol if eol >= 0 else len(text)]
    marker = row[0]
    count = row.count(marker)
    if count < 3 or count + row.count(" ") + row.count("\t") != len(row):
        return at  # a list item, emphasis or a table's delimiter row: markdown-it reads it
    pieces.append([SlimToken("hr", "hr", 0, 0, [line, line + 1], marker * (count + 1))])
    return _blank_lines_end(text, eol + 1) if eol >= 0 else len(text)


def _heading(text: str, at: int, line: int, pieces: list[Piece]) -> int:
    m = _HEADING.match(text, at)
    if m is None:
        return at
    markup, tag, lines = m.group(1), f"h{len(m.group(1))}", [line, line + 1]
    pieces.append(
        [
            SlimToken("heading_open", tag, 1, 0, lines, markup),
            SlimToken("inline", "", 0, 1, list(lines)),
            SlimToken("heading_close", tag, -1, 0, None, markup),
        ]
    )
    return _blank_lines_end(text, m.end())


def _fence(text: str, at: int, line: int, pieces: list[Piece]) -> int:
    m = _fence_opening(text, at)
    if m is None:
        return at  # not a fence: markdown-it reads the line as a paragraph
    markup = m.group(1)
    closing = _fence_close(markup).search(text, m.end()) if m.end() < len(text) else None
    if closing is None:
        return at  # open to the end: markdown-it reads it (its end depends on trailing blanks)
    end = closing.end() + 1 if closing.end() < len(text) else closing.end()
    last = line + 2 + text.count("\n", m.end(), closing.start())  # after the closing line
    pieces.append([SlimToken("fence", "code", 0, 0, [line, last], markup, m.group(2))])
    return _blank_lines_end(text, end)


def _html_comment(text: str, at: int, line: int, pieces: list[Piece]) -> int:
    """An HTML block of type 2 (`<!--`): it ends on the line that holds `-->` (`<!-->` too)."""
    close = text.find("-->", at)
    eol = text.find("\n", at)
    if close < 0 or "|" in text[at : eol if eol >= 0 else len(text)]:
        return at  # open to the end, or perhaps a table's header row: markdown-it reads it
    end = text.find("\n", close) + 1 or len(text)
    pieces.append([SlimToken("html_block", "", 0, 0, [line, line + 1 + text.count("\n", at, close)])])
    return _blank_lines_end(text, end)


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _html_block(text: str, at: int, line: int, pieces: list[Piece], asked: Asked) -> int:
    """An HTML block of CommonMark's type 6 (`<div>`, `</p>`, ... a block-level tag): it ends
    before the next blank line. Its first line is judged by markdown-it's own patterns, in its
    order (types 1-5 come first)."""
    eol = text.find("\n", at)
    first_line = text[at : eol if eol >= 0 else len(text)]
    kind = _html_kind(first_line, asked)
    blank = _BLANK_LINE.search(text, at) if kind == 5 and eol >= 0 else None
    if kind != 5 or "|" in first_line or blank is None:
        return at  # another type, perhaps a table's header row, or open to the end: markdown-it reads it
    pieces.append([SlimToken("html_block", "", 0, 0, [line, line + 1 + text.count("\n", at, blank.start())])])
    return _blank_lines_end(text, blank.start() + 1)


# The start of an indented code block (4 columns: a table's header row cannot be indented so),
# and the line break before the first line after it that is neither blank nor indented so.
_INDENTED = re.compile(r" {4}| {0,3}\t")
_INDENTED_END = re.compile(r"\n(?! {4}| {0,3}\t|[ \t]*(?:\n|\Z))")


def _indented_code(text: str, at: int, line: int, pieces: list[Piece]) -> int:
    """Read the indented code block at `at` (see `_block_here`); `at` when there is none. It
    runs over indented and blank lines, and ends with its last indented line."""
    if _INDENTED.match(text, at) is None:
        return at
    stop = _INDENTED_END.search(text, at)
    end = stop.start() if stop else len(text)
    last = at + len(text[at:end].rstrip(" \t\n"))  # the end of the last line that is not blank
    pieces.append([SlimToken("code_block", "code", 0, 0, [line, line + 1 + text.count("\n", at, last)])])
    return _blank_lines_end(text, end + 1) if end < len(text) else end


def _definitions_end(text: str, at: int) -> int:
    """After the run of one-line reference definitions at `at` (a line start at the top level)
    and the blank lines after it; `at` when there is no such run, or a line that is not blank
    follows it directly (it might hold a title or continue a label: markdown-it reads those)."""
    end = at
    while (m := _DEFINITION.match(text, end)) is not None and _valid_destination(m.group(1)):
        end = m.end()
    if end == at:
        return at
    after = _blank_lines_end(text, end)
    return after if after > end or after >= len(text) else at


def _valid_destination(destination: str) -> bool:
    """Whether markdown-it takes a definition with this destination (of the characters
    `_DEFINITION` allows): its parentheses balance, and its scheme is not one that markdown-it's
    `validateLink` refuses (`javascript:` and the like, perhaps spelt with entities such as
    `&colon;`, which markdown-it decodes first). Otherwise the line is a paragraph."""
    if "(" in destination or ")" in destination:
        depth = 0
        for ch in destination:
            if ch == "(":
                depth += 1
                if depth > 32:
                    return False
            elif ch == ")":
                depth -= 1
                if depth < 0:
                    return False
        if depth:
            return False
    # Other schemes are left to markdown-it (the run is read by it).
    return destination.startswith(("http://", "https://")) or not (":" in destination or "&" in destination)


def _blank_lines_end(text: str, at: int) -> int:
    """The start of the first line from `at` (a line start) that is not blank, or the end."""
    end = _BLANKS.match(text, at).end()  # type: ignore[union-attr]
    return end if end >= len(text) else text.rfind("\n", at, end) + 1 or at


def _parse_segment(source: str, env: dict[str, object]) -> list[Token]:
    return _parser(_SETEXT_UNDERLINE.search(source) is not None).parse(source, env)


# ----- what markdown-it said, remembered (issue 18: one edited post) ----------------------------
# A post is checked again after an edit, which seldom touches its lists, quotes, tables or HTML
# blocks. What markdown-it said about those texts when the post was last checked is kept in its
# result-cache entry (`packed`), and read back before the post is parsed again (`remember`): a
# segment's block tokens, by the digest of its text, and the HTML block type of a `<` line, by
# the line. Both are functions of that text alone (markdown-it's `env` only collects the
# reference and footnote labels; no token reads it), so the tokens are the same, and a post
# whose changed parts are simple blocks imports no markdown-it (~15 ms of a 0.14 s run).
_RECORDED = 1 << 20  # characters: a longer text's answers are not recorded (nor is it cached)
_KNOWN_SEGMENTS: dict[bytes, tuple[Any, ...]] = {}
_KNOWN_KINDS: dict[str, int | None] = {}
_PACKING = 1  # the layout of `packed`


class Asked:
    """What markdown-it was asked while one text was parsed (when `recording`): the packed
    tokens of each segment by its digest, and the HTML block type of each `<` line."""

    __slots__ = ("kinds", "recording", "segments")

    def __init__(self, recording: bool) -> None:
        self.recording = recording
        self.segments: dict[bytes, tuple[Any, ...]] = {}
        self.kinds: dict[str, int | None] = {}


def _segment(source: str, env: dict[str, object], asked: Asked) -> Sequence[Parsed]:
    """The block tokens of one segment: remembered, or parsed by markdown-it."""
    if not (asked.recording or _KNOWN_SEGMENTS):
        return _parse_segment(source, env)
    key = blake2b(source.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    known = _KNOWN_SEGMENTS.get(key)
    if known is None:
        tokens = _parse_segment(source, env)
        if asked.recording:
            asked.segments[key] = tuple(
                (t.type, t.tag, t.nesting, t.level, tuple(t.map) if t.map else None, t.markup, t.info) for t in tokens
            )
        return tokens
    if asked.recording:
        asked.segments[key] = known
    return [SlimToken(k, tag, nesting, level, list(m) if m else None, markup, info)
            for k, tag, nesting, level, m, markup, info in known]  # fmt: skip


def _html_kind(first_line: str, asked: Asked) -> int | None:
    """The index in markdown-it's HTML_SEQUENCES of the first HTML block type whose opening
    `first_line` matches (None: no HTML block), remembered or asked."""
    if first_line in _KNOWN_KINDS:
        kind = _KNOWN_KINDS[first_line]
    else:
        from markdown_it.rules_block.html_block import HTML_SEQUENCES

        kind = next((i for i, (opening, _, _) in enumerate(HTML_SEQUENCES) if opening.search(first_line)), None)
    if asked.recording:
        asked.kinds[first_line] = kind
    return kind


def packed(tokens: BlockTokens) -> bytes | None:
    """What markdown-it said about the segments and lines of `tokens`' text, for the result
    cache (`remember` reads it back); None: nothing was asked, or it was not recorded."""
    asked = tokens.asked
    if asked is None or not asked.recording or not (asked.segments or asked.kinds):
        return None
    return marshal.dumps((_PACKING, tuple(asked.segments.items()), tuple(asked.kinds.items())))


def remember(blob: object) -> None:
    """Take in a packing (`packed`) from the result cache, for the parse of the post again; a
    damaged or foreign one is ignored (markdown-it is asked)."""
    if not isinstance(blob, bytes):
        return
    try:
        entry = marshal.loads(blob)
        version, segments, kinds = entry
    except (EOFError, ValueError, TypeError):
        return
    if version != _PACKING or not isinstance(segments, tuple) or not isinstance(kinds, tuple):
        return
    if len(_KNOWN_SEGMENTS) + len(_KNOWN_KINDS) >= 4096:  # a long-lived process keeps no more
        _KNOWN_SEGMENTS.clear()
        _KNOWN_KINDS.clear()
    try:
        found_segments = {k: v for k, v in segments if isinstance(k, bytes) and _tokens_ok(v)}
        found_kinds = {k: v for k, v in kinds if isinstance(k, str) and (v is None or type(v) is int)}
    except (TypeError, ValueError):
        return
    _KNOWN_SEGMENTS.update(found_segments)
    _KNOWN_KINDS.update(found_kinds)


def _tokens_ok(tokens: object) -> bool:
    """Whether `tokens` has the layout `_segment` packs (a damaged cache is never trusted)."""
    if not isinstance(tokens, tuple):
        return False
    for t in tokens:
        if not (isinstance(t, tuple) and len(t) == 7 and type(t[2]) is int and type(t[3]) is int):
            return False
        kind, tag, _, _, lines, markup, info = t
        if not (type(kind) is str and type(tag) is str and type(markup) is str and type(info) is str):
            return False
        if lines is not None and not (
            isinstance(lines, tuple) and len(lines) == 2 and type(lines[0]) is int and type(lines[1]) is int
        ):
            return False
    return True


def _open_at_end(tokens: Sequence[Parsed], lines: int) -> int | None:
    """The index of a top-level fence or HTML block that runs to the end of the segment (the
    segment ends with a blank line, so such a block found no end marker: it may close later)."""
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        if token.level == 0:
            runs_on = token.type in ("fence", "html_block") and token.map is not None and token.map[1] >= lines
            return index if runs_on else None
    return None


def _end_after_close(text: str, at: int, opened: Parsed) -> int:
    """The first cut after the line that may close `opened` (a fence or an HTML block), or the end."""
    if opened.type == "fence" and opened.markup:
        close = _fence_close(opened.markup).search(text, at)
    else:
        close = _HTML_END.search(text, at)
    cut = _CUT.search(text, close.end()) if close else None
    return cut.end() if cut else len(text)


def _skip_lines(text: str, at: int, count: int) -> int:
    for _ in range(count):
        at = text.index("\n", at) + 1
    return at


def _shifted(tokens: Sequence[Parsed], lines: int) -> list[SlimToken]:
    """The tokens as `SlimToken`s (markdown-it's are dropped), their lines moved by `lines`."""
    return [
        SlimToken(
            t.type, t.tag, t.nesting, t.level, [t.map[0] + lines, t.map[1] + lines] if t.map else None, t.markup, t.info
        )
        for t in tokens
    ]


_BACKTICKS = re.compile(r"`+")


def find_code_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Code spans in text[start:end] by CommonMark's rule: a run of N backticks opens a span
    closed by the next run of exactly N backticks; an unmatched run is literal text.
    A backslash before the opening run escapes it. Linear-ish: each run is visited once."""
    count = text.count("`", start, end)
    if count < 2:
        return []
    if count == 2:  # most segments with code: two single backticks (or one run of two), read by find
        first = text.find("`", start, end)
        second = text.find("`", first + 1, end)
        if second == first + 1:
            return []  # one run of two: no span
        if first == start or text[first - 1] != "\\":
            return [(first, second + 1)]
    runs = [(m.start(), m.end() - m.start()) for m in _BACKTICKS.finditer(text, start, end)]
    if len(runs) < 2:
        return []
    if len(runs) == 2 and runs[0][1] == runs[1][1] and (runs[0][0] == start or text[runs[0][0] - 1] != "\\"):
        return [(runs[0][0], runs[1][0] + runs[1][1])]  # the common case: one span, unescaped
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
_DESTINATION_STOP = re.compile(r"""[()]|\s(?=["'])""")
_PAREN_TITLE = re.compile(r"\s+\([^()]*\)$")
_PLAIN_DESTINATION = re.compile(r"[^()\s]*\)")  # `(https://x.org/a)`: no space, no inner parenthesis


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
    plain = _PLAIN_DESTINATION.match(text, at, limit)
    if plain is not None:  # what the loop below gives for it, in one match (most links)
        return (at, plain.end() - 1, plain.end())
    depth = 1
    for stop in _DESTINATION_STOP.finditer(text, at, limit):  # jump to the next ( ) or space-quote
        i = stop.start()
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return _stripped(text, at, i, i + 1)
        else:
            m = _TITLE.match(text, i, limit)
            if m is None:
                return None
            return _stripped(text, at, i, m.end()) if depth == 1 else None
    return None


def _stripped(text: str, start: int, end: int, close: int) -> tuple[int, int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    title = _PAREN_TITLE.search(text, start, end)
    return (start, title.start() if title else end, close)
