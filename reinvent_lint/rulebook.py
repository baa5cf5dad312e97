"""The rule book's pages (`rules/RLnnn-name.md`), shipped in the package as `reinvent_lint/rulebook`
(a link to the repository's `rules/` folder), for `explain` and SARIF help text."""

from __future__ import annotations

from pathlib import Path

_DIRS = (Path(__file__).parent / "rulebook", Path(__file__).parent.parent / "rules")


def page_path(code: str) -> Path | None:
    for folder in _DIRS:
        if folder.is_dir():
            found = sorted(folder.glob(f"{code.upper()}-*.md"))
            if found:
                return found[0]
    return None


def page_text(code: str) -> str | None:
    path = page_path(code)
    return path.read_text(encoding="utf-8") if path else None
