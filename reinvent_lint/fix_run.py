"""`fix` over files: read each post once, let the fix engine (fixer.py) repair it with every
fix the run's rules attach (our rules, redirect targets known to the link cache, the style
pack's Liquid-protected fixes), then write atomically or collect a diff."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import fixer, style
from .document import Document, ReadError
from .engine import FileError, Linter, Report
from .external import occurrences
from .files import max_bytes, read_regular_file
from .problem import Problem


@dataclass
class FixRun:
    report: Report = field(default_factory=Report)
    diffs: list[str] = field(default_factory=list)
    fixed_files: int = 0
    applied: int = 0
    unsafe_skipped: int = 0


def fix_paths(linter: Linter, paths: Sequence[Path], *, unsafe: bool = False, write: bool = True) -> FixRun:
    """Fix the files (none: the site around the cwd). With `write=False`, collect unified diffs
    instead of writing. The report holds what is left, as `check` would report it."""
    run = FixRun()
    report = run.report
    style_fixes = style.runs(linter.config.style, whole_site=not paths)
    targets = linter.targets(paths, report.errors)
    if write:  # temporary files a killed run left beside the posts
        fixer.remove_stale_temps({Path(os.path.realpath(t.path)).parent for t in targets})
    for done, target in enumerate(targets):
        if linter.progress:
            linter.progress(done, len(targets), "fixed")
        kind = target.site.kind_of(target.relative)
        try:
            original = read_regular_file(os.path.realpath(target.path), max_bytes(linter.config.limits))
            doc = Document.from_bytes(target.display, original, kind)
        except ReadError as exc:
            report.errors.append(FileError(target.display, exc.message, exc.line, exc.column))
            continue
        except OSError as exc:
            report.errors.append(FileError(target.display, exc.strerror or str(exc)))
            continue
        report.files += 1
        errors: list[FileError] = []

        def check(d: Document, site=target.site, rel=target.relative) -> list[Problem]:  # type: ignore[no-untyped-def]
            problems, found = linter.check_document(d, site, rel)
            errors.extend(found)
            if linter.checks_links:  # permanent redirects known to the link cache: unsafe fixes
                problems += linter.link_problems(occurrences(d), site.root, mode="cached")[0]
            if style_fixes:  # the style pack's fixes, Liquid protected, through the same engine
                found_fix = style.fix_problem(d, linter.config.style, float(linter.config.limits["time-budget"]))
                problems += [found_fix] if found_fix else []
            return sorted(problems, key=lambda p: p.sort_key)

        result = fixer.fix_document(doc, check, unsafe=unsafe)
        report.errors.extend(dict.fromkeys(errors))
        report.errors.extend(FileError(target.display, message) for message in result.refused)
        run.unsafe_skipped += result.unsafe_skipped
        remaining = result.remaining
        if result.changed:
            data = fixer.encode(result.text, doc)
            if not write:
                run.diffs.append(fixer.unified_diff(target.display, original, data))
                remaining = check(doc)
            else:
                try:
                    fixer.write_atomic(target.path, original, data)
                    run.fixed_files += 1
                    run.applied += len(result.applied)
                except fixer.FixRefused as exc:
                    report.errors.append(FileError(target.display, str(exc)))
                    remaining = check(doc)
        report.problems.extend(remaining)
    report.problems.sort(key=lambda p: p.sort_key)
    return run
