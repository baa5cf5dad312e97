"""Sections: a heading promises content. An empty section is usually a note the author meant to
come back to, published as a dangling heading."""

from __future__ import annotations

from collections.abc import Iterator

from ..problem import Problem
from ..rule import Context, rule
from .headings import heading_label

# Blocks that render nothing a reader sees as the section's content.
_NOT_CONTENT = {"hr"}


@rule(
    "RL301",
    "empty-section",
    "A heading must be followed by content before the next heading of the same or a higher level.",
)
def empty_section(ctx: Context) -> Iterator[Problem]:
    doc = ctx.doc
    blocks = doc.blocks
    headings = {h.line: h for h in doc.headings}
    for index, block in enumerate(blocks):
        if block.kind != "heading" or block.first_line not in headings:
            continue
        heading = headings[block.first_line]
        following = None
        for later in blocks[index + 1 :]:
            if later.kind in _NOT_CONTENT:
                continue
            following = later
            break
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
