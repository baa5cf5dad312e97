"""The engine: a `Linter` holds one configuration and its rules, finds the files to check, and
provides the phases the pipeline (pipeline.py) runs: the per-document rules, the site-wide
rules, the link checks. It knows nothing about output formats."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import pipeline
from .config import Config, build_config, resolve_rule
from .document import Document
from .external import LINK_CODES, Occurrence, check_external, looks_up, occurrences
from .files import walk
from .problem import Edit, Problem, Severity
from .report import FileError, Report
from .rule import Context, Rule, SiteContext
from .jekyll.site import DEFAULT_TAG_DIRS, MARKDOWN_SUFFIXES, Site, find_root

UNUSED_SUPPRESSION = "RL001"
_STYLE_CODE = re.compile(r"(?i)md\d{3}")


@dataclass(frozen=True)
class Target:
    path: Path
    display: str
    site: Site
    relative: str | None  # site-relative path, None outside a site


_matches = pipeline.matches
PARALLEL_THRESHOLD = pipeline.PARALLEL_THRESHOLD


class Linter:
    """Runs a set of rules under one configuration. Sites are cached by root."""

    def __init__(self, config: Config, rules: Sequence[Rule], cwd: Path | None = None) -> None:
        self.config = config
        self.all_rules = list(rules)
        self.rules = config.enabled_rules(rules)
        self.cwd = (cwd or Path.cwd()).resolve()
        self._sites: dict[Path | None, Site] = {}
        self.use_link_cache = True
        self.use_result_cache = False  # the CLI turns it on (result_cache.py); library callers opt in
        self.resolver: object = None  # DNS resolver for link checks (tests inject one)
        self.transport: object = None  # httpx transport for link checks (tests inject one)
        self.link_worker: object = None  # a link_worker.LinkWorker the CLI forked early, or None
        self.progress: Callable[[int, int, str], None] | None = None  # (done, total, phase): see progress.py

    # ----- sites and targets -------------------------------------------------------------
    def site_for(self, path: Path) -> Site:
        root = find_root(path)
        if root not in self._sites:
            tag_dirs = tuple(self.config.site.get("tag-dirs", ())) or DEFAULT_TAG_DIRS
            self._sites[root] = Site(root, tag_dirs, str(self.config.site.get("platform", "auto")))
        return self._sites[root]

    def sites_seen(self) -> list[Site]:
        """The sites this linter has read so far."""
        return list(self._sites.values())

    def display(self, path: Path) -> str:
        text = str(path)
        base = str(self.cwd)
        # A normalized absolute path under the cwd (a whole-site run's every target): the rest of
        # the string, as the general way below gives it, without two paths built per file.
        if os.sep == "/" and text.startswith(base + "/") and base != "/" and "/." not in text and "//" not in text:
            return text[len(base) + 1 :]
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
        result: list[Path] = []
        skip = lambda rel: rel.rsplit("/", 1)[-1].startswith(".") or rel.rsplit("/", 1)[-1] in ("node_modules", "_site")
        for current, _, names in walk(str(folder), skip):
            result.extend(Path(current) / n for n in names if Path(n).suffix.lower() in MARKDOWN_SUFFIXES)
        return result

    def _without_excluded(self, targets: list[Target]) -> list[Target]:
        if not self.config.exclude:
            return targets
        return [t for t in targets if not _matches(t.relative or t.display, self.config.exclude)]

    # ----- the pipeline (pipeline.py) ------------------------------------------------------
    def check_paths(
        self, paths: Sequence[Path], jobs: int = 0, *, since: str | None = None, baseline: Path | None = None
    ) -> Report:
        """Check the files; `jobs` processes (0: one per core) when there are many files."""
        from .cache import holding

        with holding():  # (the user cache is written once the workers run: pipeline.check)
            return pipeline.check(self, paths, jobs, filters=pipeline.Filters(since, baseline))

    def forget_sites(self) -> None:
        """Drop what was read about the sites (after `fix` wrote files)."""
        self._sites.clear()

    def site_phase(
        self, targets: list[Target], whole_site: bool
    ) -> tuple[list[Problem], list[FileError], dict[str, str | None], bool]:
        """Run the site-wide rules once per site. When only some files were given, keep the
        problems on those files (a duplicate permalink involving a changed post still shows).
        Returns the problems (display paths), errors, display-to-relative paths, and whether
        any site-wide rule ran."""
        site_rules = [r for r in self.rules if r.site_wide]
        problems: list[Problem] = []
        errors: list[FileError] = []
        paths: dict[str, str | None] = {}
        if not site_rules:
            return problems, errors, paths, False
        sites = {t.site.root: t.site for t in targets if t.site.root is not None}
        if whole_site and not sites:
            site = self.site_for(self.cwd)
            if site.root is not None:
                sites[site.root] = site
        checked = {(t.site.root, t.relative) for t in targets}
        for root, site in sites.items():
            for r in site_rules:
                ctx = SiteContext(site, self.config.rules[r.code].options, r, self.config.site)
                try:
                    found = list(r.check(ctx))
                except Exception as exc:  # a bug in a rule must not stop the run
                    errors.append(
                        FileError(str(root), f"internal error in rule {r.label}: {type(exc).__name__}: {exc}")
                    )
                    continue
                for p in found:
                    if not whole_site and (root, p.path) not in checked:
                        continue
                    display = self.display(root / p.path)
                    paths[display] = p.path
                    problems.append(replace(p, path=display))
        return problems, errors, paths, bool(sites)

    @property
    def checks_links(self) -> bool:
        return self.config.links.get("mode", "off") != "off" and any(self.config.rules[c].enabled for c in LINK_CODES)

    def looks_up_links(self, site_root: Path | None) -> bool:
        """Whether `link_problems` would look any verdict up (external.looks_up)."""
        return self.checks_links and looks_up(dict(self.config.links), site_root, use_cache=self.use_link_cache)

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
            worker=self.link_worker,
        )

    def document_problems(
        self, doc: Document, site: Site, relative: str | None = None
    ) -> tuple[list[Problem], list[FileError]]:
        """The per-document rules on one document, before post-processing."""
        problems: list[Problem] = []
        errors: list[FileError] = []
        for r in self.rules:
            if r.site_wide or doc.kind not in r.kinds:
                continue
            ctx = Context(doc, site, self.config.rules[r.code].options, r, self.config.site, relative or "")
            try:
                if r.module.startswith("reinvent_lint."):
                    problems.extend(self._capped(r, ctx))
                else:  # a third-party rule: within the time budget, its failure kept to this file
                    problems.extend(self._plugin_problems(r, ctx))
            except Exception as exc:  # a bug in a rule must not stop the run
                errors.append(FileError(doc.path, f"internal error in rule {r.label}: {type(exc).__name__}: {exc}"))
        return problems, errors

    def _capped(self, r: Rule, ctx: Context) -> list[Problem]:
        """The rule's findings on the document, at most `[limits] max-findings` and a note."""
        cap = int(self.config.limits["max-findings"])
        found = list(itertools.islice(r.check(ctx), cap + 1))
        if len(found) > cap:
            message = f"stopped after {cap:,} findings in this file ([limits] max-findings)"
            found[cap:] = [Problem(ctx.doc.path, 1, 1, r.code, r.name, message, Severity.INFO)]
        return found

    def _plugin_problems(self, r: Rule, ctx: Context) -> list[Problem]:
        from .signals import TooSlow, cpu_budget

        budget = float(self.config.limits["time-budget"])
        try:
            with cpu_budget(budget):
                return list(r.check(ctx))
        except TooSlow:
            message = f"{r.label} skipped: too slow (over {budget:g} s of CPU time)"
            return [Problem(ctx.doc.path, 1, 1, r.code, r.name, message, Severity.INFO)]

    def check_document(
        self, doc: Document, site: Site, relative: str | None = None
    ) -> tuple[list[Problem], list[FileError]]:
        """One document through the per-document phase and post-processing (no site-wide rules,
        links or style pack: those need the whole run)."""
        problems, errors = self.document_problems(doc, site, relative)
        ran = self.ran(links=False, style=False, sites=False)
        return pipeline.finish(self, problems, {doc.path: doc}, {doc.path: relative}, ran), errors

    def fix_checker(self, whole_site: bool) -> Callable[[Document, Target, list[FileError]], list[Problem]]:
        """What the fix loop checks on each version of a document: our rules, the redirects the
        link cache knows (unsafe fixes) and the style pack's Liquid-protected fixes, through the
        same post-processing as every finding."""
        from . import style

        style_fixes = style.runs(self.config.style, whole_site)
        ran = self.ran(links=False, style=False, sites=False)

        def check(doc: Document, target: Target, errors: list[FileError]) -> list[Problem]:
            problems, found = self.document_problems(doc, target.site, target.relative)
            errors.extend(found)
            if self.checks_links:
                problems += self.link_problems(occurrences(doc), target.site.root, mode="cached")[0]
            if style_fixes:
                budget = float(self.config.limits["time-budget"])
                problems += _per_line(doc, style.fix_problem(doc, self.config.style, budget))
            relative = {doc.path: target.relative}
            return pipeline.finish(self, problems, {doc.path: doc}, relative, ran, report_unused=False)

        return check

    # ----- post-processing helpers ---------------------------------------------------------
    def ran(self, *, links: bool, style: bool, sites: bool) -> Callable[[str], bool]:
        """Whether findings of a code could have been reported in this run (an unused
        suppression of a rule that did not run is not reported)."""
        skipped = {r.code for r in self.all_rules if r.site_wide and not sites}
        if not links:
            skipped |= set(LINK_CODES)

        def check(code: str) -> bool:
            if _STYLE_CODE.fullmatch(code):
                return style
            return code not in skipped  # a disabled rule or an unknown code: a stale suppression

        return check

    def code_of(self, word: str) -> str | None:
        """A rule code for a code or name in a suppression comment (style codes upper-cased)."""
        found = resolve_rule(word, self.all_rules)
        if found:
            return found.code
        return word.upper() if _STYLE_CODE.fullmatch(word) else None

    def meta_problem(self, doc: Document, start: int, end: int, message: str) -> Problem:
        meta = next(r for r in self.all_rules if r.code == UNUSED_SUPPRESSION)
        return Context(doc, Site(None), {}, meta).problem(start, message, end=end)


def _per_line(doc: Document, problem: Problem | None) -> list[Problem]:
    """The style pack's fixes as one problem per line, so the render check can refuse one line's
    fix (an emphasis that was a multiplication sign) and keep the others."""
    if problem is None or problem.fix is None:
        return []
    by_line: dict[int, list[Edit]] = {}
    for edit in problem.fix.edits:
        by_line.setdefault(doc.position(edit.start)[0], []).append(edit)
    return [
        replace(
            problem, line=line, start=edits[0].start, end=edits[0].start, fix=replace(problem.fix, edits=tuple(edits))
        )
        for line, edits in sorted(by_line.items())
    ]


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
    """Check files (or the site around the cwd when none are given), as `check` does."""
    linter = linter or default_linter()
    return linter.check_paths([Path(p) for p in paths])


def fix_text(
    text: str, path: str = "_posts/2024-01-01-post.md", *, unsafe: bool = False, linter: Linter | None = None
) -> str:
    """Fix one post given as text (the default rules, or the linter's); returns the fixed text."""
    linter = linter or default_linter()
    site = Site(None)
    doc = Document(path, text.lstrip("\ufeff").replace("\r\n", "\n"), kind=site.kind_of(path))
    target = Target(Path(path), path, site, path)
    check = linter.fix_checker(whole_site=False)
    from . import fixer  # here: a check imports no fix engine

    return fixer.fix_document(doc, lambda d: check(d, target, []), unsafe=unsafe).text


__all__ = ["FileError", "Linter", "Report", "Target", "check_paths", "check_text", "default_linter", "fix_text"]
