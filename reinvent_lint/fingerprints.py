"""Stable identities for problems, for baselines and SARIF: the rule, the file and the content
of the flagged span, not the line number, so they survive edits that only shift lines. Equal
problems in one file are told apart by their order."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from .problem import Problem


def fingerprints(problems: Iterable[Problem]) -> list[tuple[str, Problem]]:
    seen: dict[tuple[str, str, str], int] = {}
    result = []
    for p in problems:
        content = " ".join((p.snippet or p.message).split())
        key = (p.code, p.path, content)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        digest = hashlib.sha256("\0".join((p.code, p.path, content, str(occurrence))).encode()).hexdigest()[:32]
        result.append((digest, p))
    return result
