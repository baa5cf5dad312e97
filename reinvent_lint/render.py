"""What a post renders to, for the fix engine's render check: a fix is written only if the page
renders the same outside the span it means to change (the discipline of mdformat and ruff).

The model: Jekyll renders Liquid first, then Markdown. Liquid is rendered the way Jekyll renders
the idioms that print text: an output of a literal string (`{{ '{{' }}`, `{{ "}}" }}`) prints the
string, a `raw` block prints its body, comments and tags that render nothing print nothing (a
blank line when alone on their line); any other tag or output becomes an opaque word made from
its own text (unchanged Liquid renders the same before and after a fix). Markdown is rendered
by markdown-it (CommonMark with tables, strikethrough and footnotes: kramdown's GFM input agrees
with it on what fixes touch: emphasis, links, headings, code, whitespace).

The HTML is compared block by block: every top-level block that no edit touches must render to
exactly the same HTML, in the same order. The blocks an edit touches must keep their text and
their tags and attributes (whitespace aside), unless the fix is unsafe or its rule exists to
change how its span renders (RENDER_FIXES).
"""

from __future__ import annotations

import bisect
import hashlib
import html
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from .jekyll import liquid
from .problem import EDIT_ORDER, Edit, Problem, Safety

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

    from .document import Document

# Rules whose safe fix exists to change how its own span renders: a `#Heading` paragraph that
# becomes a heading, `[text] (url)` that becomes a link, a link target's case, code wrapped in
# `{% raw %}` so it prints its braces, a tag's case in front matter.
RENDER_FIXES = frozenset({"RL206", "RL401", "RL402", "RL403"})
# A fix that edits Liquid on purpose (`edits_protected`: code wrapped in `{% raw %}`) may change
# what its lines render only when they hold Liquid that Jekyll evaluates (a variable, a tag):
# printing `{{ page.title }}` literally is its point. Where they hold only text, or escape
# idioms that print text (`{{ '{{' }}`), the page would change: refused.

_LITERAL_OUTPUT = re.compile(r"""\{\{-?\s*(?:'([^']*)'|"([^"]*)")\s*-?\}\}\Z""")


@dataclass(frozen=True)
class Block:
    first: int  # 0-based first source line
    last: int  # 0-based line after the block
    html: str


_OPEN_CODE_END = re.compile(r"\n+</code></pre>")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    return (
        MarkdownIt("commonmark", {"maxNesting": 64, "html": True})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
    )


def jekyll_source(doc: Document) -> str:
    """The Markdown Jekyll hands to the converter, lines kept where they were: front matter
    blanked, Liquid rendered as the module docstring says, `highlight` blocks rendered to the
    escaped code HTML the tag writes (blank lines inside kept non-blank, so the block stays one)."""
    text = doc.text
    bodies = {b.start: b.end for b in doc.liquid.bodies if b.name == liquid.HIGHLIGHT}
    parts = ["\n" * text.count("\n", 0, doc.body_offset)]
    cursor = doc.body_offset
    code_until = -1  # inside a highlight body up to this offset
    for span in doc.liquid.spans:
        if span.start < cursor:
            continue
        parts.append(_code(text[cursor : span.start]) if span.start <= code_until else text[cursor : span.start])
        source = text[span.start : span.end]
        newlines = "\n" * source.count("\n")
        literal = _LITERAL_OUTPUT.match(source) if span.kind == "output" else None
        if span.name == liquid.HIGHLIGHT and span.end in bodies:
            code_until = bodies[span.end]
            parts.append('<figure class="highlight"><pre><code>' + newlines)
        elif span.name == "end" + liquid.HIGHLIGHT and span.start == code_until:
            parts.append("</code></pre></figure>" + newlines)
        elif literal:
            shown = literal.group(1) if literal.group(1) is not None else literal.group(2)
            parts.append((_code(shown) if span.start < code_until else shown) + newlines)
        elif span.kind == "comment" or span.name in liquid.SILENT_TAGS:
            parts.append(newlines)
        else:
            parts.append("liquid" + hashlib.blake2s(source.encode(), digest_size=4).hexdigest() + newlines)
        cursor = span.end
    parts.append(_code(text[cursor:]) if cursor < code_until else text[cursor:])
    return "".join(parts)


def _code(text: str) -> str:
    """Code as the highlight tag writes it: HTML-escaped; a blank line becomes `&#32;` so the
    HTML block it sits in does not end there."""
    escaped = html.escape(text, quote=False)
    return re.sub(r"(?m)^[ \t]*$", "&#32;", escaped) if "\n" in escaped else escaped


def blocks(doc: Document) -> list[Block]:
    """The top-level blocks of the rendered post, each with its source lines and HTML."""
    md = _parser()
    env: dict[str, object] = {}
    tokens = md.parse(jekyll_source(doc), env)
    result = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        j = i + 1
        if token.nesting == 1:
            depth = 1
            while j < len(tokens) and depth:
                depth += tokens[j].nesting
                j += 1
        lines = token.map or [0, 0]
        html = md.renderer.render(tokens[i:j], md.options, env)
        # A code block left open at the end of the file takes the file's last line breaks:
        # a final newline added (RL602) is not a change to the page.
        result.append(Block(lines[0], lines[1], _OPEN_CODE_END.sub("\n</code></pre>", html)))
        i = j
    return result


class _Content(HTMLParser):
    """Text (whitespace collapsed) and tags with their attributes, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, tuple[tuple[str, str | None], ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted(attrs))))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def content(html: str) -> tuple[str, list[tuple[str, tuple[tuple[str, str | None], ...]]]]:
    parser = _Content()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.text).split()), parser.tags


def _touched_lines(doc: Document, edits: Sequence[Edit], new: bool) -> list[tuple[int, int]]:
    """0-based inclusive line ranges the edits touch, in the old text or (new=True) the new one,
    with a line of context on each side."""
    ranges = []
    delta = 0
    for e in sorted(edits, key=EDIT_ORDER):
        start, end = (e.start + delta, e.start + delta + len(e.replacement)) if new else (e.start, e.end)
        delta += len(e.replacement) - (e.end - e.start)
        # A block on the line before or after an edit is touched too: a line added after a
        # paragraph continues it, a blank line removed joins two blocks.
        ranges.append((doc.position(start)[0] - 2, doc.position(end)[0]))
    return ranges


def _split(found: list[Block], hit: Callable[[Block], bool]) -> tuple[list[str], list[str]]:
    """(untouched blocks' HTML, touched blocks' HTML)."""
    untouched: list[str] = []
    touched: list[str] = []
    for b in found:
        (touched if hit(b) else untouched).append(b.html)
    return untouched, touched


def _hits(ranges: list[tuple[int, int]]) -> Callable[[Block], bool]:
    """Whether a block's lines meet one of the line ranges (a bisection per block)."""
    ranges = sorted(ranges)
    firsts = [first for first, _ in ranges]
    reach = list(itertools.accumulate((end for _, end in ranges), max))  # furthest end so far

    def hit(block: Block) -> bool:
        i = bisect.bisect_right(firsts, max(block.last - 1, block.first)) - 1  # ranges starting by its end
        return i >= 0 and reach[i] >= block.first

    return hit


def render_change(before: Document, after: Document, applied: Sequence[Problem]) -> str | None:
    """Why the fixed post does not render as it did outside the fixed spans, or None. A post
    whose Liquid does not parse (an unclosed or nameless tag) renders no page: Jekyll stops on it, so there
    is no page to compare and nothing to damage."""
    if before.liquid.errors or any(s.kind == "tag" and not s.name for s in before.liquid.spans):
        return None  # unclosed, or a tag with no valid name: Liquid raises a syntax error
    edits = [e for p in applied if p.fix for e in p.fix.edits]
    old_hit = _hits(_touched_lines(before, edits, new=False))
    old_untouched, old_touched = _split(before.rendered, old_hit)
    new_untouched, new_touched = _split(after.rendered, _hits(_touched_lines(after, edits, new=True)))
    if old_untouched != new_untouched:
        line = _first_difference(old_untouched, new_untouched)
        return f"the rendered page changed outside the fixed lines ({line})"
    intended = any(p.code in RENDER_FIXES or (p.fix and p.fix.safety is Safety.UNSAFE) for p in applied)
    if intended or old_touched == new_touched:
        return None
    old_text, old_tags = content("".join(old_touched))
    new_text, new_tags = content("".join(new_touched))
    rewrites_liquid = any(p.fix and p.fix.edits_protected for p in applied)
    touched_blocks = [(b.first, max(b.last - 1, b.first)) for b in before.rendered if old_hit(b)]
    if rewrites_liquid and _evaluated_liquid(before, touched_blocks):
        return None
    if old_text != new_text:
        return "the rendered text of the fixed lines changed"
    if old_tags != new_tags:
        return "the rendered HTML elements of the fixed lines changed"
    return None


def _evaluated_liquid(doc: Document, ranges: list[tuple[int, int]]) -> bool:
    """Whether the lines hold Liquid that Jekyll evaluates (not an escape idiom, raw or comment)."""
    for span in doc.liquid.spans:
        if span.kind == "comment" or span.name in (liquid.RAW, "end" + liquid.RAW):
            continue
        if span.kind == "output" and _LITERAL_OUTPUT.match(doc.text[span.start : span.end]):
            continue
        line = doc.position(span.start)[0] - 1
        if any(first <= line <= last for first, last in ranges):
            return True
    return False


def _first_difference(old: list[str], new: list[str]) -> str:
    for a, b in zip(old, new):
        if a != b:
            return f"{a.strip()[:60]!r} became {b.strip()[:60]!r}"
    return "a block appeared or disappeared"
