"""Every reference a post makes, with the exact offsets of its target: Markdown links and images
(inline and reference definitions), autolinks, HTML `href`/`src`, `{% link %}`, `{% post_url %}`,
`{% include %}` and its parameters, and Markdown links inside include parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import attrgetter

from ..document import Document
from .liquid import LiquidSpan, include_params
from ..markdown import link_destination
from ..memo import Key


@dataclass(frozen=True, slots=True)
class Reference:
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


_LINK_START = re.compile(r"(!?)\[((?:[^\[\]\\\n]|\\.|\[[^\[\]\n]*\])*)\][ \t]?\(")
_DEFINITION = re.compile(r"^ {0,3}\[([^\]\n^][^\]\n]*)\]:[ \t]*(<[^>\n]*>|\S+)", re.MULTILINE)
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^\s<>]*)>", re.IGNORECASE)
_ALT = re.compile(r"\balt\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.IGNORECASE)
# `[^<>]*?`: an attempt stops at the next `<`, so 50,000 unclosed `<a` take linear time.
_HTML_ATTR = re.compile(r"<(a|img)\b[^<>]*?\b(href|src)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)


_REFERENCES: Key[list[Reference]] = Key("references")


def references(doc: Document) -> list[Reference]:
    """The document's references, extracted once and shared by every rule."""
    return doc.memo.get(_REFERENCES, lambda: extract(doc))


def extract(doc: Document) -> list[Reference]:
    """Every reference outside code and `{% raw %}` bodies, in document order."""
    raw = [(b.start, b.end) for b in doc.liquid.bodies if b.name == "raw"]
    refs = list(_extract(doc))
    if raw:
        refs = [r for r in refs if not any(a <= r.start < b for a, b in raw)]
    if not _in_order(refs):  # mostly in order already (a post of inline links only: all of it)
        refs.sort(key=_ORDER)  # a linear pass, but with a key tuple for every reference
    return refs


_ORDER = attrgetter("start", "kind")


def _in_order(refs: list[Reference]) -> bool:
    """Whether sorting by (start, kind) would leave the list as it is (the sort is stable)."""
    previous = (-1, "")
    for ref in refs:
        key = (ref.start, ref.kind)
        if key < previous:
            return False
        previous = key
    return True


_INLINE: Key[tuple[list[Reference], list[tuple[int, int]]]] = Key("inline-links")


def _inline(doc: Document) -> tuple[list[Reference], list[tuple[int, int]]]:
    """The inline links and images of the inline segments, and the unclosed links among them
    (see unclosed_links): one scan serves both."""
    return doc.memo.get(_INLINE, lambda: _scan_inline(doc))


def _scan_inline(doc: Document) -> tuple[list[Reference], list[tuple[int, int]]]:
    text = doc.text
    masked = doc.masked
    liquid_at = doc.liquid_at if doc.liquid.spans else None
    refs: list[Reference] = []
    unclosed: list[tuple[int, int]] = []
    search = _next_link_start
    # Openers come in increasing order: whether one is in code (as Document.in_code says) is
    # read by walking the code ranges forward, not by bisection (no list of their starts).
    code_starts, code_ends = doc.code_ranges.starts, doc.code_ranges.ends
    code_count, passed = len(code_starts), 0  # passed: the code ranges starting at or before it
    # The same target or link text repeated (`here`, a site's own URLs) is one string, from a
    # small table emptied when full: no table the size of a post of unique links.
    shared: dict[str, str] = {}
    for seg_start, seg_end in doc.inline_segments:
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
            refs.append(Reference(kind, target, start, end, label, label_text, span))
    return refs, unclosed


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
    yield from _inline(doc)[0]  # the order of kinds does not matter: extract sorts by (start, kind)
    for seg_start, seg_end in doc.inline_segments if "<" in masked else ():
        for m in _AUTOLINK.finditer(masked, seg_start, seg_end) if masked.find("<", seg_start, seg_end) >= 0 else ():
            if not doc.in_code(m.start()):
                yield Reference("autolink", m.group(1), m.start(1), m.end(1))
    for m in _DEFINITION.finditer(masked, doc.body_offset):
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


def unclosed_links(doc: Document) -> list[tuple[int, int]]:
    """(start of `[`, end of paragraph line) of inline links whose `(` is never closed:
    kramdown renders them as text, brackets and all."""
    return _inline(doc)[1]


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
