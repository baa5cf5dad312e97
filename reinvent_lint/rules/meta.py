"""Rules about reinvent-lint itself. The engine reports these; their checks find nothing alone."""

from __future__ import annotations

from collections.abc import Iterator

from ..problem import Problem
from ..rule import Context, rule


@rule("RL001", "unused-suppression", "A suppression comment that suppressed nothing (stale, or a typo in its code).")
def unused_suppression(ctx: Context) -> Iterator[Problem]:
    return iter(())  # reported by the engine after suppressions are applied


RULES = [unused_suppression]
