"""One run is one pipeline, the same for `check`, `fix` and the library API:

1. discover the files (`Linter.targets`);
2. read and parse each file once, in this process, and build the site data (site-wide rules,
   the URL map, what rules `prepare`) before forking, so workers share it copy-on-write;
3. the per-document phase, in parallel: our rules and the external links each post holds
   (`fix` replaces it with the fix loop, then runs this pipeline again on the fixed text);
4. the cross-document phases: site-wide rules, external links, the style pack;
5. one post-processing stage for every finding, whatever phase made it (`finish`): severity,
   the cap at info in files no reader sees (drafts, `published: false`), per-rule and global
   excludes, suppression comments and RL001, `--since`, baseline, sort;
6. the reporter (the caller's).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import suppress
from .document import Document, ReadError, read_bytes
from .external import LINK_CODES, Occurrence, occurrences
from .files import max_bytes
from .memo import READ_DOCUMENTS
from .problem import Problem, Safety, Severity
from .report import FileError, Report

if TYPE_CHECKING:
    from .engine import Linter, Target
    from .jekyll.site import Site

UNUSED_SUPPRESSION = "RL001"
PARALLEL_THRESHOLD = 48  # below this, starting worker processes costs more than it saves
_STYLE_CODE = re.compile(r"(?i)md\d{3}")


@dataclass
class Unit:
    """One checked file, read and parsed once per run."""

    target: Target
    doc: Document
    original: bytes = b""  # the bytes read, for the compare-and-swap write of `fix`


@dataclass
class Found:
    """What the per-document phase returns for one unit."""

    problems: list[Problem] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    links: list[Occurrence] = field(default_factory=list)


@dataclass(frozen=True)
class Filters:
    """What the run reports of what it found: only changed lines, only new problems."""

    since: str | None = None
    baseline: Path | None = None


# ----- 1-2: discover and read ---------------------------------------------------------------
def read_units(
    linter: Linter, targets: Sequence[Target], errors: list[FileError], preread: Mapping[Path, Document] | None = None
) -> list[Unit]:
    units = []
    for target in targets:
        known = (preread or {}).get(target.path)
        if known is not None:
            units.append(Unit(target, known))
            continue
        try:
            data = read_bytes(target.path, max_bytes(linter.config.limits))
            doc = Document.from_bytes(target.display, data, target.site.kind_of(target.relative))
        except ReadError as exc:
            errors.append(FileError(target.display, exc.message, exc.line, exc.column))
            continue
        units.append(Unit(target, doc, data))
    return units


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _parallel(jobs: int, count: int) -> int:
    """How many worker processes to use (1: none)."""
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and count >= PARALLEL_THRESHOLD and _can_fork():
        return min(jobs, count)
    return 1


_FORKED: tuple[Callable[[int], Any], int] | None = None


def _run_forked(index: int) -> Any:
    assert _FORKED is not None
    return _FORKED[0](index)


def map_units(
    work: Callable[[int], Any],
    count: int,
    jobs: int,
    progress: Callable[[int, int, str], None] | None = None,
    phase: str = "checked",
) -> list[Any]:
    """`work(i)` for i in range(count), in forked workers that inherit everything this process
    built (documents, sites, config) instead of pickling it; `progress(done, total, phase)` as
    results arrive (progress.py shows it on a terminal)."""
    processes = _parallel(jobs, count)
    results: list[Any] = []
    if processes == 1:
        for i in range(count):
            results.append(work(i))
            if progress:
                progress(len(results), count, phase)
        return results
    global _FORKED
    import multiprocessing

    from .signals import deferred, quiet_child

    _FORKED = (work, count)
    try:
        with deferred():  # a stop during the fork would leave workers holding our output open
            pool = multiprocessing.get_context("fork").Pool(processes, quiet_child)
        with pool:
            for result in pool.imap(_run_forked, range(count), chunksize=8):
                results.append(result)
                if progress:
                    progress(len(results), count, phase)
            return results
    finally:
        _FORKED = None


def prepare_sites(linter: Linter, units: Sequence[Unit], parallel: bool) -> None:
    """Build what rules share about each site once, before forking, so workers inherit it: the
    rules' own `prepare` (dictionaries, vocabularies), the file listing and URL map. A run in
    one process skips this: each rule builds what it reads when it first reads it, so a
    one-post run loads no more than that post needs."""
    if not parallel:
        return
    sites = {id(u.target.site): u.target.site for u in units}.values()
    for site in sites:
        read = {u.target.relative: u.doc for u in units if u.target.site is site and u.target.relative}
        site.memo.put(READ_DOCUMENTS, read)
    for r in linter.rules:
        if r.prepare is not None:
            for site in sites:
                r.prepare(site, linter.config.rules[r.code].options)
    for site in sites:
        if site.root is not None:
            site.urls  # noqa: B018 - built once here, inherited by every worker


# ----- 3: the per-document phase --------------------------------------------------------------
def document_phase(linter: Linter, unit: Unit) -> Found:
    doc, target = unit.doc, unit.target
    problems, errors = linter.document_problems(doc, target.site, target.relative)
    links = occurrences(doc) if linter.checks_links else []
    return Found(problems, errors, links)


# ----- 4: the cross-document phases -----------------------------------------------------------
def start_style(
    linter: Linter, units: Sequence[Unit], whole_site: bool, jobs: int = 0
) -> Callable[[], tuple[list[Problem], list[FileError]]] | None:
    """Start the style pack's workers over the documents already read (style_run.py: one per
    job, a CPU-time budget per file, failures kept to their file), so they run while this
    process checks our rules; returns a callable giving their findings (not yet suppressed:
    `finish` does that for every finding) and errors."""
    from . import style

    if not units or not style.runs(linter.config.style, whole_site):
        return None
    from .style_run import StylePass

    budget = float(linter.config.limits["time-budget"])
    run = StylePass([u.doc for u in units], dict(linter.config.style), budget, jobs or os.cpu_count() or 1)
    run.start()

    def collect() -> tuple[list[Problem], list[FileError]]:
        problems, errors = run.collect(linter.progress)
        return problems, [FileError(path, message) for path, message in errors]

    return collect


# ----- 5: post-processing ---------------------------------------------------------------------
def matches(path: str, patterns: Iterable[str]) -> bool:
    import fnmatch

    return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(path, p.rstrip("/") + "/*") for p in patterns)


def finish(
    linter: Linter,
    problems: Iterable[Problem],
    docs: Mapping[str, Document],
    relative: Mapping[str, str | None],
    ran: Callable[[str], bool],
    *,
    report_unused: bool = True,
) -> list[Problem]:
    """The one post-processing stage: every finding, whatever phase made it, gets its configured
    severity, passes the per-rule and global excludes, then the suppression comments of its
    document; unused suppressions of rules that ran become RL001. `docs` and `relative` are keyed
    by display path."""
    config = linter.config
    defaults = {r.code: r.severity for r in linter.all_rules}
    by_path: dict[str, list[Problem]] = {}
    unseen: dict[str, str | None] = {}
    for p in problems:
        where = relative.get(p.path) or p.path
        settings = config.rules.get(p.code)
        if settings is not None:
            if settings.exclude and matches(where, settings.exclude):
                continue
            # A rule may grade its own problems by consequence; a configured severity wins.
            if settings.severity != defaults.get(p.code, settings.severity):
                p = replace(p, severity=settings.severity)
        if config.exclude and matches(where, config.exclude):
            continue
        if p.severity > Severity.INFO:
            p = _capped(linter, p, relative.get(p.path), docs.get(p.path), unseen)
        by_path.setdefault(p.path, []).append(p)
    unused = config.rules.get(UNUSED_SUPPRESSION)
    kept: list[Problem] = []
    for path in sorted(set(by_path) | set(docs)):
        found = by_path.get(path, [])
        doc = docs.get(path)
        if doc is None:
            kept.extend(found)
            continue
        suppressions = suppress.parse(doc, linter.code_of)
        kept.extend(suppress.apply(found, suppressions))
        if not (report_unused and unused and unused.enabled):
            continue
        for s in suppressions:
            if s.action == "enable" or s.used or not all(ran(c) for c in s.codes):
                continue
            what = ", ".join(sorted(s.codes)) or "all rules"
            kept.append(linter.meta_problem(doc, s.start, s.end, f"suppression ({s.action} {what}) suppressed nothing"))
    kept.sort(key=lambda p: p.sort_key)
    return kept


def _capped(
    linter: Linter, p: Problem, relative: str | None, doc: Document | None, unseen: dict[str, str | None]
) -> Problem:
    """A finding in a file no reader sees (a draft, `published: false`) is info, its own severity
    kept in the message, unless it still stops `jekyll build` (see jekyll/publishing.py)."""
    from .jekyll import publishing

    if p.path not in unseen:
        fm = doc.front_matter if doc is not None else None
        data = fm.data if fm is not None and isinstance(fm.data, dict) else None
        bare = doc is not None and fm is None and relative is not None
        if not (bare or publishing.is_draft_path(relative) or publishing.unpublished_flag(data)):
            unseen[p.path] = None
        else:
            site = linter.site_for(linter.cwd / p.path)
            unseen[p.path] = publishing.unseen(relative, data, site.config)
            if unseen[p.path] is None and bare and doc is not None and relative is not None:
                copied = publishing.copied_unrendered(relative, doc.kind, site.files, site.config, site.github_pages)
                unseen[p.path] = "copied" if copied else None
    reason = unseen[p.path]
    if reason is None or publishing.keeps_severity(reason, p.code, p.severity is Severity.ERROR):
        return p
    why = {
        "draft": "once published: no reader sees a draft",
        "unpublished": "once published: no reader sees a file with published: false",
    }.get(reason, "if rendered: Jekyll copies a page without front matter as it is")
    return replace(p, severity=Severity.INFO, message=f"{p.message} [{p.severity} {why}]")


def apply_filters(problems: list[Problem], filters: Filters, cwd: Path) -> list[Problem]:
    """--since (only lines changed since a git ref) and --baseline (only new problems)."""
    if filters.since:
        from .changes import changed_lines

        changed = changed_lines(filters.since, cwd)
        kept = []
        for p in problems:
            lines = changed.get(os.path.normpath(os.path.abspath(p.path)), set())
            if lines is None or p.line in lines:
                kept.append(p)
        problems = kept
    if filters.baseline:
        from .baseline import new_problems, read

        problems = new_problems(problems, read(filters.baseline))
    return problems


# ----- one document in memory (standard input, an editor buffer) ----------------------------------
def check_buffer(
    linter: Linter,
    doc: Document,
    site: Site,
    relative: str | None,
    site_problems: Sequence[Problem] | None = None,
) -> tuple[list[Problem], list[FileError]]:
    """A document that is not (or not as read) on disk, through the phases that need no other
    file: its rules, the link verdicts the cache already has (never the network), the site-wide
    findings the caller computed for it (None: none ran), then `finish` like every finding."""
    problems, errors = linter.document_problems(doc, site, relative)
    if linter.checks_links:
        problems += linter.link_problems(occurrences(doc), site.root, mode="cached")[0]
    problems += site_problems or []
    ran = linter.ran(links=linter.checks_links, style=False, sites=site_problems is not None)
    return finish(linter, problems, {doc.path: doc}, {doc.path: relative}, ran), errors


# ----- the whole run --------------------------------------------------------------------------
def check(
    linter: Linter,
    paths: Sequence[Path],
    jobs: int = 0,
    *,
    filters: Filters = Filters(),
    preread: Mapping[Path, Document] | None = None,
) -> Report:
    """Check the files (none: the site around the cwd); `jobs` processes (0: one per core)."""
    report = Report()
    whole_site = not paths
    targets = linter.targets(paths, report.errors)
    units = read_units(linter, targets, report.errors, preread)
    report.files = len(units)
    style = start_style(linter, units, whole_site, jobs)
    raw: list[Problem] = []
    site_problems, site_errors, site_paths, sites_ran = linter.site_phase(targets, whole_site)
    raw.extend(site_problems)
    report.errors.extend(site_errors)
    parallel = _parallel(jobs, len(units)) > 1
    prepare_sites(linter, units, parallel)
    links: list[Occurrence] = []
    for found in map_units(lambda i: document_phase(linter, units[i]), len(units), jobs, linter.progress):
        raw.extend(found.problems)
        report.errors.extend(found.errors)
        links.extend(found.links)
    if links:
        root = next((u.target.site.root for u in units if u.target.site.root), None)
        problems, warnings = linter.link_problems(links, root)
        raw.extend(problems)
        report.warnings.extend(warnings)
    if style is not None:
        style_problems, style_errors = style()
        raw.extend(style_problems)
        report.errors.extend(style_errors)
    docs = {u.doc.path: u.doc for u in units}
    relative: dict[str, str | None] = {u.doc.path: u.target.relative for u in units}
    relative.update(site_paths)
    ran = linter.ran(links=linter.checks_links, style=style is not None, sites=sites_ran)
    report.problems = apply_filters(finish(linter, raw, docs, relative, ran), filters, linter.cwd)
    return report


@dataclass
class FixRun:
    report: Report = field(default_factory=Report)
    diffs: list[str] = field(default_factory=list)
    fixed_files: int = 0
    applied: int = 0
    unsafe_skipped: int = 0


@dataclass
class _Fixed:
    text: str | None  # None: unchanged
    applied: int
    unsafe_skipped: int
    refused: list[str]
    errors: list[FileError]
    document: Document | None = None  # the fixed document, when fixed in this process


def fix(
    linter: Linter,
    paths: Sequence[Path],
    *,
    unsafe: bool = False,
    write: bool = True,
    jobs: int = 0,
    filters: Filters = Filters(),
) -> FixRun:
    """`fix` = check, apply the fixes through the fix engine, check again. The per-document phase
    is the fix loop; the report is what `check` reports on the fixed text (with `write=False`,
    the text the diffs would produce), with the same options, so its summary and exit code are
    the ones `check` gives next."""
    from . import fixer

    run = FixRun()
    errors: list[FileError] = []
    targets = linter.targets(paths, errors)
    units = read_units(linter, targets, errors)
    if write:  # temporary files a killed run left beside the posts
        fixer.remove_stale_temps({Path(os.path.realpath(u.target.path)).parent for u in units})
    prepare_sites(linter, units, _parallel(jobs, len(units)) > 1)
    check_one = linter.fix_checker(whole_site=not paths)

    in_process = _parallel(jobs, len(units)) == 1

    def work(index: int) -> _Fixed:
        unit = units[index]
        found: list[FileError] = []
        result = fixer.fix_document(unit.doc, lambda d: check_one(d, unit.target, found), unsafe=unsafe)
        text = result.text if result.changed else None
        document = result.document if text is not None and in_process else None  # parsed: reused
        return _Fixed(
            text, len(result.applied), result.unsafe_skipped, result.refused, list(dict.fromkeys(found)), document
        )

    preread: dict[Path, Document] = {}
    warnings: list[str] = []
    for unit, fixed in zip(units, map_units(work, len(units), jobs, linter.progress, "fixed")):
        run.unsafe_skipped += fixed.unsafe_skipped
        errors.extend(fixed.errors)
        display = unit.target.display
        warnings.extend(f"{display}: {message}" for message in fixed.refused)
        if fixed.text is None:
            preread[unit.target.path] = unit.doc
            continue
        doc = unit.doc
        new = fixed.document or doc.with_text(fixed.text)
        data = fixer.encode(fixed.text, doc)
        if not write:
            run.diffs.append(fixer.unified_diff(display, unit.original, data))
        else:
            try:
                fixer.write_atomic(unit.target.path, unit.original, data)
            except fixer.FixRefused as exc:
                errors.append(FileError(display, str(exc)))
                preread[unit.target.path] = doc
                continue
            run.fixed_files += 1
        run.applied += fixed.applied
        preread[unit.target.path] = new
    if write and run.fixed_files:
        linter.forget_sites()  # the fixed files are the site now
    run.report = check(linter, paths, jobs, filters=filters, preread=preread)
    run.report.errors[:0] = errors
    run.report.warnings[:0] = warnings
    return run


def without_safe_fixes(problems: Iterable[Problem]) -> list[Problem]:
    """What is left after `fix`: its safe fixes were tried, so none is offered again."""
    return [replace(p, fix=None) if p.fix and p.fix.safety is Safety.SAFE else p for p in problems]


__all__ = ["LINK_CODES", "Filters", "FixRun", "Found", "Unit", "check", "finish", "fix"]
