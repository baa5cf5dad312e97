"""Whitespace: invisible bytes that show up in diffs, and a last line without a newline."""

from __future__ import annotations

from collections.abc import Iterator

from ..problem import Fix, Problem, Severity
from ..rule import Context, rule


def _trailing_runs(text: str, pos: int) -> list[tuple[int, int]]:
    """(start, end) of each run of spaces and tabs from `pos` that ends its line (before a line
    break, perhaps after a CR: mixed line endings keep it) or the text: the matches of
    `re.finditer(r"[ \t]+(?=\r?$)", text, pos)` with re.MULTILINE. The line ends are found by
    str.find, in C; the pattern tried at every space cost ~5x more (issue 18)."""
    ends = []
    for tail in (" \n", "\t\n", " \r\n", "\t\r\n"):
        at = text.find(tail, pos)
        while at >= 0:
            ends.append(at + 1)
            at = text.find(tail, at + 1)
    if text.endswith((" ", "\t")):
        ends.append(len(text))
    elif text.endswith((" \r", "\t\r")):
        ends.append(len(text) - 1)
    runs = []
    for end in sorted(ends):
        start = end
        while start > pos and text[start - 1] in " \t":
            start -= 1
        if start < end:
            runs.append((start, end))
    return runs


@rule("RL601", "trailing-whitespace",
      "Lines must not end with spaces or tabs (a two-space hard line break is allowed).",
      severity=Severity.INFO, fixable=True)  # fmt: skip
def trailing_whitespace(ctx: Context) -> Iterator[Problem]:
    doc = ctx.doc
    if " \n" not in doc.text and "\t\n" not in doc.text and not doc.text.endswith((" ", "\t")):
        return
    heading_lines = {h.line for h in doc.headings}
    for start, end in _trailing_runs(doc.text, doc.body_offset):
        line, _ = doc.position(start)
        if line in heading_lines or doc.in_code(start) or doc.liquid_at(start):
            continue
        if start == doc.line_start(line):
            continue  # a whitespace-only line: blank to Markdown
        if (
            end - start == 2
            and doc.text[start] == doc.text[start + 1] == " "
            and end < len(doc.text)
            and line < doc.line_count
            and doc.line_text(line + 1).strip()
        ):
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
