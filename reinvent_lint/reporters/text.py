"""One problem a line, `path:line:col: CODE name [severity] message`, then a summary."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from ..engine import Report
from ..problem import Safety, Severity

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: Report) -> str:
    problems = report.problems
    if not problems:
        return f"No problems in {_plural(report.files, 'file')}."
    counts = Counter(p.severity for p in problems)
    parts = [_plural(counts[s], str(s)) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
    files = len({p.path for p in problems})
    line = f"{_plural(len(problems), 'problem')} ({', '.join(parts)}) in {_plural(files, 'file')}"
    safe = sum(1 for p in problems if p.fix and p.fix.safety is Safety.SAFE)
    unsafe = sum(1 for p in problems if p.fix and p.fix.safety is Safety.UNSAFE)
    if safe:
        line += f"; {safe} fixable with `reinvent-lint fix`"
    if unsafe:
        line += f"; {unsafe} more with `reinvent-lint fix --unsafe-fixes`"
    return line


def report_text(report: Report, out: TextIO, color: bool) -> None:
    for p in report.problems:
        where = f"{p.path}:{p.line}:{p.column}:"
        label = f"{p.code} {p.name}"
        severity = f"[{p.severity}]"
        if color:
            where = f"{_BOLD}{where}{_RESET}"
            label = f"{_COLORS[p.severity]}{label}{_RESET}"
            severity = f"{_DIM}{severity}{_RESET}"
        out.write(f"{where} {label} {severity} {p.message}\n")
    if len(report.problems) > 1:
        out.write(breakdown(report))
    out.write(summary_line(report) + "\n")


def breakdown(report: Report, most: int = 5) -> str:
    """Counts per rule and the files with most problems."""
    by_rule = Counter(f"{p.code} {p.name}" for p in report.problems)
    by_file = Counter(p.path for p in report.problems)
    rules = ", ".join(f"{label} {n}" for label, n in by_rule.most_common())
    lines = f"\nBy rule: {rules}\n"
    if len(by_file) > 1:
        lines += "Most problems: " + ", ".join(f"{path} ({n})" for path, n in by_file.most_common(most)) + "\n"
    return lines
