"""Every reference a post makes, with the exact offsets of its target: Markdown links and images
(inline and reference definitions), autolinks, HTML `href`/`src`, `{% link %}`, `{% post_url %}`,
`{% include %}` and its parameters, and Markdown links inside include parameters."""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from itertools import repeat
from typing import NamedTuple, cast, overload

from ..document import Document, _Columns
from .liquid import LiquidSpan, include_params
from ..markdown import link_destination
from ..memo import Key


class Reference(NamedTuple):
    # "link", "image", "definition", "autolink", "html-href", "html-src", "liquid-link", "post-url",
    # "include", "include-param"
    kind: str
    target: str
    start: int  # offsets of the target in the document text
    end: int
    label_start: int = 0  # for links/images: offset of `[` / `![`
    text: str = ""  # link text or alt text
    liquid: LiquidSpan | None = None  # the Liquid span that is (or holds) the target
    param: str = ""  # include parameter name
    template: str = ""  # include template


# A tuple's own constructor, called from C by `map`: a Reference made from a row of the columns
# costs a fifth of a dataclass's __init__ (a loop over 280,000 references: 0.04 s, not 0.19 s).
_MAKE = cast("Callable[[type[Reference], tuple[object, ...]], Reference]", tuple.__new__)


_KEEP_MADE = 10_000  # references: up to this many are made once and kept, more are made as read


class References(_Columns[Reference]):
    """A post's references, kept in columns (offsets in arrays, strings in lists; the fields most
    references leave empty, only once one is set) and made into `Reference`s as they are read
    (up to _KEEP_MADE of them are made once and kept): ~50 bytes a reference where a `Reference`
    with its three offset ints costs ~200 (a post of 280,000 links would hold 56 MB of them)."""

    __slots__ = (
        "_ends",
        "_kinds",
        "_labels",
        "_liquids",
        "_made",
        "_params",
        "_starts",
        "_targets",
        "_templates",
        "_texts",
    )

    def __init__(self, refs: Iterable[Reference] = ()) -> None:
        self._kinds: list[str] = []
        self._targets: list[str] = []
        self._starts, self._ends, self._labels = array("q"), array("q"), array("q")
        self._texts: list[str] = []
        self._liquids: list[LiquidSpan | None] | None = None  # None: every one is None
        self._params: list[str] | None = None  # None: every one is ""
        self._templates: list[str] | None = None
        self._made: list[Reference] | None = None  # the references made, once read (a few only)
        for ref in refs:
            self.add(*ref)

    def add(
        self,
        kind: str,
        target: str,
        start: int,
        end: int,
        label_start: int = 0,
        text: str = "",
        liquid: LiquidSpan | None = None,
        param: str = "",
        template: str = "",
    ) -> None:
        count = len(self._kinds)
        self._made = None
        self._kinds.append(kind)
        self._targets.append(target)
        self._starts.append(start)
        self._ends.append(end)
        self._labels.append(label_start)
        self._texts.append(text)
        if liquid is not None and self._liquids is None:
            self._liquids = [None] * count
        if self._liquids is not None:
            self._liquids.append(liquid)
        if param and self._params is None:
            self._params = [""] * count
        if self._params is not None:
            self._params.append(param)
        if template and self._templates is None:
            self._templates = [""] * count
        if self._templates is not None:
            self._templates.append(template)

    def __len__(self) -> int:
        return len(self._kinds)

    def __iter__(self) -> Iterator[Reference]:
        if self._made is not None:
            return iter(self._made)
        made = map(_MAKE, repeat(Reference), zip(*self._columns()))
        if len(self._kinds) > _KEEP_MADE:
            return made
        self._made = list(made)  # a post's few references are made once, for every rule's loop
        return iter(self._made)

    def _columns(self) -> list[Iterable[object]]:
        return [
            self._kinds,
            self._targets,
            self._starts,
            self._ends,
            self._labels,
            self._texts,
            repeat(None) if self._liquids is None else self._liquids,
            repeat("") if self._params is None else self._params,
            repeat("") if self._templates is None else self._templates,
        ]

    @overload
    def __getitem__(self, index: int) -> Reference: ...
    @overload
    def __getitem__(self, index: slice) -> list[Reference]: ...
    def __getitem__(self, index: int | slice) -> Reference | list[Reference]:
        if isinstance(index, slice):
            return list(self)[index]
        i = index + len(self) if index < 0 else index
        if not 0 <= i < len(self):
            raise IndexError("reference index out of range")
        return Reference(
            self._kinds[i],
            self._targets[i],
            self._starts[i],
            self._ends[i],
            self._labels[i],
            self._texts[i],
            None if self._liquids is None else self._liquids[i],
            "" if self._params is None else self._params[i],
            "" if self._templates is None else self._templates[i],
        )

    def _reordered(self, order: Iterable[int]) -> References:
        """The references at the given indexes, in that order."""
        result = References()
        order = list(order)
        result._kinds = [self._kinds[i] for i in order]
        result._targets = [self._targets[i] for i in order]
        result._starts = array("q", [self._starts[i] for i in order])
        result._ends = array("q", [self._ends[i] for i in order])
        result._labels = array("q", [self._labels[i] for i in order])
        result._texts = [self._texts[i] for i in order]
        if self._liquids is not None:
            result._liquids = [self._liquids[i] for i in order]
        if self._params is not None:
            result._params = [self._params[i] for i in order]
        if self._templates is not None:
            result._templates = [self._templates[i] for i in order]
        return result


_LINK_START = re.compile(r"(!?)\[((?:[^\[\]\\\n]|\\.|\[[^\[\]\n]*\])*)\][ \t]?\(")
_DEFINITION = re.compile(r"^ {0,3}\[([^\]\n^][^\]\n]*)\]:[ \t]*(<[^>\n]*>|\S+)", re.MULTILINE)
# A line that may hold a definition: a search for its newline skips ahead in C, where a pattern
# anchored at line starts tries every offset (4x slower), and one searched from each `[` reads a
# line of 50,000 `[` once per bracket (quadratic).
_LINE_BRACKET = re.compile(r"\n {0,3}\[")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^\s<>]*)>", re.IGNORECASE)
_ALT = re.compile(r"\balt\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.IGNORECASE)
# `[^<>]*?`: an attempt stops at the next `<`, so 50,000 unclosed `<a` take linear time.
_HTML_ATTR = re.compile(r"<(a|img)\b[^<>]*?\b(href|src)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)


_REFERENCES: Key[References] = Key("references")
_UNCLOSED: Key[list[tuple[int, int]]] = Key("unclosed-links")


def references(doc: Document) -> References:
    """The document's references, extracted once and shared by every rule."""
    return doc.memo.get(_REFERENCES, lambda: _remembered(doc))


def _remembered(doc: Document) -> References:
    refs, unclosed = _collect(doc)
    doc.memo.put(_UNCLOSED, unclosed)
    return refs


def extract(doc: Document) -> References:
    """Every reference outside code and `{% raw %}` bodies, in document order."""
    return _collect(doc)[0]


def _collect(doc: Document) -> tuple[References, list[tuple[int, int]]]:
    """The references (see extract) and the unclosed inline links (see unclosed_links): one scan
    of the inline segments serves both."""
    refs = References()
    unclosed = _scan_inline(doc, refs)
    for ref in _extract(doc):  # the order of kinds does not matter: sorted by (start, kind) below
        refs.add(*ref)
    raw = [(b.start, b.end) for b in doc.liquid.bodies if b.name == "raw"]
    if raw:
        keep = [i for i, start in enumerate(refs._starts) if not any(a <= start < b for a, b in raw)]
        if len(keep) < len(refs):
            refs = refs._reordered(keep)
    order = _order(refs)
    return (refs if order is None else refs._reordered(order)), unclosed


def _order(refs: References) -> list[int] | None:
    """The indexes of the references sorted by (start, kind), stably; None when they are in that
    order already (mostly: a post of inline links only is)."""
    starts, kinds = refs._starts, refs._kinds
    previous = (-1, "")
    for key in zip(starts, kinds):
        if key < previous:
            return sorted(range(len(refs)), key=lambda i: (starts[i], kinds[i]))
        previous = key
    return None


def _scan_inline(doc: Document, refs: References) -> list[tuple[int, int]]:
    """Add the inline links and images of the inline segments to `refs`; return the unclosed
    links among them (see unclosed_links)."""
    text = doc.text
    masked = doc.masked
    liquid_at = doc.liquid_at if doc.liquid.spans else None
    add = refs.add
    # most links: no Liquid, and nothing else set yet: appended to the columns directly
    kinds, targets, texts = refs._kinds.append, refs._targets.append, refs._texts.append
    starts, ends, labels = refs._starts.append, refs._ends.append, refs._labels.append
    unclosed: list[tuple[int, int]] = []
    search = _next_link_start
    # Openers come in increasing order: whether one is in code (as Document.in_code says) is
    # read by walking the code ranges forward, not by bisection (no list of their starts).
    code_starts, code_ends = doc.code_ranges.starts, doc.code_ranges.ends
    code_count, passed = len(code_starts), 0  # passed: the code ranges starting at or before it
    # The same target or link text repeated (`here`, a site's own URLs) is one string, from a
    # small table emptied when full: no table the size of a post of unique links.
    shared: dict[str, str] = {}
    bracket = masked.find("[")  # the first `[` at or after the segment's start, once known
    for seg_start, seg_end in doc.inline_segments if bracket >= 0 else ():  # in order of their starts
        if bracket < seg_start:
            bracket = masked.find("[", seg_start)
            if bracket < 0:
                break
        if bracket >= seg_end:
            continue  # no `[`: no link (most segments, skipped without a search)
        # Every `[` or `![` that opens a link, including those inside another link's text
        # (`[![alt](src)](href)` is an image inside a link): the next search starts in the text.
        pos = seg_start
        while (m := search(masked, pos, seg_end)) is not None:
            pos = m.start(2)
            opener = m.start()
            while passed < code_count and code_starts[passed] <= opener:
                passed += 1
            if passed and opener < code_ends[passed - 1]:
                continue
            bang = m.group(1)
            escaped = masked[opener - 1] == "\\" and _escaped(masked, opener)
            if escaped and not bang:  # `\![a](x)` is a `!` and a link; `\[a](x)` is text
                continue
            after = m.end()
            dest = link_destination(masked, after, seg_end)
            if dest is None:
                if not bang and masked[after - 2] == "]":  # `[a](x` never closed; `[a] (x` is text anyway
                    line_end = masked.find("\n", after)
                    unclosed.append((opener, seg_end if line_end < 0 or line_end > seg_end else line_end))
                continue
            start, end, _ = dest
            kind = "image" if bang and not escaped else "link"
            span = liquid_at(start) if liquid_at is not None and start < end else None
            label = opener + 1 if escaped else opener
            if len(shared) > 4096:
                shared.clear()
            target, label_text = text[start:end], text[m.start(2) : m.end(2)]
            target, label_text = shared.setdefault(target, target), shared.setdefault(label_text, label_text)
            if span is not None or refs._liquids is not None or refs._made is not None:
                add(kind, target, start, end, label, label_text, span)
                continue
            kinds(kind)
            targets(target)
            starts(start)
            ends(end)
            labels(label)
            texts(label_text)
    return unclosed


def _next_link_start(text: str, pos: int, end: int) -> re.Match[str] | None:
    """`_LINK_START.search(text, pos, end)`, one `[` at a time: str.find goes to it, and the
    pattern is tried there (from a `!` just before it, if any). A match can start nowhere else,
    and where the `[` fails, the `!` before it fails too (the rest of the pattern is the same)."""
    match = _LINK_START.match
    while (i := text.find("[", pos, end)) >= 0:
        m = match(text, i - 1 if i > pos and text[i - 1] == "!" else i, end)
        if m is not None:
            return m
        pos = i + 1
    return None


def _extract(doc: Document):  # type: ignore[no-untyped-def]
    text = doc.text
    masked = doc.masked
    for seg_start, seg_end in doc.inline_segments if "<" in masked else ():
        for m in _AUTOLINK.finditer(masked, seg_start, seg_end) if masked.find("<", seg_start, seg_end) >= 0 else ():
            if not doc.in_code(m.start()):
                yield Reference("autolink", m.group(1), m.start(1), m.end(1))
    for m in _definitions(masked, doc.body_offset):
        if doc.in_code(m.start()) or not _is_block_start(doc, m.start()):
            continue
        raw = m.group(2)
        start = m.start(2) + (1 if raw.startswith("<") else 0)
        end = m.end(2) - (1 if raw.startswith("<") else 0)
        yield Reference("definition", text[start:end], start, end, m.start(), m.group(1))
    for m in _HTML_ATTR.finditer(masked, doc.body_offset) if "<" in masked else ():
        if doc.in_code(m.start()):
            continue
        group = 3 if m.group(3) is not None else 4 if m.group(4) is not None else 5
        kind = "html-href" if m.group(2).lower() == "href" else "html-src"
        start, end = m.start(group), m.end(group)
        alt = _ALT.search(masked, m.start(), masked.find(">", m.start()) + 1)
        alt_text = (alt.group(1) if alt.group(1) is not None else alt.group(2)) if alt else None
        yield Reference(
            kind, text[start:end], start, end, m.start(), "\0" if alt_text is None else alt_text, doc.liquid_at(start)
        )
    for span in doc.liquid.spans:
        if span.kind != "tag" or doc.in_code(span.start):
            continue
        if span.name in ("link", "post_url"):
            target = span.markup.split()[0] if span.markup.split() else ""
            after_name = text.find(span.name, span.start + 2) + len(span.name)  # `{%- link`: the name is not at +2
            at = text.find(target, after_name) if target else span.start
            kind = "liquid-link" if span.name == "link" else "post-url"
            yield Reference(kind, target, at, at + len(target), span.start, liquid=span)
        elif span.name == "include":
            template, params = include_params(text, span)
            at = text.find(template, span.start) if template else span.start
            yield Reference("include", template, at, at + len(template), span.start, liquid=span, template=template)
            for p in params:
                yield Reference(
                    "include-param",
                    p.value,
                    p.value_start,
                    p.value_end,
                    span.start,
                    liquid=span,
                    param=p.name,
                    template=template,
                )
                for m in _LINK_START.finditer(text, p.value_start, p.value_end):
                    dest = link_destination(text, m.end(), p.value_end)
                    if dest:
                        yield Reference("link", text[dest[0] : dest[1]], dest[0], dest[1], m.start(), m.group(2), span)


def _definitions(text: str, start: int) -> Iterator[re.Match[str]]:
    """`_DEFINITION.finditer(text, start)`: its matches stay on one line and start at its start,
    so each line that starts with `[` (after at most three spaces) is matched once, in order."""
    if start == 0 or text[start - 1] == "\n":
        found = _DEFINITION.match(text, start)
        if found is not None:
            yield found
    for line in _LINE_BRACKET.finditer(text, start):
        found = _DEFINITION.match(text, line.start() + 1)
        if found is not None:
            yield found


def unclosed_links(doc: Document) -> list[tuple[int, int]]:
    """(start of `[`, end of paragraph line) of inline links whose `(` is never closed:
    kramdown renders them as text, brackets and all."""
    references(doc)  # found by the same scan
    return doc.memo.get(_UNCLOSED, list)


def _escaped(text: str, offset: int) -> bool:
    """Whether the character at `offset` is escaped: an odd run of backslashes before it."""
    pos = offset
    while pos > 0 and text[pos - 1] == "\\":  # the run is walked back: no copy of the text before it
        pos -= 1
    return (offset - pos) % 2 == 1


def _is_block_start(doc: Document, offset: int) -> bool:
    return offset == 0 or doc.text[offset - 1] == "\n"


def kramdown_ids(doc: Document) -> set[str]:
    """Fragment targets of a post with Jekyll's default kramdown options (see kramdown_ids.py)."""
    from .kramdown_ids import targets

    return set(targets(doc).ids)
