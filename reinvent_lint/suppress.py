"""Inline suppression comments, one grammar for every rule (as markdownlint and ruff do):

    <!-- reinvent-lint disable-next-line RL301 -->
    <!-- reinvent-lint disable-line RL201 -->
    <!-- reinvent-lint disable RL201 empty-section -->  ...  <!-- reinvent-lint enable RL201 -->
    <!-- reinvent-lint disable-file RL301 -->

No codes means every rule. Codes and names both work. A suppression that suppressed nothing is
reported as RL001 unused-suppression.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .document import Document
from .lazy_re import lazy
from .problem import Problem

_COMMENT = lazy(r"<!--\s*reinvent-lint\s+(disable-next-line|disable-line|disable-file|disable|enable)\b([^>]*?)\s*-->")


@dataclass
class Suppression:
    action: str
    codes: frozenset[str]  # empty: every rule
    line: int
    column: int
    start: int
    end: int
    used: bool = field(default=False)

    def covers(self, code: str) -> bool:
        return not self.codes or code in self.codes


def parse(doc: Document, normalize: Callable[[str], str | None]) -> list[Suppression]:
    """Every suppression comment outside code. `normalize` maps a code or name to a rule code."""
    if "reinvent-lint" not in doc.text:
        return []
    found = []
    for m in _COMMENT().finditer(doc.text):
        if doc.in_code(m.start()):
            continue
        codes = set()
        for word in re.split(r"[\s,]+", m.group(2).strip()):
            if word:
                codes.add(normalize(word) or word)
        line, column = doc.position(m.start())
        found.append(Suppression(m.group(1), frozenset(codes), line, column, m.start(), m.end()))
    return found


def apply(problems: Iterable[Problem], suppressions: list[Suppression]) -> list[Problem]:
    """The problems no suppression covers; marks the suppressions that covered something."""
    if not suppressions:
        return list(problems)
    kept = []
    ordered = sorted(suppressions, key=lambda s: s.start)
    for problem in problems:
        if not _suppressed(problem, ordered):
            kept.append(problem)
    return kept


def _suppressed(problem: Problem, suppressions: list[Suppression]) -> bool:
    hit = False
    active: dict[str, Suppression] = {}  # per code ("" for all) the disable in force
    for s in suppressions:
        if (
            (s.action == "disable-file" and s.covers(problem.code))
            or (s.action == "disable-line" and s.line == problem.line and s.covers(problem.code))
            or (s.action == "disable-next-line" and s.line + 1 == problem.line and s.covers(problem.code))
        ):
            s.used = hit = True
        elif s.action == "disable" and s.line <= problem.line:
            for code in s.codes or {""}:
                active[code] = s
        elif s.action == "enable" and s.line <= problem.line:
            for code in s.codes or set(active):
                active.pop(code, None)
    for key in (problem.code, ""):
        if key in active:
            active[key].used = hit = True
    return hit
