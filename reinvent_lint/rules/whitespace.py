"""Whitespace: invisible bytes that show up in diffs, and a last line without a newline."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..problem import Fix, Problem, Severity
from ..rule import Context, rule

_TRAILING = re.compile(r"[ \t]+(?=\r?$)", re.MULTILINE)  # a CR stays: mixed line endings


@rule("RL601", "trailing-whitespace",
      "Lines must not end with spaces or tabs (a two-space hard line break is allowed).",
      severity=Severity.INFO, fixable=True)  # fmt: skip
def trailing_whitespace(ctx: Context) -> Iterator[Problem]:
    doc = ctx.doc
    if " \n" not in doc.text and "\t\n" not in doc.text and not doc.text.endswith((" ", "\t")):
        return
    heading_lines = {h.line for h in doc.headings}
    for m in _TRAILING.finditer(doc.text, doc.body_offset):
        start, end = m.start(), m.end()
        line, _ = doc.position(start)
        if line in heading_lines or doc.in_code(start) or doc.liquid_at(start):
            continue
        if start == doc.line_start(line):
            continue  # a whitespace-only line: blank to Markdown
        if m.group() == "  " and end < len(doc.text) and line < doc.line_count and doc.line_text(line + 1).strip():
            continue  # exactly two spaces before more text: a hard line break
        fix = Fix.replace(start, end, "", description="remove trailing whitespace")
        yield ctx.problem(start, "trailing whitespace", end=end, fix=fix)


@rule("RL602", "missing-final-newline", "A file must end with a newline.", severity=Severity.INFO, fixable=True)
def missing_final_newline(ctx: Context) -> Iterator[Problem]:
    text = ctx.doc.text
    if text and not text.endswith("\n"):
        end = len(text)
        yield ctx.problem(
            end,
            "no newline at the end of the file",
            end=end,
            fix=Fix.replace(end, end, "\n", description="add a final newline"),
        )


RULES = [trailing_whitespace, missing_final_newline]
