"""Baselines: record today's findings, then report only new ones. How an existing blog with
hundreds of findings turns the CI gate on before it has fixed them all."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ReinventLintError

if TYPE_CHECKING:
    from .problem import Problem

DEFAULT_NAME = ".reinvent-lint-baseline.json"


class BaselineError(ReinventLintError):
    pass


def write(path: Path, problems: list[Problem]) -> int:
    from . import __version__
    from .fingerprints import fingerprints

    entries = {
        digest: {"path": p.path, "code": p.code, "line": p.line, "message": p.message}
        for digest, p in fingerprints(problems)
    }
    document = {"tool": "reinvent-lint", "version": __version__, "format": 1, "findings": entries}
    path.write_text(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(entries)


def read(path: Path) -> set[str]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found (create it with `reinvent-lint baseline`)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a reinvent-lint baseline: {exc}") from None
    findings = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(findings, dict):
        raise BaselineError(f"{path}: not a reinvent-lint baseline (no 'findings')")
    return set(findings)


def new_problems(problems: list[Problem], known: set[str]) -> list[Problem]:
    from .fingerprints import fingerprints

    return [p for digest, p in fingerprints(problems) if digest not in known]
