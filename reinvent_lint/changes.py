"""Lines changed since a git ref, for `check --since REF`: a gate on a pull request judges only
what the pull request touched."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from .errors import ReinventLintError

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


class GitError(ReinventLintError):
    pass


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        raise GitError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"git {' '.join(args)} failed")
    return done.stdout


def changed_lines(ref: str | None, cwd: Path) -> dict[str, set[int] | None]:
    """Absolute path -> the 1-based lines added or changed since `ref` (None: the whole file,
    for files git does not track yet). With `ref` None: the staged changes (pre-commit)."""
    root = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    if ref is None:
        diff = _git(["diff", "--cached", "--unified=0", "--no-color", "--no-ext-diff", "--no-renames", "--"], root)
        return _parse(diff, root)
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    diff = _git(["diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-renames", ref, "--"], root)
    changed = _parse(diff, root)
    for name in _git(["ls-files", "--others", "--exclude-standard"], root).splitlines():
        changed[os.path.normpath(root / name)] = None
    return changed


def _parse(diff: str, root: Path) -> dict[str, set[int] | None]:
    changed: dict[str, set[int] | None] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            if name == "/dev/null":
                current = None
                continue
            path = os.path.normpath(root / name[2:] if name.startswith("b/") else root / name)
            current = changed.setdefault(path, set())
        elif line.startswith("@@") and current is not None:
            m = _HUNK.match(line)
            if m:
                start, count = int(m.group(1)), int(m.group(2) if m.group(2) is not None else 1)
                current.update(range(start, start + count))
    return changed
