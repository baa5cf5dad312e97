"""reinvent-lint: a linter and content checker for Jekyll blogs.

Public API (imported lazily so `reinvent-lint --version` stays fast):
`check_text`, `check_paths`, `fix_text`.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "check_paths", "check_text", "fix_text"]


def __getattr__(name: str) -> Any:
    if name in ("check_text", "check_paths", "fix_text"):
        from . import engine

        return getattr(engine, name)
    raise AttributeError(name)
