"""Every reference a post makes, with the exact offsets of its target: Markdown links and images
(inline and reference definitions), autolinks, HTML `href`/`src`, `{% link %}`, `{% post_url %}`,
`{% include %}` and its parameters, and Markdown links inside include parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .document import Document
from .liquid import LiquidSpan, include_params


@dataclass(frozen=True)
class Reference:
    kind: str  # "link", "image", "definition", "autolink", "html-href", "html-src", "liquid-link", "post-url", "include", "include-param"
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


def _destination(text: str, at: int, limit: int) -> tuple[int, int, int] | None:
    """(start, end, close) of an inline link destination starting at `at` (after `(`): balanced
    parentheses, stopping at whitespace; `close` is the offset after the closing `)`."""
    i = at
    while i < limit and text[i] in " \t":
        i += 1
    if i < limit and text[i] == "<":
        end = text.find(">", i)
        if end < 0 or end > limit:
            return None
        close = text.find(")", end)
        return (i + 1, end, close + 1 if close >= 0 else end + 1)
    start = i
    depth = 0
    while i < limit:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return (start, i, i + 1)
            depth -= 1
        elif ch in "\n":
            break
        i += 1
    return None


def references(doc: Document) -> list[Reference]:
    """The document's references, extracted once and shared by every rule."""
    cached = doc.__dict__.get("_references")
    if cached is None:
        cached = doc.__dict__["_references"] = extract(doc)
    return cached


def extract(doc: Document) -> list[Reference]:
    """Every reference outside code and `{% raw %}` bodies, in document order."""
    raw = [(b.start, b.end) for b in doc.liquid.bodies if b.name == "raw"]
    refs = [r for r in _extract(doc) if not any(a <= r.start < b for a, b in raw)]
    return sorted(refs, key=lambda r: (r.start, r.kind))


def _extract(doc: Document):  # type: ignore[no-untyped-def]
    text = doc.text
    masked = doc.masked
    for seg_start, seg_end in doc.inline_segments:
        for m in _LINK_START.finditer(masked, seg_start, seg_end):
            if doc.in_code(m.start()) or (m.start() > 0 and masked[m.start() - 1] == "\\"):
                continue
            dest = _destination(masked, m.end(), seg_end)
            if dest is None:
                continue
            start, end, _ = dest
            kind = "image" if m.group(1) else "link"
            span = doc.liquid_at(start) if start < end else None
            target = text[start:end]
            yield Reference(kind, target, start, end, m.start(), text[m.start(2) : m.end(2)], span)
        for m in _AUTOLINK.finditer(masked, seg_start, seg_end):
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
            at = text.find(target, span.start + 2 + len(span.name)) if target else span.start
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
                    dest = _destination(text, m.end(), p.value_end)
                    if dest:
                        yield Reference("link", text[dest[0] : dest[1]], dest[0], dest[1], m.start(), m.group(2), span)


def _is_block_start(doc: Document, offset: int) -> bool:
    return offset == 0 or doc.text[offset - 1] == "\n"


@lru_cache(maxsize=1)
def _slug_re() -> re.Pattern[str]:
    return re.compile(r"[^\w\- \t]")  # kramdown's NON_WORD_RE: /[^\p{Word}\- \t]/


def kramdown_ids(doc: Document) -> set[str]:
    """Heading ids as kramdown's GFM parser makes them on GitHub Pages (see RL404's page), plus
    explicit `{#id}` attributes and HTML `id=` attributes."""
    ids: set[str] = set()
    counter: dict[str, int] = {}
    for h in doc.headings:
        raw = h.text(doc)
        explicit = re.search(r"\{:?\s*#([\w-]+)[^}]*\}\s*$", raw)
        if explicit:
            ids.add(explicit.group(1))
            continue
        # kramdown-parser-gfm's generate_gfm_header_id works on the heading's raw source text.
        slug = _slug_re().sub("", raw.lower()).replace(" ", "-").replace("\t", "-")
        seen = counter.get(slug, -1) + 1
        counter[slug] = seen
        ids.add(slug if seen == 0 else f"{slug}-{seen}")
    for m in re.finditer(r"\bid\s*=\s*[\"']([^\"']+)[\"']", doc.text):
        ids.add(m.group(1))
    for m in re.finditer(r"\{:\s*#([\w-]+)", doc.text):
        ids.add(m.group(1))
    return ids
