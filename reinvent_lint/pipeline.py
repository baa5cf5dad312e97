"""One run is one pipeline, the same for `check`, `fix` and the library API:

1. discover the files (`Linter.targets`);
2. read each file once, in this process, and build the site data (site-wide rules, the URL
   map, what rules `prepare`) before forking, so workers share it copy-on-write; each file is
   parsed once, here, or (in a `check` without links and the style pack) in the worker that
   checks it;
3. the per-document phase, in parallel (workers.py): our rules and the external links each
   post holds (`fix` replaces it with the fix loop, then runs this pipeline again on the fixed
   text);
4. the cross-document phases: site-wide rules, external links, the style pack;
5. one post-processing stage for every finding, whatever phase made it (`finish`): severity,
   the cap at info in files no reader sees (drafts, `published: false`), per-rule and global
   excludes, suppression comments and RL001 (this much file by file, in the worker, when no
   later phase adds findings to the file), `--since`, baseline, sort;
6. the reporter (the caller's).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from . import suppress
from .document import Document, ReadError, decode_endings, read_bytes
from .jekyll.front_matter import packed as packed_front_matter
from .jekyll.front_matter import remember as remember_front_matter
from .markdown import packed as packed_blocks
from .markdown import remember as remember_blocks
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


@dataclass
class Unit:
    """One checked file, read and parsed once per run."""

    target: Target
    doc: Document
    original: bytes = b""  # the bytes read, for the compare-and-swap write of `fix`


_UNPACKED = b"\0unpacked"  # `_Slot.front`, `Found.front`: not computed


@dataclass
class Found:
    """What the per-document phase returns for one unit."""

    problems: list[Problem] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    links: list[Occurrence] = field(default_factory=list)
    reads: set[tuple[Any, ...]] | None = None  # what the rules read of the site (result_cache.py), when recorded
    words: dict[str, bytes] = field(default_factory=dict)  # the words the speller judged, when recorded
    stored_reads: tuple[Any, ...] | None = None  # `reads` and `words` as its cache entry stores them
    # finished where it was checked (when no later phase adds findings): see `check`
    finished: list[Problem] | None = None
    finished_entry: tuple[bytes, tuple[Any, ...]] | None = None  # `_Slot.finished`
    front: bytes | None = _UNPACKED  # `_Slot.front`
    blocks: bytes | None = _UNPACKED  # `_Slot.blocks`
    packed: tuple[Any, ...] | None = None  # (problems, errors, links) as its cache entry stores them


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
    return hasattr(os, "fork")  # (workers.py forks with os.fork; multiprocessing is not imported to ask)


def _parallel(jobs: int, count: int) -> int:
    """How many worker processes to use (1: none)."""
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and count >= PARALLEL_THRESHOLD and _can_fork():
        return min(jobs, count)
    return 1


def map_units(
    work: Callable[[int], Any],
    count: int,
    jobs: int,
    progress: Callable[[int, int, str], None] | None = None,
    phase: str = "checked",
    each: Callable[[int, Any], None] | None = None,
    sizes: Sequence[int] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[Any]:
    """`work(i)` for i in range(count), in forked workers that inherit everything this process
    built (documents, sites, config) instead of pickling it (workers.py); `progress(done, total,
    phase)` and `each(i, result)`, in this process, as results arrive (progress.py shows it on a
    terminal). `sizes`: each task's size; the largest are handed out first, so the last tasks
    are short and both workers finish together. `meanwhile()`: work of this process that needs
    no result, done while the workers run (before any result is delivered)."""
    processes = _parallel(jobs, count)
    results: list[Any] = []
    if processes == 1:
        if meanwhile is not None:
            meanwhile()
        for i in range(count):
            results.append(work(i))
            if each:
                each(i, results[-1])
            if progress:
                progress(len(results), count, phase)
        return results
    from . import workers

    slots: list[Any] = [None] * count
    done = 0

    def deliver(index: int, result: Any) -> None:
        nonlocal done
        slots[index] = result
        done += 1
        if each:
            each(index, result)
        if progress:
            progress(done, count, phase)

    order = range(count) if sizes is None else sorted(range(count), key=lambda i: -sizes[i])
    # What this process built (documents, the site, the lexicon) is frozen out of the collector
    # before forking: a collection in a worker would otherwise touch every object and copy each
    # page it shares with this process.
    gc.freeze()
    try:
        workers.run(work, order, processes, deliver, meanwhile)
    finally:
        gc.unfreeze()
    return slots


def prepare_sites(linter: Linter, units: Sequence[tuple[Target, Any]], parallel: bool) -> None:
    """Build what rules share about each site once, before forking, so workers inherit it: the
    rules' own `prepare` (dictionaries, vocabularies), the file listing and URL map. A run in
    one process skips this: each rule builds what it reads when it first reads it, so a
    one-post run loads no more than that post needs. Either way the documents read (`units`:
    each target with its Document, or with its text not yet parsed: an object with `.text`) are
    put on each site: a rule that learns from every file (the spelling vocabulary) need not read
    them again."""
    sites = {id(t.site): t.site for t, _ in units}.values()
    for site in sites:
        read = {t.relative: doc for t, doc in units if t.site is site and t.relative}
        site.memo.put(READ_DOCUMENTS, read)
    if not parallel:
        return
    for r in linter.rules:
        if r.prepare is not None:
            for site in sites:
                r.prepare(site, linter.config.rules[r.code].options)
    for site in sites:
        if site.root is not None:
            site.urls  # noqa: B018 - built once here, inherited by every worker


# ----- 3: the per-document phase --------------------------------------------------------------
def document_phase(linter: Linter, unit: Unit, record: bool = False, links: bool = True) -> Found:
    """Our rules on one document; with `record`, what they read of the site is recorded for the
    result cache (result_cache.py: the rules see a TracedSite). Its links are collected when
    links are checked and either `links` (their verdicts will be looked up) or `record` (they
    are stored for later runs)."""
    doc, target = unit.doc, unit.target
    found = occurrences(doc) if linter.checks_links and (links or record) else []
    if not record:
        problems, errors = linter.document_problems(doc, target.site, target.relative)
        return Found(problems, errors, found)
    from .result_cache import Recorder, TracedSite, recording

    with recording(Recorder()) as recorder:
        problems, errors = linter.document_problems(doc, cast("Site", TracedSite(target.site)), target.relative)
    return Found(problems, errors, found, recorder.keys, recorder.words)


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
    """Check the files (none: the site around the cwd); `jobs` processes (0: one per core).
    With `linter.use_result_cache` (the CLI's default), files whose cached results are still
    valid are neither parsed nor checked again (result_cache.py)."""
    report = Report()
    whole_site = not paths
    from . import cache

    cache.HELPED_RUN = jobs != 1  # (`--jobs 1`: this process alone, no helper forked either)
    if linter.use_result_cache:
        from .result_cache import LAST

        LAST.cached = False
    targets = linter.targets(paths, report.errors)
    stores = _open_caches(linter, targets, report.warnings) if linter.use_result_cache and preread is None else {}
    from . import style as style_pack

    # Without links and the style pack, a file's findings are all known once its document phase
    # is done: it is finished then, where it was checked. The files are then parsed there too,
    # each by the worker that checks it, not all of them in this process before the workers
    # start (~30 ms of a whole-blog run that only one core worked on); this process decodes
    # them (for the site vocabulary, and to report a file that is not UTF-8 as before).
    style_on = style_pack.runs(linter.config.style, whole_site)
    early = not linter.checks_links and not style_on
    lazy = early and preread is None
    if stores:
        slots = _read_slots(linter, targets, report.errors, stores, lazy)
    elif lazy:
        slots = _read_unparsed(linter, targets, report.errors)
    else:
        units_read = read_units(linter, targets, report.errors, preread)
        slots = [_Slot(u.target, u.original, unit=u).released() for u in units_read]
    report.files = len(slots)
    style_runs = bool(slots) and style_on
    style_slots = [s for s in slots if s.entry is None or s.entry.style is None] if style_runs else []
    style = start_style(linter, [s.need_unit(linter) for s in style_slots], whole_site, jobs)
    raw: list[Problem] = []
    site_problems, site_errors, site_paths, sites_ran = _site_phase(linter, targets, whole_site, stores)
    raw.extend(site_problems)
    report.errors.extend(site_errors)
    misses = [s for s in slots if s.found is None]
    parallel = _parallel(jobs, len(misses)) > 1
    if misses:
        # with the result cache, shared site data is built before the traced document phase (so
        # building it is not recorded as every document reading the whole site) and the speller
        # exists to be traced
        read = [(s.target, s.unit.doc if s.unit is not None else _Unparsed(s.decoded_text())) for s in misses]
        prepare_sites(linter, read, parallel or bool(stores))
        if stores:
            _trace_spellers([s.target.site for s in misses])
    record = [bool(stores) and s.stored(linter) for s in misses]
    root = next((s.target.site.root for s in slots if s.target.site.root), None)
    looks_up = linter.looks_up_links(root)
    _SENT_WORDS.clear()

    relative: dict[str, str | None] = {s.target.display: s.target.relative for s in slots}
    relative.update(site_paths)
    ran = linter.ran(links=linter.checks_links, style=style is not None or style_runs, sites=sites_ran)
    signature = (linter.checks_links, style_runs, sites_ran) if stores else None
    site_found: dict[str, list[Problem]] = {}
    for p in site_problems:
        site_found.setdefault(p.path, []).append(p)

    def work(i: int) -> Found:
        slot = misses[i]
        unit = slot.need_unit(linter)
        found = document_phase(linter, unit, record[i], looks_up)
        store = stores.get(id(unit.target.site))
        if found.reads is not None and store is not None:
            _ready_to_store(found, store.evaluate, _SENT_WORDS.setdefault(id(unit.target.site), set()))
        if early:  # (in a worker, `slot` is its own copy: what the main process needs is sent)
            slot.found = found
            path = unit.target.display
            packed: dict[int, tuple[Any, ...]] = {}
            if found.stored_reads is not None:  # its entry will be stored: packed once, here
                found.packed = _packed_found(found, path)
                packed = dict(zip(map(id, found.problems), found.packed[0]))
            found.finished = _finish_file(linter, path, site_found.get(path, []) + found.problems, slot, relative,
                                          ran, signature, packed)  # fmt: skip
            found.finished_entry = slot.finished
            if stores and unit.doc.front_matter is not None:
                found.front = _packed_front(unit)
            if stores and unit.doc.parsed:
                found.blocks = packed_blocks(unit.doc.tokens)
        return found

    finished_early: dict[str, list[Problem]] = {}

    def take_finished(slot: _Slot, found: Found) -> None:
        assert found.finished is not None
        slot.found = found
        finished_early[slot.target.display] = found.finished
        slot.finished = found.finished_entry
        if found.front != _UNPACKED:
            slot.front = found.front
        if found.blocks != _UNPACKED:
            slot.blocks = found.blocks
        found.finished = None

    # In mode `all`, the link worker gets each document's URLs as they are found (link_worker.py).
    feed = _feeder(linter) if looks_up else None
    if feed is not None:
        feed([o for s in slots if s.found is not None for o in s.found.links])  # from the result cache
    each: Callable[[int, Found], None] | None = None
    if feed is not None:
        each = lambda index, found: feed(found.links)
    elif early:
        each = lambda index, found: take_finished(misses[index], found)
    sizes = [s.size for s in misses]

    def meanwhile() -> None:
        from .cache import release

        release()  # the user cache held back while the workers' data was built (engine.check_paths)
        if stores:
            _prepare_entries(stores, misses)

    if lazy and parallel:
        _import_parsers()
    mapped = map_units(work, len(misses), jobs, linter.progress, each=each, sizes=sizes, meanwhile=meanwhile)
    for slot, found in zip(misses, mapped):
        slot.found = found
    links: list[Occurrence] = []
    for slot in slots:
        assert slot.found is not None
        raw.extend(slot.found.problems)
        report.errors.extend(slot.found.errors)
        links.extend(slot.found.links)
    if links:
        problems, warnings = linter.link_problems(links, root)
        raw.extend(problems)
        report.warnings.extend(warnings)
    if style_runs:
        fresh_style: tuple[list[Problem], list[FileError]] = style() if style is not None else ([], [])
        for slot in slots:
            if slot.entry is not None and slot.entry.style is not None and slot not in style_slots:
                slot.style = _unpack_style(slot.entry.style, slot.target.display)
        _assign_style(style_slots, fresh_style)
        for slot in slots:
            raw.extend(slot.style[0])
            report.errors.extend(slot.style[1])
    if signature is not None:
        finished = _finish_cached(linter, raw, slots, relative, ran, signature, finished_early)
        _store(stores, slots, whole_site)
        _note_for_replay(stores, targets, slots)
    else:
        rest = [p for p in raw if p.path not in finished_early]
        docs = {s.target.display: s.need_unit(linter).doc for s in slots if s.target.display not in finished_early}
        finished = finish(linter, rest, docs, relative, ran) + [p for done in finished_early.values() for p in done]
        finished.sort(key=lambda p: p.sort_key)
    report.problems = apply_filters(finished, filters, linter.cwd)
    return report


def _import_parsers() -> None:
    """The parsing libraries, imported before the workers that parse the documents fork: each
    worker imported its own at its first parse, ~30 ms of CPU a worker (markdown-it ~20, PyYAML
    ~9) on top of the ~30 ms this process then spends once. The wall time stays as it was (this
    process works alone meanwhile, as each worker did), the run's CPU falls by what the second
    (and every further) worker spent, and the workers share the modules' memory."""
    import markdown_it  # noqa: F401
    import mdit_py_plugins.footnote  # noqa: F401
    import yaml  # noqa: F401


def _feeder(linter: Linter) -> Callable[[Sequence[Occurrence]], None] | None:
    """link_worker.feeder; with no worker forked (every run but a network one) it would say None,
    and link_worker (with pickle) is not imported."""
    if linter.link_worker is None:
        return None
    from . import link_worker

    return link_worker.feeder(linter)


# ----- the result cache's side of the run (result_cache.py) -------------------------------------
@dataclass(eq=False)
class _Slot:
    """One file of the run: its cached entry, or its parsed unit, or both."""

    target: Target
    data: bytes
    content: bytes = b""
    entry: Any = None  # result_cache.Entry whose content matches
    unit: Unit | None = None
    found: Found | None = None
    style: tuple[list[Problem], list[FileError]] = field(default_factory=lambda: ([], []))
    style_fresh: bool = False  # the style pack checked it in this run
    style_uncacheable: bool = False
    finished: tuple[bytes, tuple[Any, ...]] | None = None
    words: bytes = b""  # digest of what the file adds to the site vocabulary
    index: int = 0  # of its target
    size: int = -1  # of `data` (kept when a huge file's bytes are released)
    decoded: tuple[str, bool, str] | None = None  # `decode_endings(data)`, before the file is parsed
    front: bytes | None = _UNPACKED  # its front matter packed for its entry (by its worker, or meanwhile)
    blocks: bytes | None = _UNPACKED  # what markdown-it said of it, packed for its entry by its worker

    def __post_init__(self) -> None:
        if self.size < 0:
            self.size = len(self.data)

    def released(self) -> _Slot:
        """The slot, without the bytes of a huge file once parsed: a check reads them no more
        (its content hash and size stand for them), and a 20 MB post's are 20 MB of the peak."""
        from .result_cache import worth_storing

        if self.unit is not None and not worth_storing(self.size):
            self.data = self.unit.original = b""
        return self

    def stored(self, linter: Linter) -> bool:
        """Whether the result cache stores this file's results (not a huge file's, nor those of a
        file with more findings than a rule may report)."""
        from .result_cache import worth_storing

        findings = len(self.found.problems) if self.found is not None else 0
        return worth_storing(self.size, findings, int(linter.config.limits["max-findings"]))

    def need_unit(self, linter: Linter) -> Unit:
        if self.unit is None:
            target = self.target
            kind = target.site.kind_of(target.relative)
            if self.decoded is None:
                doc = Document.from_bytes(target.display, self.data, kind)
            else:  # as Document.from_bytes makes it, from the text decoded already
                text, bom, newline = self.decoded
                doc = Document(target.display, text, bom=bom, crlf=newline == "\r\n", kind=kind, cr=newline == "\r")
                self.decoded = None
            self.unit = Unit(target, doc, self.data)
            self.released()
        return self.unit

    def decoded_text(self) -> str:
        """The file's text before it is parsed (decoded once: `need_unit` parses it from there)."""
        if self.unit is not None:
            return self.unit.doc.text
        if self.decoded is None:
            self.decoded = decode_endings(self.data)
        return self.decoded[0]


@dataclass(frozen=True)
class _Unparsed:
    """A file's text before it is parsed: what the site vocabulary reads of a document (see
    `prepare_sites`)."""

    text: str


SITE_PHASE = "\0site-phase"  # the entry holding the site-wide rules' findings


def _site_phase(
    linter: Linter, targets: Sequence[Target], whole_site: bool, stores: dict[int, Any]
) -> tuple[list[Problem], list[FileError], dict[str, str | None], bool]:
    """The site-wide rules; on a whole-site run where no file of the site changed, their
    findings from the cache (they read every post: any change runs them again)."""
    from .result_cache import Entry, pack_error, pack_problem, unpack_error, unpack_problem

    store = next(iter(stores.values())) if len(stores) == 1 and whole_site else None
    key = store.fingerprint_now + str(linter.cwd).encode() if store is not None else b""
    if store is not None and store.all_valid:
        raw = store.entries.get(SITE_PHASE)
        if raw is not None and raw[0] == key and raw[2] is not None:
            problems, errors, paths, ran = raw[2]
            return [unpack_problem(p, "") for p in problems], [unpack_error(e, "") for e in errors], dict(paths), ran
    problems, errors, paths, ran = linter.site_phase(list(targets), whole_site)
    if store is not None:
        packed = (
            tuple(pack_problem(p, "") for p in problems),
            tuple(pack_error(e, "") for e in errors),
            tuple(paths.items()),
            ran,
        )
        store.put(SITE_PHASE, Entry(key, (), packed))
    return problems, errors, paths, ran


def _open_caches(linter: Linter, targets: Sequence[Target], warnings: list[str]) -> dict[int, Any]:
    from .result_cache import open_cache

    stores: dict[int, Any] = {}
    for target in targets:
        site = target.site
        if id(site) not in stores:
            stores[id(site)] = open_cache(linter, site, warnings)
    return {k: v for k, v in stores.items() if v is not None}


def _read_slots(
    linter: Linter, targets: Sequence[Target], errors: list[FileError], stores: dict[int, Any], lazy: bool = False
) -> list[_Slot]:
    """Read every file's bytes; take each valid entry's findings from the cache, so only the
    others are parsed and checked. `lazy`: they are only decoded here, and parsed where they
    are checked (see `check`)."""
    from .result_cache import LAST, Evaluator, content_hash, unpack_error, unpack_occurrence, unpack_problem

    slots: list[_Slot] = []
    failed: dict[int, FileError] = {}  # by target index, so errors keep the order of a run without cache
    for index, target in enumerate(targets):
        try:
            data = read_bytes(target.path, max_bytes(linter.config.limits))
        except ReadError as exc:
            failed[index] = FileError(target.display, exc.message, exc.line, exc.column)
            continue
        slots.append(_Slot(target, data, content_hash(data), index=index))
    for slot in slots:  # a changed file's front matter and blocks as last read: its URL
        store = stores.get(id(slot.target.site))  # (the site's URL table) is read before it is parsed
        raw = store.entries.get(slot.target.relative) if store is not None and slot.target.relative else None
        if raw is not None and raw[0] != slot.content:
            remember_front_matter(raw[6])  # by its YAML text: an edit below it needs no PyYAML
            remember_blocks(raw[7])  # what markdown-it said about its text, by each part's digest
    spelling = _spelling_options(linter)
    for key, store in stores.items():
        mine = [s for s in slots if id(s.target.site) == key and s.target.relative]
        contents = {s.target.relative: s.content for s in mine}
        words: dict[str, bytes] | None = None
        if spelling is not None and store.vocabulary:  # else no stored verdict can be reused
            words = {}
            for slot in mine:
                rel = slot.target.relative
                assert rel is not None
                slot.words = (
                    _words_of_unstored(slot) or store.stored_words(rel, slot.content) or _words_digest(slot.data)
                )
                words[rel] = slot.words
            store.other_words = _other_words(store.site, words)
        store.begin(contents, words)
        store.evaluate = Evaluator(store.site, store, _speller_factory(store.site, spelling))
    checked: list[str] = []
    reused: list[str] = []
    for slot in slots:
        store = stores.get(id(slot.target.site))
        rel, display = slot.target.relative, slot.target.display
        if store is not None and rel is not None:
            if slot.stored(linter):
                slot.entry = store.lookup(rel, slot.content)
            else:
                store.unstored.add(rel)
        if slot.entry is not None and slot.entry.found is not None:
            problems, found_errors, links = slot.entry.found
            slot.found = Found(
                [unpack_problem(p, display) for p in problems],
                [unpack_error(e, display) for e in found_errors],
                [unpack_occurrence(o, display) for o in links],
            )
            reused.append(rel or display)
        else:
            raw = store.entries.get(rel) if store is not None and rel is not None else None
            if raw is not None and raw[0] == slot.content:  # (a changed file's: remembered above)
                remember_front_matter(raw[6])  # the same content, its findings no longer valid
                remember_blocks(raw[7])
            try:
                slot.decoded_text() if lazy else slot.need_unit(linter)
            except ReadError as exc:
                failed[slot.index] = FileError(display, exc.message, exc.line, exc.column)
                slot.index = -1
                continue
            checked.append(rel or display)
    errors.extend(failed[i] for i in sorted(failed))
    LAST.checked, LAST.reused = checked, reused
    return [s for s in slots if s.index >= 0]


def _read_unparsed(linter: Linter, targets: Sequence[Target], errors: list[FileError]) -> list[_Slot]:
    """`read_units` without parsing: each file read and decoded (the same errors, in the same
    order), to be parsed where it is checked (see `check`)."""
    slots: list[_Slot] = []
    for target in targets:
        try:
            slot = _Slot(target, read_bytes(target.path, max_bytes(linter.config.limits)))
            slot.decoded_text()
        except ReadError as exc:
            errors.append(FileError(target.display, exc.message, exc.line, exc.column))
            continue
        slots.append(slot)
    return slots


# Per site (id of its Site): the words whose verdicts this process has sent back in this run. Each
# site has its own verdict table, so a word sent for one site's post is sent again for another's.
_SENT_WORDS: dict[int, set[str]] = {}


def _ready_to_store(found: Found, evaluate: Callable[[Any], bytes], sent: set[str]) -> None:
    """A recorded document's reads as its cache entry stores them: each key with its digest now,
    sorted, then its words and their verdicts' digest; done where it was checked (a worker process),
    not in the main one. Of the verdicts only those this process has not sent yet for the post's
    site (`sent`) go back: the main process merges them all into that site's verdict table."""
    from .result_cache import words_key

    assert found.reads is not None
    pairs = sorted([(k, evaluate(k)) for k in found.reads], key=repr)
    if found.words:
        pairs.append(words_key(found.words))
    found.stored_reads = tuple(pairs)
    found.reads = set()
    words = found.words
    # (most were sent: a set difference in C, which iterates the post's words, not those sent)
    found.words = {w: words[w] for w in set(words).difference(sent)}
    sent.update(found.words)


def _note_for_replay(stores: dict[int, Any], targets: Sequence[Target], slots: Sequence[_Slot]) -> None:
    """What replay.py records besides the output: see result_cache.Stats."""
    from .result_cache import LAST

    LAST.cached = all(id(t.site) in stores for t in targets)
    real = _RealPaths()
    LAST.read = {real(str(s.target.path)): s.content for s in slots}
    LAST.due = min((store.valid_until for store in stores.values()), default=float("inf"))
    LAST.folders = [str(store.path.parent) for store in stores.values()]
    LAST.files = [str(store.path) for store in stores.values()]


class _RealPaths:
    """`os.path.realpath` of many files in few folders: each folder resolved once (realpath
    stats every component of every path: 279 posts cost a one-post run 4 ms). A file that is
    itself a symbolic link is resolved whole, so the result is realpath's."""

    def __init__(self) -> None:
        self.folders: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        folder, name = os.path.split(path)
        if name in ("", ".", "..") or os.path.islink(path):
            return os.path.realpath(path)
        real = self.folders.get(folder)
        if real is None:
            real = self.folders[folder] = os.path.realpath(folder or ".")
        return os.path.join(real, name)


def _spelling_options(linter: Linter) -> Any:
    """The speller's options when a spelling rule runs (None: none does)."""
    if not any(r.code in ("RL501", "RL504") for r in linter.rules):
        return None
    return linter.config.rules["RL501"].options


def _words_digest(data: bytes) -> bytes:
    """What a file adds to the site vocabulary (the words and code words that
    spelling.site_words counts), as a digest."""
    from .result_cache import words_digest
    from .speller import words_and_code_words

    words, code = words_and_code_words(data.decode("utf-8-sig", errors="replace"))
    return words_digest((tuple(sorted(words)), tuple(sorted(code))))


def _words_of_unstored(slot: _Slot) -> bytes:
    """A file too large to store: its bytes stand for its words (no pass over its text)."""
    from .result_cache import worth_storing

    return b"" if worth_storing(slot.size) else slot.content


def _other_words(site: Site, words: dict[str, bytes]) -> dict[str, bytes]:
    """The vocabulary of the site's Markdown files not checked in this run: their size and
    modification time stand for their words, as they do for the speller's own per-file word
    cache (rules.spelling.WORDS_CACHE, cache.PerFile), which reads a file again only when they
    change. Reading and hashing every other post instead cost a one-post run 0.02 CPU-s."""
    assert site.root is not None
    root = str(site.root)
    others: dict[str, bytes] = {}
    for rel in site.markdown_files():
        if rel not in words:
            try:
                stat = os.stat(os.path.join(root, rel))
                others[rel] = b"%d:%d" % (stat.st_size, stat.st_mtime_ns)
            except OSError:
                others[rel] = b""
    words.update(others)
    return others


def _fill_words(store: Any, slots: Sequence[_Slot]) -> None:
    """Each file's vocabulary digest, for the files that have none yet: as computed in an earlier
    run while the file's size and time are the same (WORDS_DIGESTS), else from the vocabulary
    the speller learned (spelling.site_words keeps it per file), else from the text. Loading
    that per-file vocabulary (1.7 MB, every word of the site) and digesting each file's words
    cost a whole-blog run without result cache 13-19 ms of CPU (artsy, 279 posts), while the
    workers ran; the digests alone load in well under 1 ms."""
    from .cache import PerFile
    from .replay import RACY
    from .result_cache import words_digest
    from .rules.spelling import WORDS_CACHE, WORDS_SAVED

    for slot in slots:
        slot.words = slot.words or _words_of_unstored(slot)
    missing = [s for s in slots if not s.words]
    if not missing:
        return
    digests = PerFile(f"{WORDS_CACHE}-{WORDS_DIGESTS}", store.site.root)
    files = set(store.site.markdown_files())
    digests.fresh = {rel: entry for rel, entry in digests.known.items() if rel in files}
    rest = []
    for slot in missing:
        found = digests.peek(slot.target.path, str(slot.target.relative))
        if found is not None and found[0] == slot.size and found[1]:  # (the file as read: same size)
            slot.words = found[1]
        else:
            rest.append(slot)
    if not rest:
        return
    known = PerFile(WORDS_CACHE, store.site.root, store.site.memo.peek(WORDS_SAVED))  # read, never written here
    for slot in rest:
        rel = str(slot.target.relative)
        found = known.peek(slot.target.path, rel)
        if found is not None and found[0] == slot.size and found[1]:  # (the file as read: same size)
            slot.words = words_digest(found[1])
        else:
            slot.words = _words_digest(slot.data)
        # (a file changed since the run began, or in the RACY seconds before, is not kept: it may
        # have changed after it was read, or may change again under the same time)
        digests.put(slot.target.path, rel, slot.words, store.opened - RACY)
    digests.save()


# The user cache of each file's vocabulary digest (result_cache.words_digest of its words and code
# words), by its size and time, named after the per-file vocabulary it is computed from (a new
# word list there is a new digest file): a new version here when the digest's definition changes.
WORDS_DIGESTS = "digests-1"


def _speller_factory(site: Site, options: Any) -> Callable[[], Any]:
    def build() -> Any:
        from .rules.spelling import speller_for

        return speller_for(site, options)

    return build


def _trace_spellers(sites: Iterable[Site]) -> None:
    """Let the result cache see which vocabulary entries the speller's verdicts read."""
    import sys

    spelling = sys.modules.get("reinvent_lint.rules.spelling")
    if spelling is None:
        return
    from .result_cache import trace_speller

    for site in {id(site): site for site in sites}.values():
        speller = spelling.built_speller(site)
        if speller is not None:
            trace_speller(speller)


def _unpack_style(packed: Any, display: str) -> tuple[list[Problem], list[FileError]]:
    from .result_cache import unpack_error, unpack_problem

    return [unpack_problem(p, display) for p in packed[0]], [unpack_error(e, display) for e in packed[1]]


def _assign_style(slots: Sequence[_Slot], fresh: tuple[list[Problem], list[FileError]]) -> None:
    by_path = {s.target.display: s for s in slots}
    for slot in slots:
        slot.style = ([], [])
        slot.style_fresh = True
    for p in fresh[0]:
        if p.path in by_path:
            by_path[p.path].style[0].append(p)
    for e in fresh[1]:
        if e.path in by_path:
            by_path[e.path].style[1].append(e)
    leftover = [p for p in fresh[0] if p.path not in by_path], [e for e in fresh[1] if e.path not in by_path]
    if (leftover[0] or leftover[1]) and slots:  # not tied to one file: kept, never cached
        slots[0].style[0].extend(leftover[0])
        slots[0].style[1].extend(leftover[1])
        slots[0].style_uncacheable = True


def _finish_cached(
    linter: Linter,
    raw: list[Problem],
    slots: Sequence[_Slot],
    relative: Mapping[str, str | None],
    ran: Callable[[str], bool],
    signature: tuple[bool, ...],
    early: Mapping[str, list[Problem]],
) -> list[Problem]:
    """`finish`, one file at a time, its output reused when its input (the file, the run key,
    the raw findings of every phase) is what the cache finished last time. `early`: the files
    finished already (`_finish_file`, as their document phase ended), by display path."""
    by_path: dict[str, list[Problem]] = {}
    for p in raw:
        by_path.setdefault(p.path, []).append(p)
    kept: list[Problem] = []
    files = {s.target.display: s for s in slots}
    packed: dict[int, tuple[Any, ...]] = {}  # problems taken from the cache -> their stored form
    for each in slots:
        if each.found is not None and each.entry is not None and each.entry.found is not None:
            packed.update(zip(map(id, each.found.problems), each.entry.found[0]))
    for path in sorted(set(by_path) | set(files)):
        done = early.get(path)
        if done is None:
            done = _finish_file(linter, path, by_path.get(path, []), files.get(path), relative, ran, signature, packed)
        kept.extend(done)
    kept.sort(key=lambda p: p.sort_key)
    return kept


def _finish_file(
    linter: Linter,
    path: str,
    found: list[Problem],
    slot: _Slot | None,
    relative: Mapping[str, str | None],
    ran: Callable[[str], bool],
    signature: tuple[bool, ...] | None,
    packed: Mapping[int, tuple[Any, ...]],
) -> list[Problem]:
    """`finish` of one file's raw findings (all of its phases'); with a `signature` (the result
    cache is on), reused from its entry when its input is what the cache finished last time,
    and kept on the slot for its entry."""
    if signature is None or slot is None or not slot.stored(linter):  # not stored: no digest either
        return finish(linter, found, {path: slot.need_unit(linter).doc} if slot else {}, relative, ran)
    from .result_cache import finish_digest, pack_problem, unpack_problem

    key = finish_digest(found, path, signature, packed)
    cached = slot.entry.finished if slot.entry is not None else None
    if cached is not None and cached[0] == key:
        slot.finished = cached  # as stored: not packed again
        return [unpack_problem(p, path) for p in cached[1]]
    done = finish(linter, found, {path: slot.need_unit(linter).doc}, relative, ran)
    slot.finished = (key, tuple(pack_problem(p, path) for p in done))
    return done


def _packed_front(unit: Unit) -> bytes | None:
    assert unit.doc.front_matter is not None
    return packed_front_matter(unit.doc.front_matter, unit.doc.text)


def _prepare_entries(stores: dict[int, Any], slots: Sequence[_Slot]) -> None:
    """What the cache entries of the files being checked need and their findings do not decide,
    done while the workers check them (this process would wait idle meanwhile, and after them
    it works alone: 25-30 ms of a whole-blog run): each file's vocabulary digest and, for the
    files parsed in this process, their front matter packed (the others' is packed by the
    worker that parses them)."""
    for key, store in stores.items():
        if _spelling_options(store.linter) is not None:
            _fill_words(store, [s for s in slots if id(s.target.site) == key and s.target.relative])
    for slot in slots:
        if slot.unit is not None and slot.unit.doc.front_matter is not None:
            slot.front = _packed_front(slot.unit)


def _packed_found(found: Found, display: str) -> tuple[Any, ...]:
    """A document's findings as its cache entry stores them."""
    from .result_cache import pack_error, pack_occurrence, pack_problem

    return (
        tuple(pack_problem(p, display) for p in found.problems),
        tuple(pack_error(e, display) for e in found.errors),
        tuple(pack_occurrence(o, display) for o in found.links),
    )


def _store(stores: dict[int, Any], slots: Sequence[_Slot], whole_site: bool) -> None:
    from .result_cache import Entry, pack_error, pack_problem

    for key, store in stores.items():
        contents: dict[str, bytes] = {}
        verdicts: dict[str, bytes] = dict(store.evaluate.verdicts)
        mine = [s for s in slots if id(s.target.site) == key and s.target.relative and s.found is not None]
        words: dict[str, bytes] | None = None
        if _spelling_options(store.linter) is not None:
            _fill_words(store, mine)
            words = {s.target.relative: s.words for s in mine if s.target.relative}
            if store.other_words is not None and store.other_words.keys().isdisjoint(words):
                words.update(store.other_words)  # stamped as the run began: not stat-ed again
            else:
                _other_words(store.site, words)
        for slot in slots:
            rel, display = slot.target.relative, slot.target.display
            if id(slot.target.site) != key or slot.found is None:
                continue
            # every verdict the run judged, also one a file whose results are not stored sent first
            # (a worker sends each word's once): an entry judged under this vocabulary finds all
            # its words in the table (result_cache.Evaluator.verdicts_hold)
            verdicts.update(slot.found.words)
            if rel is None:
                continue
            contents[rel] = slot.content
            if not slot.stored(store.linter):
                store.unstored.add(rel)
                continue
            old = slot.entry
            if old is not None and old.found is not None:
                reads, found = old.reads, old.found
            elif slot.found.stored_reads is None:
                continue
            else:
                reads = slot.found.stored_reads
                found = slot.found.packed or _packed_found(slot.found, display)
            style = old.style if old is not None else None
            if slot.style_fresh and not slot.style_uncacheable:
                style = (
                    tuple(pack_problem(p, display) for p in slot.style[0]),
                    tuple(pack_error(e, display) for e in slot.style[1]),
                )
            front = old.front if old is not None else None
            if slot.front is not _UNPACKED:  # packed already (in the worker that parsed it, or meanwhile)
                front = slot.front
            elif slot.unit is not None and slot.unit.doc.front_matter is not None:
                front = _packed_front(slot.unit)
            blocks = old.blocks if old is not None else None
            if slot.blocks is not _UNPACKED:  # packed by the worker that parsed it
                blocks = slot.blocks
            elif slot.unit is not None and slot.unit.doc.parsed:
                blocks = packed_blocks(slot.unit.doc.tokens)
            store.put(rel, Entry(slot.content, reads, found, style, slot.finished, slot.words, front, blocks))
        store.save(contents, whole_site, verdicts, words)


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
    from . import cache, fixer

    cache.HELPED_RUN = jobs != 1  # (as `check` sets it: `--jobs 1` forks no prefetch helper)
    run = FixRun()
    errors: list[FileError] = []
    targets = linter.targets(paths, errors)
    units = read_units(linter, targets, errors)
    if write:  # temporary files a killed run left beside the posts
        fixer.remove_stale_temps({Path(os.path.realpath(u.target.path)).parent for u in units})
    prepare_sites(linter, [(u.target, u.doc) for u in units], _parallel(jobs, len(units)) > 1)
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
    sizes = [len(u.doc.text) for u in units]
    for unit, fixed in zip(units, map_units(work, len(units), jobs, linter.progress, "fixed", sizes=sizes)):
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
