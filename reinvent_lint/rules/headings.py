"""Headings: the outline of a post, its anchors and its table of contents.

A skipped level breaks the outline screen readers and TOC plugins build; duplicate siblings get
anchors that differ only by a `-1` suffix; stray whitespace ends up in the anchor and the TOC.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterator

from ..document import Document, Heading
from ..jekyll.kramdown_ids import kramdown_headings
from ..problem import Edit, Fix, Problem, Safety, Severity
from ..rule import heading_label, Context, rule


@rule("RL201", "heading-level-skip", "Heading levels go down one at a time (`#` then `##`, not `###`).")
def heading_level_skip(ctx: Context) -> Iterator[Problem]:
    previous = 0
    inside_plugin = _plugin_blocks(ctx.doc)
    for h in kramdown_headings(ctx.doc):
        if inside_plugin(h.start):
            continue  # a callout's own title (`{% notice %}#### Note`): not part of the outline
        if previous and h.level > previous + 1:
            yield ctx.problem(
                h.start, f"heading level {h.level} follows level {previous}; expected level {previous + 1} at most"
            )
        previous = h.level


def _plugin_blocks(doc: Document) -> Callable[[int], bool]:
    """Whether an offset lies inside the body of a plugin's block tag (`{% notice %}` ...
    `{% endnotice %}`): the plugin renders that body on its own, as a box or callout."""
    from ..jekyll.facts import CORE_TAGS
    from ..jekyll.liquid import paired_bodies

    ranges = paired_bodies(doc.liquid.spans, CORE_TAGS)
    starts = [a for a, _ in ranges]
    reach = list(itertools.accumulate((b for _, b in ranges), max))  # furthest end so far

    def inside(offset: int) -> bool:
        i = bisect.bisect_right(starts, offset) - 1
        return i >= 0 and reach[i] > offset

    return inside


def _normalized(doc_text: str) -> str:
    return " ".join(doc_text.split()).casefold()


@rule("RL202", "duplicate-heading", "Sibling headings (same parent) must not repeat the same text.")
def duplicate_heading(ctx: Context) -> Iterator[Problem]:
    seen: list[dict[str, Heading]] = [{} for _ in range(8)]
    for h in kramdown_headings(ctx.doc):
        key = _normalized(h.text(ctx.doc))
        for deeper in range(h.level + 1, 8):
            seen[deeper].clear()
        if not key:
            continue
        first = seen[h.level].get(key)
        if first:
            yield ctx.problem(
                h.text_start,
                f'heading "{heading_label(h.text(ctx.doc))}" repeats the sibling heading on line {first.line}',
            )
        else:
            seen[h.level][key] = h


@rule("RL203", "empty-heading", "A heading must have text.")
def empty_heading(ctx: Context) -> Iterator[Problem]:
    for h in kramdown_headings(ctx.doc):
        if not h.text(ctx.doc).strip():
            yield ctx.problem(h.start, "heading has no text")


_DOUBLE_SPACE = re.compile(r"[ \t]{2,}")


@rule("RL204", "heading-multiple-spaces", "Heading text must not contain runs of spaces.", fixable=True,
      severity=Severity.INFO)  # fmt: skip
def heading_multiple_spaces(ctx: Context) -> Iterator[Problem]:
    doc = ctx.doc
    for h in kramdown_headings(doc):
        if not h.atx:
            continue
        for m in _DOUBLE_SPACE.finditer(doc.text, h.text_start, h.text_end):
            if doc.liquid_at(m.start()) or doc.in_code(m.start()):
                continue
            message = f'{m.end() - m.start()} spaces in a row in heading "{heading_label(h.text(doc))}"'
            fix = _id_aware_fix(ctx, Edit(m.start(), m.end(), " "), "use a single space")
            if fix.safety is Safety.UNSAFE:
                message += "; fixing it changes the heading's id, which links from other pages may use"
            yield ctx.problem(m.start(), message, end=m.end(), fix=fix)


def _id_aware_fix(ctx: Context, edit: Edit, description: str) -> Fix:
    """A fix of heading text that keeps kramdown's ids, or else says so: it is unsafe (deep links
    from elsewhere break) and also rewrites this post's own `#old-id` links to the new ids."""
    from ..jekyll.kramdown_ids import UNKNOWN, heading_ids
    from ..jekyll.references import references

    doc = ctx.doc
    fixed = Document(doc.path, doc.text[: edit.start] + edit.replacement + doc.text[edit.end :], kind=doc.kind)
    before, after = heading_ids(doc, ctx.site.config), heading_ids(fixed, ctx.site.config)
    if before == after or len(before) != len(after):
        return Fix((edit,), Safety.SAFE if before == after else Safety.UNSAFE, description)
    renamed = {old: new for old, new in zip(before, after, strict=True) if old != new and UNKNOWN not in old + new}
    edits = [edit]
    for ref in references(doc):
        if ref.kind in ("link", "definition", "html-href") and ref.target[1:] in renamed and ref.target[0] == "#":
            edits.append(Edit(ref.start + 1, ref.end, renamed[ref.target[1:]]))
    if len(edits) > 1:
        description += " and update this post's links to the heading"
    return Fix(tuple(edits), Safety.UNSAFE, description)


@rule("RL205", "heading-trailing-whitespace", "Headings must not end with whitespace.", fixable=True,
      severity=Severity.INFO)  # fmt: skip
def heading_trailing_whitespace(ctx: Context) -> Iterator[Problem]:
    doc = ctx.doc
    for h in kramdown_headings(doc):
        last_line_end = doc.line_end(doc.position(h.end)[0])
        if last_line_end > h.start and doc.text[last_line_end - 1] == "\r":
            last_line_end -= 1  # mixed line endings keep their CR
        line = doc.text[:last_line_end]
        stripped = len(line.rstrip(" \t"))
        if stripped < last_line_end and stripped >= h.start:
            fix = Fix.replace(stripped, last_line_end, "", description="remove trailing whitespace")
            yield ctx.problem(stripped, "heading ends with whitespace", end=last_line_end, fix=fix)


@rule("RL206", "heading-space-after-hash", "One space between the `#`s and the heading text.", fixable=True,
      severity=Severity.INFO)  # fmt: skip
def heading_space_after_hash(ctx: Context) -> Iterator[Problem]:
    doc = ctx.doc
    for h in kramdown_headings(doc):
        if not h.atx or h.text_start == h.text_end:
            continue
        hashes_end = h.text_start
        while hashes_end > h.start and doc.text[hashes_end - 1] in " \t":
            hashes_end -= 1
        gap = h.text_start - hashes_end
        if gap > 1 or doc.text[hashes_end : h.text_start] == "\t":
            fix = Fix.replace(hashes_end, h.text_start, " ", description="use one space after the #s")
            yield ctx.problem(hashes_end, "more than one space after the heading's #s", end=h.text_start, fix=fix)


RULES = [heading_level_skip, duplicate_heading, empty_heading, heading_multiple_spaces,
         heading_trailing_whitespace, heading_space_after_hash]  # fmt: skip
