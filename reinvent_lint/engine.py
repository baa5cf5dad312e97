"""The engine: find the files, read each once, run the enabled rules, stamp severities from the
config, apply suppressions and sort. It knows nothing about output formats."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import suppress
from .config import Config, build_config, resolve_rule
from .document import Document, ReadError
from .external import LINK_CODES, Occurrence, check_external, occurrences
from .problem import Problem
from .rule import Context, Rule, SiteContext
from .site import MARKDOWN_SUFFIXES, Site, find_root

UNUSED_SUPPRESSION = "RL001"
PARALLEL_THRESHOLD = 48  # below this, starting worker processes costs more than it saves
_FORKED_LINTER: Linter | None = None


@dataclass(frozen=True)
class FileError:
    """A file that could not be checked (exit code 2), or an internal error in a rule."""

    path: str
    message: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        return f"{where}: error: {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    path: Path
    display: str
    site: Site
    relative: str | None  # site-relative path, None outside a site


def _matches(path: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(path, p.rstrip("/") + "/*") for p in patterns)


class Linter:
    """Runs a set of rules under one configuration. Sites are cached by root."""

    def __init__(self, config: Config, rules: Sequence[Rule], cwd: Path | None = None) -> None:
        self.config = config
        self.all_rules = list(rules)
        self.rules = config.enabled_rules(rules)
        self.cwd = (cwd or Path.cwd()).resolve()
        self._sites: dict[Path | None, Site] = {}
        self.use_link_cache = True
        self.resolver: object = None  # DNS resolver for link checks (tests inject one)
        self.transport: object = None  # httpx transport for link checks (tests inject one)
        self._forked_targets: list[Target] = []

    # ----- sites and targets -------------------------------------------------------------
    def site_for(self, path: Path) -> Site:
        root = find_root(path)
        if root not in self._sites:
            tag_dirs = tuple(self.config.site.get("tag-dirs", ())) or None
            self._sites[root] = Site(root, tag_dirs) if tag_dirs else Site(root)
        return self._sites[root]

    def display(self, path: Path) -> str:
        absolute = Path(os.path.abspath(path))
        try:
            return absolute.relative_to(self.cwd).as_posix()
        except ValueError:
            return str(path)

    def targets(self, paths: Sequence[Path], errors: list[FileError]) -> list[Target]:
        """The files to check for the given paths (none: the site around the cwd)."""
        found: list[Target] = []
        if not paths:
            site = self.site_for(self.cwd)
            if site.root is not None:
                for rel in site.markdown_files():
                    full = site.root / rel
                    found.append(Target(full, self.display(full), site, rel))
                return self._without_excluded(found)
            paths = [self.cwd]
        for given in paths:
            if given.is_dir():
                site = self.site_for(given)
                for full in sorted(self._walk_markdown(given, site)):
                    found.append(Target(full, self.display(full), site, site.relative(full)))
            elif given.exists() or given.is_symlink():
                site = self.site_for(given)
                found.append(Target(given, self.display(given), site, site.relative(given)))
            else:
                errors.append(FileError(str(given), "no such file or directory"))
        return self._without_excluded(found)

    def _walk_markdown(self, folder: Path, site: Site) -> Iterable[Path]:
        if site.root is not None:
            prefix = site.relative(folder)
            if prefix is not None:
                prefix = "" if prefix in (".", "") else prefix + "/"
                return [site.root / rel for rel in site.markdown_files() if rel.startswith(prefix)]
        result = []
        for current, dirs, names in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("node_modules", "_site")]
            result.extend(Path(current) / n for n in names if Path(n).suffix.lower() in MARKDOWN_SUFFIXES)
        return result

    def _without_excluded(self, targets: list[Target]) -> list[Target]:
        if not self.config.exclude:
            return targets
        return [t for t in targets if not _matches(t.relative or t.display, self.config.exclude)]

    # ----- checking ----------------------------------------------------------------------
    def check_paths(self, paths: Sequence[Path], jobs: int = 0) -> Report:
        """Check the files; `jobs` processes (0: one per core) when there are many files."""
        report = Report()
        targets = self.targets(paths, report.errors)
        style = self._start_style(targets, whole_site=not paths)
        jobs = jobs or os.cpu_count() or 1
        if jobs > 1 and len(targets) >= PARALLEL_THRESHOLD and _can_fork():
            results = self._check_in_processes(targets, jobs)
        else:
            results = map(self.check_target, targets)
        found: list[Occurrence] = []
        for problems, errors, checked, links in results:
            report.problems.extend(problems)
            report.errors.extend(errors)
            report.files += checked
            found.extend(links)
        if found:
            root = next((t.site.root for t in targets if t.site.root), None)
            problems, warnings = self.link_problems(found, root)
            report.problems.extend(problems)
            report.warnings.extend(warnings)
        if style is not None:
            report.problems.extend(style())
        problems, errors = self.check_sites(targets, whole_site=not paths)
        report.problems.extend(problems)
        report.errors.extend(errors)
        report.problems.sort(key=lambda p: p.sort_key)
        return report

    def check_sites(self, targets: list[Target], whole_site: bool) -> tuple[list[Problem], list[FileError]]:
        """Run the site-wide rules once per site. When only some files were given, keep the
        problems on those files (a duplicate permalink involving a changed post still shows)."""
        site_rules = [r for r in self.rules if r.site_wide]
        problems: list[Problem] = []
        errors: list[FileError] = []
        if not site_rules:
            return problems, errors
        sites = {t.site.root: t.site for t in targets if t.site.root is not None}
        if whole_site and not sites:
            site = self.site_for(self.cwd)
            if site.root is not None:
                sites[site.root] = site
        checked = {(t.site.root, t.relative) for t in targets}
        for root, site in sites.items():
            for r in site_rules:
                settings = self.config.rules[r.code]
                ctx = SiteContext(site, settings.options, r, self.config.site)
                try:
                    found = list(r.check(ctx))
                except Exception as exc:  # a bug in a rule must not stop the run
                    errors.append(
                        FileError(str(root), f"internal error in rule {r.label}: {type(exc).__name__}: {exc}")
                    )
                    continue
                for p in found:
                    if (settings.exclude and _matches(p.path, settings.exclude)) or _matches(p.path, self.config.exclude):
                        continue
                    if not whole_site and (root, p.path) not in checked:
                        continue
                    problems.append(replace(p, path=self.display(root / p.path), severity=settings.severity))
        return problems, errors

    def _start_style(self, targets: list[Target], whole_site: bool):  # type: ignore[no-untyped-def]
        """Start the style pack (one pymarkdownlnt run over every target) in a forked process,
        so it runs while this process checks our rules; returns a callable giving its problems."""
        from . import style

        if not targets or not style.runs(self.config.style, whole_site):
            return None
        work = [(str(t.path), t.display, t.site.kind_of(t.relative)) for t in targets]
        settings = dict(self.config.style)
        if not _can_fork():
            found = style.scan_documents(work, settings)
            return lambda: found
        import multiprocessing

        pool = multiprocessing.get_context("fork").Pool(1)
        pending = pool.apply_async(style.scan_documents, (work, settings))

        def collect() -> list[Problem]:
            try:
                return pending.get()
            finally:
                pool.close()
                pool.join()

        return collect

    @property
    def checks_links(self) -> bool:
        return self.config.links.get("mode", "off") != "off" and any(self.config.rules[c].enabled for c in LINK_CODES)

    def link_problems(
        self, found: list[Occurrence], site_root: Path | None, mode: str | None = None
    ) -> tuple[list[Problem], list[str]]:
        """Problems for the external links found (see external.py), in the configured mode."""
        settings = dict(self.config.links)
        if mode:
            settings["mode"] = mode
        rules = {
            c: (next(r for r in self.all_rules if r.code == c), self.config.rules[c].severity)
            for c in LINK_CODES
            if self.config.rules[c].enabled
        }
        return check_external(
            found,
            settings,
            site_root,
            rules,
            use_cache=self.use_link_cache,
            resolver=self.resolver,
            transport=self.transport,
        )

    def check_target(self, target: Target) -> tuple[list[Problem], list[FileError], int, list[Occurrence]]:
        kind = target.site.kind_of(target.relative)
        try:
            doc = Document.read(target.path, target.display, kind)
        except ReadError as exc:
            return [], [FileError(target.display, exc.message, exc.line, exc.column)], 0, []
        problems, errors = self.check_document(doc, target.site, target.relative)
        return problems, errors, 1, occurrences(doc) if self.checks_links else []

    def _check_in_processes(
        self, targets: list[Target], jobs: int
    ) -> list[tuple[list[Problem], list[FileError], int, list[Occurrence]]]:
        """Fork workers that inherit this linter (config, rules, sites) instead of pickling it."""
        global _FORKED_LINTER
        sites = {t.site.root: t.site for t in targets}.values()
        for r in self.rules:
            if r.prepare is not None:
                for site in sites:
                    r.prepare(site, self.config.rules[r.code].options)
        _FORKED_LINTER = self
        self._forked_targets = targets
        try:
            import multiprocessing

            with multiprocessing.get_context("fork").Pool(min(jobs, len(targets))) as pool:
                return pool.map(_check_forked, range(len(targets)), chunksize=8)
        finally:
            _FORKED_LINTER = None

    def check_document(
        self, doc: Document, site: Site, relative: str | None = None
    ) -> tuple[list[Problem], list[FileError]]:
        problems: list[Problem] = []
        errors: list[FileError] = []
        where = relative or doc.path
        for r in self.rules:
            if r.site_wide or doc.kind not in r.kinds:
                continue
            settings = self.config.rules[r.code]
            if settings.exclude and _matches(where, settings.exclude):
                continue
            ctx = Context(doc, site, settings.options, r, self.config.site, relative or "")
            try:
                problems.extend(replace(p, severity=settings.severity) for p in r.check(ctx))
            except Exception as exc:  # a bug in a rule must not stop the run
                errors.append(FileError(doc.path, f"internal error in rule {r.label}: {type(exc).__name__}: {exc}"))
        suppressions = suppress.parse(doc, lambda word: self._code_of(word))
        kept = suppress.apply(problems, suppressions)
        unused = self.config.rules.get(UNUSED_SUPPRESSION)
        if unused and unused.enabled:
            for s in suppressions:
                if s.codes and all(c.startswith("MD") for c in s.codes):
                    continue  # the style pack's codes: applied in its own pass (style.py)
                if s.action in ("disable", "disable-file", "disable-line", "disable-next-line") and not s.used:
                    kept.append(self._unused(doc, s, unused.severity))
        kept.sort(key=lambda p: p.sort_key)
        return kept, errors

    def _code_of(self, word: str) -> str | None:
        found = resolve_rule(word, self.all_rules)
        return found.code if found else None

    def _unused(self, doc: Document, s: suppress.Suppression, severity: object) -> Problem:
        meta = next(r for r in self.all_rules if r.code == UNUSED_SUPPRESSION)
        ctx = Context(doc, Site(None), {}, meta)
        what = ", ".join(sorted(s.codes)) or "all rules"
        problem = ctx.problem(s.start, f"suppression ({s.action} {what}) suppressed nothing", end=s.end)
        return replace(problem, severity=severity)  # type: ignore[arg-type]


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _check_forked(index: int) -> tuple[list[Problem], list[FileError], int, list[Occurrence]]:
    linter = _FORKED_LINTER
    assert linter is not None
    return linter.check_target(linter._forked_targets[index])


def default_linter(
    rules: Sequence[Rule] | None = None, config: Config | None = None, cwd: Path | None = None
) -> Linter:
    from .rules import builtin_rules

    rules = list(rules) if rules is not None else builtin_rules()
    return Linter(config or build_config({}, rules), rules, cwd)


def check_text(
    text: str,
    path: str = "_posts/2024-01-01-post.md",
    *,
    site: Site | None = None,
    kind: str | None = None,
    linter: Linter | None = None,
) -> list[Problem]:
    """Check one post given as text. `kind` defaults to what `path` says (a `_posts/` path is a post)."""
    linter = linter or default_linter()
    site = site or Site(None)
    relative = path
    doc = Document(path, text.lstrip("\ufeff").replace("\r\n", "\n"), kind=kind or site.kind_of(relative))
    problems, errors = linter.check_document(doc, site, relative)
    if errors:
        raise RuntimeError("; ".join(str(e) for e in errors))
    return problems


def check_paths(paths: Sequence[Path | str], linter: Linter | None = None) -> Report:
    linter = linter or default_linter()
    return linter.check_paths([Path(p) for p in paths])
