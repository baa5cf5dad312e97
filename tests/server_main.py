"""Starts `reinvent-lint server` for tests/test_server.py from this checkout (not an installed
copy). With --crashing-rule, one extra rule raises on every post, to show the server survives."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reinvent_lint.rule import rule
from reinvent_lint.rules import builtin_rules
from reinvent_lint.server import main


@rule("RL999", "always-crashes", "A rule with a bug, for tests")
def always_crashes(ctx: object) -> list[object]:
    raise ZeroDivisionError("the rule's bug")


if __name__ == "__main__":
    rules = [*builtin_rules(), always_crashes] if "--crashing-rule" in sys.argv else None
    sys.exit(main(rules))
