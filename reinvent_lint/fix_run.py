"""`fix` over files, kept for callers of `fix_paths`: the run itself is the one pipeline's
(pipeline.fix): check, apply the fixes through the fix engine, check again."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .engine import Linter
from .pipeline import Filters, FixRun, fix


def fix_paths(
    linter: Linter, paths: Sequence[Path], *, unsafe: bool = False, write: bool = True, jobs: int = 0
) -> FixRun:
    """Fix the files (none: the site around the cwd). With `write=False`, collect unified diffs
    instead of writing. The report holds what is left, as `check` reports it."""
    return fix(linter, paths, unsafe=unsafe, write=write, jobs=jobs, filters=Filters())


__all__ = ["FixRun", "fix_paths"]
