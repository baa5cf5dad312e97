"""Sections: a heading promises content. An empty section is usually a note the author meant to
come back to, published as a dangling heading."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import compress

from ..document import Block, Document
from ..jekyll.kramdown_ids import kramdown_headings
from ..problem import Problem
from ..rule import heading_label, Context, rule

# Blocks that render nothing a reader sees as the section's content.
_NOT_CONTENT = {"hr"}
_COMMENTS = re.compile(r"<!--.*?-->|\s+", re.DOTALL)
_FOOTNOTE_MARKER = re.compile(r"\[\^[^\]\s]+\](?!:)")


def _is_content(doc: Document, block: Block, notes: list[Block]) -> bool:
    """Footnote definitions are not content where they stand: kramdown moves them to the end."""
    if block.kind in _NOT_CONTENT or any(n.start <= block.start <= n.end for n in notes):
        return False
    if block.kind == "html_block":  # only HTML comments: nothing on the page
        return bool(_COMMENTS.sub("", doc.masked[block.start : block.end]))
    return True


def _renders_footnotes(doc: Document) -> bool:
    """kramdown writes the footnotes at the end of the page, under the last heading, when a
    definition exists and is referenced."""
    body = doc.masked
    return "footnote_reference" in doc.blocks.kinds and bool(_FOOTNOTE_MARKER.search(body))


@rule(
    "RL301",
    "empty-section",
    "A heading must be followed by content before the next heading of the same or a higher level.",
)
def empty_section(ctx: Context) -> Iterator[Problem]:
    doc = ctx.doc
    blocks = doc.blocks
    headings = {h.line: h for h in kramdown_headings(doc)}
    kinds = blocks.kinds  # read without making a `Block` of every block (issue 18)
    notes = [blocks[i] for i in compress(range(len(kinds)), map("footnote_reference".__eq__, kinds))]
    for index in compress(range(len(kinds)), map("heading".__eq__, kinds)):
        block = blocks[index]
        if block.first_line not in headings:
            continue
        heading = headings[block.first_line]
        following = None
        for later in blocks[index + 1 :]:
            if not _is_content(doc, later, notes):
                continue
            following = later
            break
        if following is None and _renders_footnotes(doc):
            continue  # the footnotes render right under this last heading
        if following is None:
            where = "the end of the file"
        elif following.kind == "heading" and following.first_line in headings:
            if headings[following.first_line].level > heading.level:
                continue  # a deeper sub-heading: the section has sub-sections
            where = "the next heading"
        else:
            continue
        label = heading_label(heading.text(doc))
        yield ctx.problem(heading.start, f'"{label}" has no content before {where}')


RULES = [empty_section]
