"""The style pack: markdownlint's rules through pymarkdownlnt, made safe for Jekyll. Off by
default; `[style] mode` or `--style` turns it on.

- style_run.py runs it over many posts in killable workers, each post within a CPU budget.
- Its front-matter extension is on; a curated default keeps only the rules whose findings are
  visible in the page Jekyll builds (see rules/STYLE-pack.md; tests/test_style.py builds them).
- Findings inside a Liquid span are dropped; the rest become problems with their own codes and
  names (`MD011 no-reversed-links`), our severity, our suppression comments and reporters.
- Fixes: pymarkdownlnt fixes a copy of the post whose Liquid spans are masked, the difference
  becomes text edits, and edits touching Liquid are dropped; our fix engine applies and verifies
  them like any other fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .document import Document
from .problem import Edit, Fix, Problem, Safety, Severity

# Off by default, and why (the rule book page rules/STYLE-pack.md lists them).
CURATED_OFF = {
    "md001": "duplicates RL201 heading-level-skip",
    "md003": "heading style is the author's choice",
    "md004": "bullet character is the author's choice",
    "md007": "4-space nested bullets are normal on kramdown blogs",
    "md009": "duplicates RL601 trailing-whitespace",
    "md012": "blank-line count does not change the page",
    "md013": "one-line paragraphs make line length useless",
    "md014": "shell samples without output are normal",
    "md019": "duplicates RL206 heading-space-after-hash",
    "md024": "duplicates RL202 duplicate-heading",
    "md025": "the title lives in front matter; posts use # for sections",
    "md026": "punctuation in headings is the author's choice",
    "md029": "ordered-list numbering style is the author's choice",
    "md030": "spaces after list markers are the author's choice",
    "md033": "blog posts use inline HTML on purpose",
    "md035": "horizontal rule style is the author's choice",
    "md036": "emphasis used as a label is common and harmless",
    "md040": "a fence without a language still renders",
    "md041": "the title lives in front matter",
    "md042": "duplicates RL401 malformed-url (empty target)",
    "md043": "no required heading structure for posts",
    "md044": "duplicates RL501 misspelled-word (miscased names)",
    "md045": "duplicates RL405 image-alt-text",
    "md046": "code block style is the author's choice",
    "md047": "duplicates RL602 missing-final-newline",
    "md048": "code fence style is the author's choice",
    "md049": "emphasis style is the author's choice",
    "md050": "strong style is the author's choice",
    "md051": "duplicates RL404 broken-fragment",
    "md054": "link style is the author's choice",
    "md055": "table pipe style is the author's choice",
    "md059": "link text wording is the author's choice",
    "md060": "table column style is the author's choice",
    # Curated against real Jekyll 4.3 with kramdown's GFM parser (tests/test_style.py builds each
    # case): these render as the author meant, so a finding is no visible problem.
    "md005": "kramdown renders items at uneven indents as one flat list",
    "md010": "kramdown renders hard tabs in text and code as written",
    "md021": "kramdown renders '#  Heading  #' as a heading",
    "md022": "kramdown renders headings with or without blank lines around them",
    "md027": "extra spaces after '>' do not change the quote",
    "md028": "two quotes separated by a blank line render as two quotes",
    "md031": "kramdown renders a fence right after a paragraph as code",
    "md032": "kramdown renders a list right after a paragraph as a list",
    "md038": "a space inside a code span is barely visible",
    "md039": "a space inside link text is barely visible",
    "md053": "an unused reference definition renders nothing",
    "md056": "needs pymarkdownlnt's table extension, which is off",
    "md058": "needs pymarkdownlnt's table extension, which is off",
    "md034": "a bare URL renders as plain text, but on real blogs it is often meant (local addresses, log output)",
}
DEFAULTS: dict[str, Any] = {"mode": "off", "enable": [], "disable": [], "severity": "warning", "set": {}}
MODES = ("off", "ci", "always")


def runs(settings: Mapping[str, Any], whole_site: bool) -> bool:
    """Off by default. `ci`: whole-site runs only (the CI gate), not runs given files (pre-commit)."""
    mode = settings.get("mode", "off")
    return mode == "always" or (mode == "ci" and whole_site)


def _api(settings: Mapping[str, Any]) -> Any:
    """A pymarkdownlnt API object configured from the [style] settings."""
    import logging

    from pymarkdown.api import PyMarkdownApi

    quiet = logging.getLogger("pymarkdown")  # it logs its own failures with tracebacks: we report them
    if not quiet.handlers:
        quiet.addHandler(logging.NullHandler())
        quiet.propagate = False
    api = PyMarkdownApi().enable_extension_by_identifier("front-matter")
    enabled = {r.lower() for r in settings.get("enable", [])}
    for rule in sorted((set(CURATED_OFF) - enabled) | {r.lower() for r in settings.get("disable", [])}):
        api.disable_rule_by_identifier(rule)
    for rule in sorted(enabled):
        api.enable_rule_by_identifier(rule)
    for key, value in dict(settings.get("set", {})).items():
        if isinstance(value, bool):
            api.set_boolean_property(key, value)
        elif isinstance(value, int):
            api.set_integer_property(key, value)
        else:
            api.set_string_property(key, str(value))
    return api


Finding = tuple[int, int, str, str, str]  # (line, column, code, name, message)


def scan_text(api: Any, text: str) -> list[Finding]:
    """pymarkdownlnt's findings on one text: (line, column, code, name, message)."""
    if not text:
        return []
    result = api.scan_string(text)
    found: list[Finding] = []
    for f in result.scan_failures:
        message = f.rule_description + (f" [{f.extra_error_information}]" if f.extra_error_information else "")
        found.append((f.line_number, f.column_number, f.rule_id.upper(), f.rule_name.split(",")[0].strip(), message))
    return found


def problems_for(doc: Document, findings: Sequence[Finding], severity: Severity) -> list[Problem]:
    """Findings of one document as problems, minus those inside Liquid or the front matter."""
    result = []
    # Raw HTML and code render as written: a finding there is pymarkdownlnt misreading the block
    # (seen: MD011 inside a <script> block with blank lines, which CommonMark keeps as HTML).
    literal = (
        [(b.first_line, b.last_line) for b in doc.blocks if b.kind in ("html_block", "fence", "code_block")]
        if findings
        else []
    )
    for line, column, code, name, message in findings:
        line = max(1, min(line, doc.line_count))
        start = min(doc.line_start(line) + max(column, 1) - 1, doc.line_end(line))
        if start < doc.body_offset or doc.liquid_at(start) or not _visible(doc, code, line, column):
            continue
        if any(first <= line <= last for first, last in literal):
            continue
        end = doc.line_end(line)
        end_line, end_column = doc.position(end)
        snippet = doc.text[start:end][:200]
        result.append(Problem(doc.path, line, column, code, name, message, severity, None, start, end, end_line,
                              end_column, snippet))  # fmt: skip
    return result


def _visible(doc: Document, code: str, line: int, column: int) -> bool:
    """False for findings that real Jekyll renders as the author meant: `#1` at the start of a
    line (a number, not a heading without its space), and `2 * 3 * 4` (spaces on both inner
    sides of both markers: multiplication, not emphasis; `* text*` still counts)."""
    text = doc.line_text(line)
    at = max(column, 1) - 1
    if code == "MD018":
        rest = text[at:].lstrip("#")
        return not rest[:1].isdigit()
    if code == "MD037":  # the column points at the space inside the pair of markers
        runs = [m.span() for m in re.finditer(r"[*_]+", text)]
        opening = [i for i, (start, _) in enumerate(runs) if start <= at]
        if not opening or opening[-1] + 1 >= len(runs):
            return True
        (_, open_end), (close_start, _) = runs[opening[-1]], runs[opening[-1] + 1]
        return not (text[open_end : open_end + 1].isspace() and text[close_start - 1 : close_start].isspace())
    return True


def check_document(api: Any, doc: Document, settings: Mapping[str, Any]) -> list[Problem]:
    """The style pass over one document.

    pymarkdownlnt reads a copy of the post in which Liquid is masked as Jekyll leaves it (a tag
    that renders nothing, alone on its line, becomes a blank line; other Liquid becomes filler
    of the same length), so it neither reports inside Liquid nor around it (a fence right after
    `{% raw %}` is not a fence without a blank line). Suppression comments are applied later,
    with every other finding's (pipeline.finish)."""
    text = _stand_in_front_matter(doc.text[: doc.body_offset]) + doc.masked[doc.body_offset :]
    return problems_for(doc, scan_text(api, text), Severity.parse(settings.get("severity", "warning")))


def _stand_in_front_matter(front: str) -> str:
    """The front matter as a trivial YAML document of as many lines: pymarkdownlnt needs to see
    front matter to skip it, not its content (a YAML alias bomb costs it hundreds of MB), and no
    finding inside it is kept."""
    lines = front.splitlines(keepends=True)
    if len(lines) < 3:
        return front
    return lines[0] + "x: 0\n" + "#\n" * (len(lines) - 3) + lines[-1]


def skipped(display: str, why: str) -> Problem:
    """The info finding for a post the style pack did not check."""
    return Problem(display, 1, 1, "MD000", "style-pack-skipped", f"style pack skipped: {why}", Severity.INFO)


def describe_failure(exc: BaseException) -> str:
    """A pymarkdownlnt exception as one line, naming the rule when it names one."""
    text = " ".join(str(exc).split())
    rule = re.search(r"(?i)\b(md\d{3}|pml\d{3})\b", text)
    inner = re.search(r"Error\((\w+)\)", text)  # "Unexpected Error(BadTokenizationError): ..."
    what = f"rule {rule.group(1).upper()}" if rule else "its parser"
    name = inner.group(1) if inner else type(exc).__name__
    return f"style pack (pymarkdownlnt) failed in {what} ({name}); style findings skipped for this file"


def fix_problem(doc: Document, settings: Mapping[str, Any], budget: float = 0) -> Problem | None:
    """pymarkdownlnt's fixes for one document as one problem with a safe fix, Liquid protected."""
    from pymarkdown.api import PyMarkdownApiException

    from .signals import TooSlow, cpu_budget
    from .style_scanner import quiet_parser_debug

    quiet_parser_debug()  # the same fixes at half the CPU (style_scanner.py)
    masked = _mask_liquid(doc)
    api = _api(settings)

    try:
        with cpu_budget(budget):
            result = api.fix_string(masked)
    except (PyMarkdownApiException, TooSlow):
        return None  # the check pass reports the failure or the skip
    if not result.was_fixed or result.fixed_file == masked:
        return None
    edits = _edits(masked, result.fixed_file)
    liquid = [(s.start, s.end) for s in doc.liquid.spans]
    safe = tuple(e for e in edits if not any(e.start < b and a < max(e.end, e.start + 1) for a, b in liquid))
    if not safe:
        return None
    first = min(e.start for e in safe)
    line, column = doc.position(first)
    fix = Fix(safe, Safety.SAFE, "pymarkdownlnt style fixes")
    return Problem(
        doc.path, line, column, "MD000", "style-fixes", "style pack fixes available", Severity.INFO, fix, first, first
    )


def _mask_liquid(doc: Document) -> str:
    """The text with each Liquid span replaced by same-length letters, so no style fix can
    rewrite it (fixes have been seen to turn `{% link _posts/x %}` into `{% link_posts/x %}`)."""
    text = doc.text
    parts = []
    cursor = 0
    for span in doc.liquid.spans:
        parts.append(text[cursor : span.start])
        parts.append(re.sub(r"[^\n]", "x", text[span.start : span.end]))
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts)


def _edits(before: str, after: str) -> list[Edit]:
    """Text edits turning `before` into `after`: lines first, then characters within a changed
    line, so an edit never spans more than the fix changed (and rarely touches Liquid)."""
    import difflib  # here: only a style fix needs it

    old_lines = before.splitlines(keepends=True)
    new_lines = after.splitlines(keepends=True)
    starts = [0]
    for line in old_lines:
        starts.append(starts[-1] + len(line))
    edits: list[Edit] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                old, new = old_lines[i1 + k], new_lines[j1 + k]
                chars = difflib.SequenceMatcher(None, old, new, autojunk=False)
                base = starts[i1 + k]
                edits.extend(
                    Edit(base + a1, base + a2, new[b1:b2]) for t, a1, a2, b1, b2 in chars.get_opcodes() if t != "equal"
                )
        else:
            edits.append(Edit(starts[i1], starts[i2], "".join(new_lines[j1:j2])))
    return edits
