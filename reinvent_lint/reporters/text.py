"""The report for people: one problem a line, `path:line:col: CODE name [severity] message`,
grouped by file (a blank line between files; the same message again in a file is folded into
its first line: `(also lines 12, 40)`, at most eight numbers), then one line for what is hidden and a summary.

Info and style findings (whitespace, the style pack) are hidden by default and summarised in one
line, so a whole blog with a few real defects fits on a screen. They are shown with
--show-info, when their rule was selected by name, or when they fail the run (--fail-on). JSON
and SARIF always carry everything."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from typing import TextIO

from ..report import Report
from ..problem import Problem, Safety, Severity

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


@dataclass(frozen=True)
class TextOptions:
    show_info: bool = False  # show info and style findings too
    quiet: bool = False  # the findings only: no summary, no hidden line
    statistics: bool = False  # counts per rule instead of the findings
    show_fixes: bool = False  # the fix each fixable finding offers, under it
    fail_on: Severity = Severity.ERROR  # findings that fail the run are never hidden
    selected: frozenset[str] = field(default_factory=frozenset)  # codes asked for by name: never hidden


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def is_style(p: Problem) -> bool:
    """The style pack's findings (markdownlint's MDnnn codes)."""
    return p.code.startswith("MD")


def hidden(p: Problem, options: TextOptions) -> bool:
    if options.show_info or p.code in options.selected or p.severity >= options.fail_on:
        return False
    return p.severity is Severity.INFO or is_style(p)


def hidden_line(problems: Iterable[Problem], most: int = 4) -> str:
    """`3,333 info findings hidden (trailing-whitespace 3,333): --show-info`."""
    problems = list(problems)
    by_rule = Counter(p.code if is_style(p) else p.name for p in problems)
    kinds = sorted({"style" if is_style(p) else str(p.severity) for p in problems}, key=lambda k: k != "info")
    rules = ", ".join(f"{label} {n:,}" for label, n in by_rule.most_common(most))
    if len(by_rule) > most:
        rules += ", ..."
    noun = "finding" if len(problems) == 1 else "findings"
    return f"{len(problems):,} {' and '.join(kinds)} {noun} hidden ({rules}): --show-info"


def summary_line(report: Report, shown: list[Problem] | None = None) -> str:
    problems = report.problems if shown is None else shown
    if not problems:
        if len(problems) != len(report.problems):
            return f"No errors or warnings in {_plural(report.files, 'file')}."
        return f"No problems in {_plural(report.files, 'file')}."
    counts = Counter(p.severity for p in problems)
    parts = [_plural(counts[s], str(s)) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
    files = len({p.path for p in problems})
    line = f"{_plural(len(problems), 'problem')} ({', '.join(parts)}) in {_plural(files, 'file')}"
    everything = report.problems  # `fix` fixes hidden findings too
    safe = sum(1 for p in everything if p.fix and p.fix.safety is Safety.SAFE)
    unsafe = sum(1 for p in everything if p.fix and p.fix.safety is Safety.UNSAFE)
    if safe:
        line += f"; {safe:,} fixable with `reinvent-lint fix`"
    if unsafe:
        line += f"; {unsafe:,} more with `reinvent-lint fix --unsafe-fixes`"
    return line


def _folded(problems: list[Problem], selected: frozenset[str], expand: bool) -> list[tuple[Problem, list[Problem]]]:
    """One file's findings, each with the later findings of the same rule, severity and message
    folded into it (`... (also lines 320, 354)`): nothing is lost, a post that writes
    "Javascript" ten times takes one line. Rules selected by name, --quiet and --show-fixes list
    every finding on its own line."""
    if expand:
        return [(p, []) for p in problems]
    groups: dict[tuple[str, Severity, str], list[Problem]] = {}
    for p in problems:
        if p.code not in selected:
            groups.setdefault((p.code, p.severity, p.message), []).append(p)
    folds = {id(g[0]): g[1:] for g in groups.values() if len(g) > 1}
    skip = {id(q) for rest in folds.values() for q in rest}
    return [(p, folds.get(id(p), [])) for p in problems if id(p) not in skip]


FOLDED_LINES = 8  # line numbers listed in one folded line; `--select CODE` lists every finding


def _lines(more: list[Problem]) -> str:
    listed = ", ".join(str(q.line) for q in more[:FOLDED_LINES])
    rest = len(more) - FOLDED_LINES
    return listed if rest <= 0 else f"{listed} and {rest:,} more: --select {more[0].code} lists each"


def problem_line(p: Problem, color: bool, more: list[Problem] | None = None) -> str:
    where = f"{p.path}:{p.line}:{p.column}:"
    label = f"{p.code} {p.name}"
    severity = f"[{p.severity}]"
    if color:
        where = f"{_BOLD}{where}{_RESET}"
        label = f"{_COLORS[p.severity]}{label}{_RESET}"
        severity = f"{_DIM}{severity}{_RESET}"
    also = f" (also line{'s' if len(more) > 1 else ''} {_lines(more)})" if more else ""
    return f"{where} {label} {severity} {p.message}{also}\n"


def _fix_line(p: Problem) -> str:
    if p.fix is None:
        return ""
    unsafe = " (unsafe: --unsafe-fixes)" if p.fix.safety is Safety.UNSAFE else ""
    description = p.fix.description or ", ".join(repr(e.replacement) for e in p.fix.edits)
    return f"    fix: {description}{unsafe}\n"


def statistics(problems: Iterable[Problem]) -> str:
    """One line per rule, most frequent first: count, code, name, severity, [*] when fixable."""
    problems = list(problems)
    counts = Counter(p.code for p in problems)
    first = {p.code: p for p in reversed(problems)}
    fixable = {p.code for p in problems if p.fix}
    width = len(f"{max(counts.values(), default=0):,}")
    lines = []
    for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        p = first[code]
        mark = " [*]" if code in fixable else ""
        lines.append(f"{n:>{width},}  {code:<6} {p.name} [{p.severity}]{mark}\n")
    return "".join(lines)


def report_text(report: Report, out: TextIO, color: bool, options: TextOptions | None = None) -> None:
    options = options or TextOptions()
    if options.statistics:
        out.write(statistics(report.problems))
        if not options.quiet:
            out.write(summary_line(report) + "\n")
        return
    shown = [p for p in report.problems if not hidden(p, options)]
    expand = options.quiet or options.show_fixes
    for i, (_, group) in enumerate(groupby(shown, key=lambda p: p.path)):
        if i:
            out.write("\n")
        for first, more in _folded(list(group), options.selected, expand):
            out.write(problem_line(first, color, more))
            if options.show_fixes:
                out.write(_fix_line(first))
    if options.quiet:
        return
    if len(shown) > 1:
        out.write(breakdown(shown))
    if len(shown) < len(report.problems):
        out.write(hidden_line(p for p in report.problems if hidden(p, options)) + "\n")
    out.write(summary_line(report, shown) + "\n")


def breakdown(problems: list[Problem], most: int = 5) -> str:
    """Counts per rule and the files with most problems."""
    by_rule = Counter(f"{p.code} {p.name}" for p in problems)
    by_file = Counter(p.path for p in problems)
    rules = ", ".join(f"{label} {n:,}" for label, n in by_rule.most_common(most))
    if len(by_rule) > most:
        rules += ", ... (--statistics)"
    lines = f"\nBy rule: {rules}\n"
    if len(by_file) > 1:
        lines += "Most problems: " + ", ".join(f"{path} ({n:,})" for path, n in by_file.most_common(most)) + "\n"
    return lines
